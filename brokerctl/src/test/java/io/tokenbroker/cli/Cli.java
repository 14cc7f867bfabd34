package io.tokenbroker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.util.JSONObjectUtils;
import io.tokenbroker.adapters.dynamodb.BrokerTables;
import io.tokenbroker.adapters.provisioning.BrokerProvisioner;
import io.tokenbroker.testing.AwsFixture;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** brokerctl run in-process against a test class's moto, on tables of the test's own. */
final class Cli {

  record Run(int exit, String out, String err) {
    /** The JSON object printed by {@code --output json}, after checking the run succeeded. */
    Map<String, Object> json() throws Exception {
      assertThat(exit).as(err).isZero();
      assertThat(out.lines()).as("one JSON document on one line").hasSize(1);
      return JSONObjectUtils.parse(out);
    }
  }

  private final AwsFixture aws;

  Cli(AwsFixture aws) {
    this.aws = aws;
  }

  /** Fresh tables, so that a test sees only what it wrote. */
  BrokerTables freshTables() {
    BrokerTables tables =
        BrokerTables.withPrefix(
            aws.aws.prefix() + UUID.randomUUID().toString().substring(0, 8) + "-");
    new BrokerProvisioner(aws.dynamoDb).createTables(tables);
    return tables;
  }

  /** brokerctl on every table of {@code tables} (by their prefix, also the deployment name). */
  Run on(BrokerTables tables, String... args) {
    return on(tables, Map.of(), args);
  }

  /** As {@link #on(BrokerTables, String...)}, with these variables in brokerctl's environment. */
  Run on(BrokerTables tables, Map<String, String> env, String... args) {
    String prefix = tables.clients().substring(0, tables.clients().length() - "clients".length());
    List<String> all =
        new ArrayList<>(
            List.of(
                "--endpoint-url",
                aws.aws.endpoint().toString(),
                "--table-prefix",
                prefix,
                "--deployment",
                prefix));
    all.addAll(List.of(args));
    return execute(env, all.toArray(String[]::new));
  }

  static Run execute(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cli = Brokerctl.commandLine(new Brokerctl(env));
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int exit = cli.execute(args);
    return new Run(exit, out.toString().strip(), err.toString().strip());
  }

  /**
   * Every line of {@code table} (at least {@code lines}) has, where each header after the first
   * begins, a value that begins there: two spaces before it, none at it.
   */
  static void assertAligned(String table, int lines) {
    List<String> all = table.lines().toList();
    assertThat(all).hasSizeGreaterThanOrEqualTo(lines);
    List<Integer> starts = new ArrayList<>();
    Matcher column = Pattern.compile("(?<=  )\\S").matcher(all.getFirst());
    while (column.find()) {
      starts.add(column.start());
    }
    assertThat(starts).as("columns of " + all.getFirst()).isNotEmpty();
    for (String line : all) {
      for (int start : starts) {
        assertThat(line.length()).as(line).isGreaterThan(start);
        assertThat(line.substring(start - 2, start + 1)).as(line).matches("  \\S");
      }
    }
  }
}
