package io.tokenbroker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenbroker.adapters.dynamodb.BrokerTables;
import io.tokenbroker.adapters.dynamodb.DynamoDbClientRepository;
import io.tokenbroker.adapters.dynamodb.DynamoDbContainmentLedger;
import io.tokenbroker.adapters.dynamodb.DynamoDbOperatorAudit;
import io.tokenbroker.adapters.dynamodb.DynamoDbRevocationRepository;
import io.tokenbroker.adapters.provisioning.BrokerProvisioner;
import io.tokenbroker.detection.AnomalyResponder;
import io.tokenbroker.detection.ContainmentSettings;
import io.tokenbroker.detection.DetectionRules.Rule;
import io.tokenbroker.detection.Finding;
import io.tokenbroker.devsupport.LocalAws;
import io.tokenbroker.devsupport.MotoExtension;
import io.tokenbroker.operator.AuditEntry;
import io.tokenbroker.operator.AuditOutcome;
import io.tokenbroker.testing.AwsFixture;
import io.tokenbroker.testing.Clients;
import io.tokenbroker.testing.RecordingSecurityAlerts;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code brokerctl containment}: list, release, and the refusals that protect later revocations.
 */
@ExtendWith(MotoExtension.class)
class ContainmentCommandIT {

  private static AwsFixture aws;
  private static BrokerTables tables;
  private static String prefix;

  @BeforeAll
  static void setUp(LocalAws local) {
    aws = AwsFixture.provisioned(local);
    prefix = local.prefix() + "ct-";
    tables = BrokerTables.withPrefix(prefix);
    new BrokerProvisioner(aws.dynamoDb).createTables(tables);
  }

  record Run(int exit, String out, String err) {}

  private static Run brokerctl(String... args) {
    List<String> all =
        new ArrayList<>(
            List.of("--endpoint-url", aws.aws.endpoint().toString(), "--table-prefix", prefix));
    all.addAll(List.of(args));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cli = Brokerctl.commandLine(new Brokerctl(Map.of()));
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int exit = cli.execute(all.toArray(String[]::new));
    return new Run(exit, out.toString().strip(), err.toString().strip());
  }

  /** A registered client set to contain, contained by the detector's own code at {@code at}. */
  private static void contained(String clientId, Instant at) {
    Map<String, Object> json = Clients.json(clientId);
    json.put("iam_roles", List.of("arn:aws:iam::123456789012:role/" + clientId));
    json.put("anomaly_response", "contain");
    new DynamoDbClientRepository(aws.dynamoDb, tables.clients()).save(Clients.parse(json), 0);
    // The detector ran 2 s behind the event (its watermark is its own now).
    Clock clock = Clock.fixed(at.plusSeconds(2), java.time.ZoneOffset.UTC);
    AnomalyResponder.Outcome outcome =
        new AnomalyResponder(
                new DynamoDbClientRepository(aws.dynamoDb, tables.clients()),
                revocations(),
                new DynamoDbContainmentLedger(aws.dynamoDb, tables.detector()),
                new RecordingSecurityAlerts(),
                new DynamoDbOperatorAudit(aws.dynamoDb, tables.audit(), clock),
                new ContainmentSettings(
                    Duration.ofHours(1), 10, Duration.ofHours(1), Duration.ofDays(1)),
                clock)
            .respond(
                new Finding(Rule.RATE_SPIKE, clientId, at, true, Map.of("rule", "rate_spike")));
    assertThat(outcome).isEqualTo(AnomalyResponder.Outcome.CONTAINED);
  }

  private static DynamoDbRevocationRepository revocations() {
    return new DynamoDbRevocationRepository(aws.dynamoDb, tables.revocations());
  }

  @Test
  void listsContainmentsAndReleaseRestoresTheEarlierWatermarkExactly() {
    Instant earlier = Instant.parse("2026-11-30T09:00:00Z");
    revocations().revokeClientTokensBefore("ct-a", earlier, Instant.now().plus(Duration.ofDays(2)));
    contained("ct-a", Instant.parse("2026-11-30T14:00:00.400Z"));
    contained("ct-c", Instant.parse("2026-11-30T14:05:00Z"));

    assertThat(brokerctl("containment", "list").out())
        .containsPattern(
            "ct-a\\s+2026-11-30T14:00:00.400Z\\s+rate_spike\\s+2026-11-30T14:00:03Z"
                + "\\s+2026-11-30T09:00:00Z\\s+-")
        .containsPattern("ct-c\\s+2026-11-30T14:05:00Z");

    Run release = brokerctl("containment", "release", "ct-a");
    assertThat(release.exit()).as(release.err()).isZero();
    assertThat(release.out()).contains("released ct-a").contains("2026-11-30T09:00:00Z");
    assertThat(revocations().clientWatermark("ct-a")).contains(earlier);
    assertThat(brokerctl("containment", "release", "ct-c").exit()).isZero();
    assertThat(revocations().clientWatermark("ct-c")).isEmpty();
    assertThat(brokerctl("containment", "list").out()).containsPattern("ct-a\\s+.*\\s+20\\d\\d-");
    assertThat(
            new DynamoDbOperatorAudit(aws.dynamoDb, tables.audit(), Clock.systemUTC())
                .recent(50, Optional.empty()))
        .filteredOn(e -> e.action().equals("containment.release") && e.target().equals("ct-a"))
        .extracting(AuditEntry::outcome)
        .contains(AuditOutcome.DONE);

    Run again = brokerctl("containment", "release", "ct-a");
    assertThat(again.exit()).isEqualTo(1);
    assertThat(again.err()).contains("not contained");
  }

  @Test
  void refusesToReleaseWhenAnOperatorRevokedTheClientSinceAndLeavesTheirRevocation() {
    contained("ct-b", Instant.parse("2026-11-30T14:00:00Z"));
    Instant operatorLater = Instant.parse("2026-11-30T14:30:00Z");
    revocations()
        .revokeClientTokensBefore("ct-b", operatorLater, Instant.now().plus(Duration.ofDays(2)));

    Run run = brokerctl("containment", "release", "ct-b");

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).contains("moved since");
    assertThat(revocations().clientWatermark("ct-b")).contains(operatorLater);
  }

  @Test
  void refusesAnUnknownClient() {
    Run run = brokerctl("containment", "release", "nobody-here");

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).contains("no client nobody-here");
  }
}
