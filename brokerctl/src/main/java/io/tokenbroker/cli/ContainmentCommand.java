package io.tokenbroker.cli;

import io.tokenbroker.adapters.dynamodb.DynamoDbContainmentLedger;
import io.tokenbroker.adapters.wiring.BrokerAdapters;
import io.tokenbroker.detection.Containment;
import io.tokenbroker.detection.ContainmentRelease;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code brokerctl containment list|release}: the anomaly detector's automatic containments, and
 * their undo. A release puts the client's watermark back to what it was before the containment,
 * only if nothing moved it since (an operator's later revocation is never undone), and is audited
 * as {@code containment.release}.
 */
@Command(
    name = "containment",
    description =
        "List the anomaly detector's automatic containments, or release one (restore the"
            + " client's revocation watermark to what it was before).",
    subcommands = {ContainmentCommand.ListContainments.class, ContainmentCommand.Release.class})
final class ContainmentCommand {

  @ParentCommand Brokerctl brokerctl;

  ContainmentRelease release(BrokerAdapters adapters) {
    return new ContainmentRelease(
        adapters.clients(brokerctl.clientsTable()),
        adapters.revocations(brokerctl.revocationsTable()),
        new DynamoDbContainmentLedger(adapters.dynamoDb(), brokerctl.detectorTable()),
        adapters.operatorAudit(brokerctl.auditTable(), brokerctl.clock),
        brokerctl.clock);
  }

  @Command(name = "list", description = "Every client's latest containment, newest first.")
  static final class ListContainments implements Callable<Integer> {
    @ParentCommand ContainmentCommand containment;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      List<Containment> all = containment.release(containment.brokerctl.adapters()).list();
      TextTable table =
          new TextTable("CLIENT", "CONTAINED_AT", "RULE", "REVOKED_BEFORE", "WAS", "RELEASED_AT");
      for (Containment c : all) {
        table.row(
            c.clientId(),
            c.containedAt().toString(),
            c.rule(),
            c.watermarkAfter().toString(),
            c.watermarkBefore().map(Object::toString).orElse("-"),
            c.releasedAt().map(Object::toString).orElse("-"));
      }
      if (all.isEmpty()) {
        spec.commandLine().getOut().println("no containments");
      } else {
        table.print(spec.commandLine().getOut());
      }
      return 0;
    }
  }

  @Command(
      name = "release",
      description = {
        "Release a client's containment: its watermark goes back to what it was before.",
        "Refused (nothing changed) for an unknown client, a client not contained, or one whose"
            + " watermark moved since (a later revocation stands)."
      })
  static final class Release implements Callable<Integer> {
    @ParentCommand ContainmentCommand containment;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "CLIENT_ID")
    String clientId;

    @Override
    public Integer call() {
      String actor = containment.brokerctl.operatorArn();
      Containment released =
          containment.release(containment.brokerctl.adapters()).release(actor, clientId);
      spec.commandLine()
          .getOut()
          .println(
              "released %s: tokens issued before %s are valid again (watermark now %s)"
                  .formatted(
                      clientId,
                      released.watermarkAfter(),
                      released.watermarkBefore().map(Object::toString).orElse("none")));
      return 0;
    }
  }
}
