package io.tokenbroker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenbroker.adapters.dynamodb.BrokerTables;
import io.tokenbroker.devsupport.LocalAws;
import io.tokenbroker.devsupport.MotoExtension;
import io.tokenbroker.testing.AwsFixture;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;

/** brokerctl's audit trail: every action recorded under the caller's identity, and `audit`. */
@ExtendWith(MotoExtension.class)
class BrokerctlAuditIT {

  private static AwsFixture aws;
  private static String caller;
  @TempDir Path dir;

  @BeforeAll
  static void setUp(LocalAws local) {
    aws = AwsFixture.provisioned(local);
    cli = new Cli(aws);
    // The oracle: STS asked directly, as the operator's credentials would be.
    try (StsClient sts =
        StsClient.builder()
            .endpointOverride(local.endpoint())
            .region(Region.US_EAST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
            .build()) {
      caller = sts.getCallerIdentity().arn();
    }
  }

  private static Cli cli;

  private static BrokerTables freshTables() {
    return cli.freshTables();
  }

  private static Cli.Run brokerctl(BrokerTables tables, String... args) {
    return cli.on(tables, args);
  }

  private static Cli.Run execute(Map<String, String> env, String... args) {
    return Cli.execute(env, args);
  }

  private Path client(String id) throws Exception {
    return Files.writeString(
        dir.resolve(id + ".json"),
        "{\"client_id\":\""
            + id
            + "\",\"scopes\":[\"s:read\"],\"audiences\":[\"https://a\"],"
            + "\"iam_roles\":[\"arn:aws:iam::123456789012:role/"
            + id
            + "\"]}");
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> entries(Cli.Run run) throws Exception {
    return (List<Map<String, Object>>) (List<?>) run.json().get("entries");
  }

  @Test
  void recordsEveryOperatorActionUnderTheCallersIdentityAndListsItNewestFirst() throws Exception {
    BrokerTables tables = freshTables();

    assertThat(brokerctl(tables, "clients", "put", client("billing").toString()).exit()).isZero();
    assertThat(brokerctl(tables, "clients", "disable", "billing").exit()).isZero();
    assertThat(brokerctl(tables, "revoke", "client", "ghost").exit()).isEqualTo(1);
    assertThat(brokerctl(tables, "revoke", "client", "billing").exit()).isZero();
    assertThat(brokerctl(tables, "revoke", "token", "--force", "jti-1").exit()).isZero();
    assertThat(brokerctl(tables, "keys", "rotate").exit()).isZero();

    List<Map<String, Object>> entries = entries(brokerctl(tables, "audit", "--output", "json"));

    assertThat(entries)
        .extracting(e -> e.get("action") + " " + e.get("target") + " " + e.get("outcome"))
        .containsExactly(
            "keys rotate  done",
            "keys rotate  intent",
            "revoke token jti-1 done",
            "revoke token jti-1 intent",
            "revoke client billing done",
            "revoke client billing intent",
            "revoke client ghost refused",
            "revoke client ghost intent",
            "clients disable billing done",
            "clients disable billing intent",
            "clients put billing done",
            "clients put billing intent");
    assertThat(entries)
        .allSatisfy(
            e -> {
              assertThat(e).containsEntry("actor", caller).containsEntry("via", "brokerctl");
              assertThat(e.keySet())
                  .containsExactly(
                      "id", "at", "actor", "via", "action", "target", "outcome", "detail");
            });
    assertThat(entries.get(10).get("detail")).isEqualTo("version 1");
    assertThat((String) entries.get(6).get("detail")).startsWith("no client ghost");
    assertThat((String) entries.get(0).get("detail")).startsWith("bootstrapped ");
    assertThat(entries.get(0).get("id")).isEqualTo(entries.get(1).get("id"));
    assertThat(entries.get(1).get("id")).isNotEqualTo(entries.get(2).get("id"));
  }

  @Test
  void doesNothingWhenTheAuditTrailCannotRecordTheIntent() throws Exception {
    BrokerTables tables = freshTables();

    Cli.Run run =
        brokerctl(
            tables,
            "--audit-table",
            aws.aws.prefix() + "missing-audit",
            "clients",
            "put",
            client("orders").toString());

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err())
        .startsWith(
            "brokerctl: audit: could not record the intent in the audit trail, so nothing"
                + " was done")
        .doesNotContain("arn:");
    assertThat(aws.dynamoDb.scan(r -> r.tableName(tables.clients())).count()).isZero();
  }

  @Test
  void refusesAnActionWhenNoAuditTableIsNamed() throws Exception {
    BrokerTables tables = freshTables();

    Cli.Run run =
        execute(
            Map.of(),
            "--endpoint-url",
            aws.aws.endpoint().toString(),
            "--clients-table",
            tables.clients(),
            "clients",
            "put",
            client("ledger").toString());

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).contains("which table? give --audit-table").contains("AUDIT_TABLE");
    assertThat(aws.dynamoDb.scan(r -> r.tableName(tables.clients())).count()).isZero();
  }

  @Test
  void listsOnlyWhatHappenedSinceAndAtMostTheLimit() throws Exception {
    BrokerTables tables = freshTables();
    brokerctl(tables, "revoke", "token", "--force", "jti-a");
    brokerctl(tables, "revoke", "token", "--force", "jti-b");

    assertThat(entries(brokerctl(tables, "audit", "-o", "json", "--since", "5m"))).hasSize(4);
    assertThat(entries(brokerctl(tables, "audit", "-o", "json", "--limit", "3")))
        .extracting(e -> e.get("target"))
        .containsExactly("jti-b", "jti-b", "jti-a");
    assertThat(entries(brokerctl(tables, "audit", "-o", "json", "--since", "2999-01-01T00:00:00Z")))
        .isEmpty();
    for (String[] bad :
        List.of(
            new String[] {"--since", "yesterday"},
            new String[] {"--limit", "0"},
            new String[] {"--limit", "1001"},
            new String[] {"--output", "yaml"})) {
      List<String> args = new ArrayList<>(List.of("audit"));
      args.addAll(List.of(bad));
      Cli.Run run = brokerctl(tables, args.toArray(String[]::new));
      assertThat(run.exit()).as(String.join(" ", bad)).isEqualTo(2);
      assertThat(run.err()).contains("Usage: ");
    }
  }

  /** Columns are as wide as their widest value: every row's values start under their header. */
  @Test
  void alignsTheAuditTableUnderItsHeadersWhateverTheValuesLength() throws Exception {
    BrokerTables tables = freshTables();
    String longId = "a-very-long-client-id-" + "x".repeat(90);
    brokerctl(tables, "revoke", "client", "--force", longId);
    brokerctl(tables, "revoke", "token", "--force", "j");

    Cli.Run run = brokerctl(tables, "audit");

    assertThat(run.exit()).isZero();
    Cli.assertAligned(run.out(), 5);
    assertThat(run.out()).contains(longId).contains(caller);
  }

  /**
   * An audit entry's time, month and expiry come from the local clock: set far back or ahead, it
   * would write entries already expired or where the newest are not read. STS's Date says so first.
   */
  @Test
  void actsOnlyWhenTheLocalClockAgreesWithAws() throws Exception {
    BrokerTables tables = freshTables();
    String prefix = tables.clients().substring(0, tables.clients().length() - "clients".length());
    String[] put = {
      "--endpoint-url",
      aws.aws.endpoint().toString(),
      "--table-prefix",
      prefix,
      "clients",
      "put",
      client("timely").toString()
    };

    for (Duration off : List.of(Duration.ofDays(-401), Duration.ofDays(2))) {
      Brokerctl skewed = new Brokerctl(Map.of());
      skewed.clock = Clock.offset(Clock.systemUTC(), off);
      StringWriter err = new StringWriter();
      var command = Brokerctl.commandLine(skewed);
      command.setOut(new PrintWriter(new StringWriter()));
      command.setErr(new PrintWriter(err));

      assertThat(command.execute(put)).isEqualTo(1);
      assertThat(err.toString()).contains("this machine's clock says").contains("nothing was done");
    }
    Brokerctl close = new Brokerctl(Map.of());
    close.clock = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-2));
    var command = Brokerctl.commandLine(close);
    command.setOut(new PrintWriter(new StringWriter()));
    command.setErr(new PrintWriter(new StringWriter()));

    assertThat(brokerctl(tables, "audit").out()).doesNotContain("timely");
    assertThat(brokerctl(tables, "clients", "list").out()).doesNotContain("timely");
    assertThat(command.execute(put)).isZero();
  }
}
