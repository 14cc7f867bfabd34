package io.tokenbroker.functions.detector;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.util.JSONObjectUtils;
import io.tokenbroker.adapters.aws.AwsClients;
import io.tokenbroker.adapters.aws.AwsSettings;
import io.tokenbroker.adapters.aws.ClientTimeouts;
import io.tokenbroker.adapters.dynamodb.DynamoDbClientRepository;
import io.tokenbroker.adapters.dynamodb.DynamoDbOperatorAudit;
import io.tokenbroker.adapters.dynamodb.DynamoDbRevocationRepository;
import io.tokenbroker.adapters.wiring.BrokerAdapters;
import io.tokenbroker.adapters.wiring.DetectorWiring;
import io.tokenbroker.alerts.AlertKind;
import io.tokenbroker.alerts.SecurityAlert;
import io.tokenbroker.config.DetectorConfig;
import io.tokenbroker.config.Env;
import io.tokenbroker.devsupport.LocalAws;
import io.tokenbroker.devsupport.MotoExtension;
import io.tokenbroker.operator.AuditEntry;
import io.tokenbroker.testing.AwsFixture;
import io.tokenbroker.testing.Clients;
import io.tokenbroker.testing.EventFiles;
import io.tokenbroker.testing.MutableClock;
import io.tokenbroker.testing.RecordingSecurityAlerts;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * The detector function on moto, fed the real event shapes (events/anomaly-detector): a stream
 * batch of issuances and a CloudWatch Logs subscription batch (gzip, base64).
 */
@ExtendWith(MotoExtension.class)
class AnomalyDetectorHandlerIT {

  private AwsFixture fixture;
  private RecordingSecurityAlerts alerts;
  private AnomalyDetectorHandler handler;
  private final MutableClock clock = MutableClock.at("2026-11-30T14:00:30Z");

  @BeforeEach
  void setUp(LocalAws aws) {
    fixture = AwsFixture.provisioned(aws.fresh());
    Env env = fixture.env(Map.of("DETECTOR_TABLE", fixture.tables.detector()));
    alerts = new RecordingSecurityAlerts();
    // The real alerts adapter on moto (its calls are recorded for IamContractIT: the topic is named
    // as the stack's, so its ARN is the one the role grants), logging into the recording fake.
    AwsSettings settings = AwsSettings.from(env, ClientTimeouts.background());
    SnsClient sns = AwsClients.build(SnsClient.builder(), settings);
    String topic = sns.createTopic(r -> r.name("AlarmTopic")).topicArn();
    handler =
        new AnomalyDetectorHandler(
            new DetectorWiring(
                    new BrokerAdapters(settings),
                    fixture.tables,
                    DetectorConfig.from(env),
                    forwardsRecorded(
                        new SnsEventBridgeSecurityAlerts(
                            sns,
                            topic,
                            AwsClients.build(EventBridgeClient.builder(), settings),
                            "default",
                            alerts)),
                    clock)
                .detection(),
            event -> {});
    register("orders-batch");
    register("burst-client");
  }

  /** The adapter, with what it was given to forward (delivered, not logged again) kept too. */
  private io.tokenbroker.alerts.SecurityAlerts forwardsRecorded(
      io.tokenbroker.alerts.SecurityAlerts delivery) {
    return new io.tokenbroker.alerts.SecurityAlerts() {
      @Override
      public void raise(SecurityAlert alert) {
        delivery.raise(alert);
      }

      @Override
      public void forward(SecurityAlert alert) {
        forwarded.add(alert);
        delivery.forward(alert);
      }
    };
  }

  private final List<SecurityAlert> forwarded = new java.util.concurrent.CopyOnWriteArrayList<>();

  private void register(String id) {
    Map<String, Object> json = Clients.json(id);
    json.put("iam_roles", List.of("arn:aws:iam::123456789012:role/" + id));
    json.put("anomaly_response", "contain");
    new DynamoDbClientRepository(fixture.dynamoDb, fixture.tables.clients())
        .save(Clients.parse(json), 0);
  }

  @Test
  void containsAClientOnRefreshReuseFromItsLogLinesWithholdsWithinTheCoolDownAndForwardsAlerts()
      throws Exception {
    Map<String, Object> stream = EventFiles.load("anomaly-detector/issuances-stream.json");
    recordIssuance(stream);
    EventFiles.invoke((in, out) -> handler.handleRequest(in, out, null), stream);

    Map<String, Object> answer =
        EventFiles.invoke(
            (in, out) -> handler.handleRequest(in, out, null),
            EventFiles.load("anomaly-detector/logs-subscription.json"));

    assertThat(answer).containsEntry("read", 3L).containsEntry("findings", 2L);
    assertThat(alerts.alerts())
        .extracting(SecurityAlert::kind)
        .containsExactly(
            AlertKind.ANOMALY_DETECTED,
            AlertKind.CLIENT_CONTAINED,
            AlertKind.ANOMALY_DETECTED); // network_mismatch only alerts (contain: false)
    assertThat(alerts.alerts().get(0).evidence()).containsEntry("rule", "refresh_reuse");
    assertThat(alerts.alerts().get(2).evidence())
        .containsEntry("rule", "network_mismatch")
        .containsEntry("issued_to_network", "10.1.2.0/24")
        .containsEntry("used_from_network", "203.0.113.0/24");
    // The authorizer logged the honeytoken's alert: the detector delivers it, without a second
    // line.
    assertThat(forwarded)
        .singleElement()
        .satisfies(
            alert -> {
              assertThat(alert.kind()).isEqualTo(AlertKind.HONEYTOKEN_USED);
              assertThat(alert.clientId()).contains("decoy-1");
            });
    // Until the detector's now (14:00:30), not only the event: what was minted since is revoked.
    assertThat(revocations().clientWatermark("orders-batch"))
        .contains(Instant.parse("2026-11-30T14:00:31Z"));
    assertThat(audit().recent(10, Optional.empty()))
        .extracting(AuditEntry::action, AuditEntry::target)
        .contains(org.assertj.core.groups.Tuple.tuple("containment.apply", "orders-batch"));
  }

  @Test
  @SuppressWarnings("unchecked")
  void containsAClientWhoseIssuancesBurstOnTheStream() throws Exception {
    Map<String, Object> sample = EventFiles.load("anomaly-detector/issuances-stream.json");
    List<Object> records = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      Map<String, Object> record =
          JSONObjectUtils.parse(
              JSONObjectUtils.toJSONString(
                  (Map<String, Object>) ((List<?>) sample.get("Records")).getFirst()));
      Map<String, Object> image =
          JSONObjectUtils.getJSONObject(
              JSONObjectUtils.getJSONObject(record, "dynamodb"), "NewImage");
      JSONObjectUtils.getJSONObject(record, "dynamodb").put("SequenceNumber", "2" + (100 + i));
      image.put("jti", Map.of("S", "burst-" + i));
      image.put("client_id", Map.of("S", "burst-client"));
      image.put("iat", Map.of("N", Long.toString(1796047200L + i)));
      records.add(record);
    }

    // Known for two hours, about one token per window: the shipped rules have learnt it.
    new io.tokenbroker.adapters.dynamodb.DynamoDbBaselines(
            fixture.dynamoDb, fixture.tables.detector())
        .save(
            new io.tokenbroker.detection.ClientBaseline(
                "burst-client",
                0,
                Instant.ofEpochSecond(1796047200L - 3600),
                1,
                1.0,
                2.0,
                24,
                30,
                List.of("10.1.2.0/24"),
                List.of("aws-sdk-java/2.57.8"),
                List.of("https://orders.example.com"),
                Map.of()));
    Map<String, Object> answer =
        EventFiles.invoke(
            (in, out) -> handler.handleRequest(in, out, null), Map.of("Records", records));

    assertThat(answer).containsEntry("batchItemFailures", List.of());
    assertThat(alerts.of(AlertKind.CLIENT_CONTAINED))
        .singleElement()
        .satisfies(a -> assertThat(a.evidence()).containsEntry("rule", "rate_spike"));
    // The 30th issuance (the default minimum) fired at 14:00:29; the detector's clock is 14:00:30,
    // so the burst's issuances until then are revoked too, not only those before the 30th.
    assertThat(revocations().clientWatermark("burst-client"))
        .contains(Instant.parse("2026-11-30T14:00:31Z"));
    assertThat(revocations().clientWatermark("orders-batch")).isEmpty();
  }

  private DynamoDbRevocationRepository revocations() {
    return new DynamoDbRevocationRepository(fixture.dynamoDb, fixture.tables.revocations());
  }

  private DynamoDbOperatorAudit audit() {
    return new DynamoDbOperatorAudit(fixture.dynamoDb, fixture.tables.audit(), clock);
  }

  /** The stream record's NEW_IMAGE, written to the issuances table as the token function did. */
  @SuppressWarnings("unchecked")
  private void recordIssuance(Map<String, Object> stream) {
    Map<String, Object> record = (Map<String, Object>) ((List<?>) stream.get("Records")).getFirst();
    Map<String, Object> image =
        (Map<String, Object>) ((Map<String, Object>) record.get("dynamodb")).get("NewImage");
    Map<String, AttributeValue> item = new HashMap<>();
    image.forEach((name, value) -> item.put(name, attribute((Map<String, Object>) value)));
    fixture.dynamoDb.putItem(r -> r.tableName(fixture.tables.issuances()).item(item));
  }

  private static AttributeValue attribute(Map<String, Object> typed) {
    if (typed.containsKey("S")) {
      return AttributeValue.fromS((String) typed.get("S"));
    }
    if (typed.containsKey("N")) {
      return AttributeValue.fromN((String) typed.get("N"));
    }
    return AttributeValue.fromL(
        ((List<?>) typed.get("L")).stream().map(v -> attribute((Map<String, Object>) v)).toList());
  }
}
