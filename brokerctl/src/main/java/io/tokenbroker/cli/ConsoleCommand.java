package io.tokenbroker.cli;

import io.tokenbroker.adapters.aws.AwsSettings;
import io.tokenbroker.adapters.aws.ClientTimeouts;
import io.tokenbroker.adapters.wiring.BrokerAdapters;
import io.tokenbroker.cli.console.CommandRunner;
import io.tokenbroker.cli.console.ConsoleServer;
import io.tokenbroker.cli.console.ConsoleViews;
import io.tokenbroker.cli.console.RefusalLog;
import io.tokenbroker.operator.OperatorAudit;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code brokerctl console}: the operator console on 127.0.0.1 (see {@link ConsoleServer}). Its
 * views read the tables; its actions run brokerctl's own commands in this process, with this
 * command's global options, so each is checked, refused and performed exactly as on the command
 * line.
 */
@Command(
    name = "console",
    description = {
      "Serve the operator console on 127.0.0.1 until interrupted (Ctrl-C): clients and their"
          + " policies, the signing keys' timeline, recent issuances and refusals, revocations, the"
          + " audit trail; and the actions"
          + " (disable a client; revoke a token, a client's tokens or a key's; rotate; compromise),"
          + " each confirmed first.",
      "It uses your AWS credentials, as every brokerctl command does, and needs all five tables"
          + " (--table-prefix, or each --*-table); each action is recorded in the audit trail under"
          + " your ARN, as on the command line. Open the address it prints: it carries a key"
          + " the console requires; nothing else on this machine can use the console without it."
    })
final class ConsoleCommand implements Callable<Integer> {

  @ParentCommand Brokerctl brokerctl;
  @Spec CommandSpec spec;

  /** The most audit entries the audit view shows (the newest). */
  private static final int AUDIT_SHOWN = 200;

  @Option(
      names = "--port",
      paramLabel = "PORT",
      description = "Port on 127.0.0.1 to serve on. Default: 0, a free port.",
      defaultValue = "0")
  int port;

  @Option(
      names = "--log-group",
      paramLabel = "NAME",
      description =
          "A function's log group to show refusals from (request.rejected, authorizer.denied);"
              + " repeat for each. The stack's: /aws/lambda/STACK-token, -authorizer, -revocation,"
              + " -introspection. Default: none (the refusals view says so).")
  List<String> logGroups = new ArrayList<>();

  @Option(
      names = "--refusals-minutes",
      paramLabel = "MINUTES",
      description = "How far back the refusals view reads the log groups. Default: 60.",
      defaultValue = "60")
  int refusalsMinutes;

  @Override
  public Integer call() throws IOException {
    try (ConsoleServer server = server(System.err)) {
      server.start();
      PrintWriter out = spec.commandLine().getOut();
      out.println("brokerctl console: open " + server.address());
      out.println("(the address carries the console's key: do not share it; Ctrl-C stops)");
      out.flush();
      new CountDownLatch(1).await(); // serves until interrupted (or the JVM is stopped)
    } catch (InterruptedException stop) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  /** The console over this command's tables, not yet serving. */
  ConsoleServer server(PrintStream terminal) throws IOException {
    BrokerAdapters adapters = brokerctl.adapters();
    ConsoleViews views =
        new ConsoleViews(
            adapters,
            new ConsoleViews.Tables(
                brokerctl.clientsTable(),
                brokerctl.keysTable(),
                brokerctl.issuancesTable(),
                brokerctl.revocationsTable()));
    Map<String, Supplier<Object>> served = new LinkedHashMap<>();
    served.put("clients", views::clients);
    served.put("keys", views::keys);
    served.put("issuances", views::issuances);
    served.put("revocations", views::revocations);
    // The actions' own entries: each runs a brokerctl command, which records who did it first.
    OperatorAudit audit = adapters.operatorAudit(brokerctl.auditTable(), Clock.systemUTC());
    served.put(
        "audit",
        () ->
            Map.of(
                "rows",
                audit.recent(AUDIT_SHOWN, Optional.empty()).stream()
                    .map(AuditCommand::json)
                    .toList()));
    if (refusalsMinutes < 1 || refusalsMinutes > 7 * 24 * 60) {
      throw new ParameterException(spec.commandLine(), "--refusals-minutes: 1 to 10080");
    }
    if (logGroups.isEmpty()) {
      served.put("refusals", () -> Map.of("log_groups", List.of(), "rows", List.of()));
    } else {
      RefusalLog refusals =
          new RefusalLog(
              RefusalLog.client(AwsSettings.from(brokerctl.env(), ClientTimeouts.background())),
              logGroups,
              Duration.ofMinutes(refusalsMinutes),
              Clock.systemUTC());
      served.put("refusals", refusals::recent);
    }
    return new ConsoleServer(port, served, runner(), terminal, new SecureRandom());
  }

  /** Runs a brokerctl command with the global options this console was started with. */
  private CommandRunner runner() {
    List<String> global = new ArrayList<>();
    for (OptionSpec option : spec.parent().options()) {
      if (!option.originalStringValues().isEmpty() && option.arity().max() > 0) {
        for (String value : option.originalStringValues()) {
          global.add(option.longestName());
          global.add(value);
        }
      }
    }
    List<String> options = List.copyOf(global);
    return arguments -> {
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      Brokerctl inner = new Brokerctl(brokerctl.environment);
      inner.clock = brokerctl.clock;
      CommandLine command = Brokerctl.commandLine(inner);
      command.setOut(new PrintWriter(out, true));
      command.setErr(new PrintWriter(err, true));
      List<String> all = new ArrayList<>(options);
      all.addAll(arguments);
      int exit = command.execute(all.toArray(String[]::new));
      return new CommandRunner.Outcome(exit, out.toString(), err.toString());
    };
  }
}
