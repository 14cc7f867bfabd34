package io.tokenbroker.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenbroker.adapters.aws.AwsSettings;
import io.tokenbroker.adapters.aws.ClientTimeouts;
import io.tokenbroker.adapters.dynamodb.DynamoDbClientRepository;
import io.tokenbroker.adapters.dynamodb.DynamoDbContainmentLedger;
import io.tokenbroker.adapters.dynamodb.DynamoDbOperatorAudit;
import io.tokenbroker.adapters.wiring.BrokerAdapters;
import io.tokenbroker.alerts.AlertKind;
import io.tokenbroker.alerts.SecurityAlert;
import io.tokenbroker.clients.Client;
import io.tokenbroker.clients.ClientJson;
import io.tokenbroker.config.Env;
import io.tokenbroker.detection.ContainmentRelease;
import io.tokenbroker.operator.AuditEntry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole detection path over the local server: the demo workload's client, set to {@code
 * contain}, bursts; moto's stream of the issuances table feeds the detector, which contains it (its
 * earlier token is refused at the demo API) and alerts; an operator releases it and the token works
 * again.
 */
class LocalContainmentIT {

  private static LocalBroker broker;
  private static BrokerAdapters adapters;

  @BeforeAll
  static void start() {
    broker = LocalBroker.start(LocalBrokerOptions.onPort(0));
    adapters =
        new BrokerAdapters(
            AwsSettings.from(
                Env.of(
                    Map.of(
                        "AWS_ENDPOINT_URL", broker.awsEndpoint().toString(),
                        "AWS_REGION", "us-east-1",
                        "AWS_ACCESS_KEY_ID", "test",
                        "AWS_SECRET_ACCESS_KEY", "test")),
                ClientTimeouts.background()));
  }

  @AfterAll
  static void stop() {
    broker.close();
  }

  @Test
  void aContainClientThatBurstsIsContainedAlertedAndReleasedByAnOperator() throws Exception {
    DynamoDbClientRepository clients = adapters.clients(broker.tables().clients());
    Client demo = clients.find(LocalDemo.CLIENT_ID).orElseThrow();
    Map<String, Object> json = ClientJson.toJson(demo);
    json.put("anomaly_response", "contain");
    clients.save(ClientJson.fromJson(json, demo.version()), demo.version());

    // The shipped rules judge a spike only once they have learnt the client (an hour of windows).
    io.tokenbroker.adapters.dynamodb.DynamoDbBaselines baselines =
        new io.tokenbroker.adapters.dynamodb.DynamoDbBaselines(
            adapters.dynamoDb(), broker.tables().detector());
    long stored =
        baselines
            .find(LocalDemo.CLIENT_ID)
            .map(io.tokenbroker.detection.ClientBaseline::version)
            .orElse(0L);
    assertThat(baselines.save(learnt(LocalDemo.CLIENT_ID, stored, Instant.now()))).isTrue();
    String earlier = LocalAuthorizerFlowIT.demoToken(broker, "demo:read");
    assertThat(LocalAuthorizerFlowIT.call(broker, "GET", "/demo/x", earlier).statusCode())
        .isEqualTo(200);
    Instant burst = Instant.now();
    // The shipped rules: 30 issuances within a 5-minute window is a spike for a quiet client; 61
    // put 30 in one window even if the burst straddles a window's end.
    for (int i = 0; i < 60; i++) {
      LocalAuthorizerFlowIT.demoToken(broker, "demo:read");
    }

    int refused =
        await(
            () -> {
              try {
                return LocalAuthorizerFlowIT.call(broker, "GET", "/demo/x", earlier).statusCode();
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            },
            status -> status == 401);
    assertThat(refused).isEqualTo(401);
    System.out.println(
        "local containment: burst to refusal in "
            + Duration.between(burst, Instant.now()).toMillis()
            + " ms");
    assertThat(broker.securityAlerts())
        .filteredOn(a -> a.clientId().equals(Optional.of(LocalDemo.CLIENT_ID)))
        .extracting(SecurityAlert::kind)
        .contains(AlertKind.ANOMALY_DETECTED, AlertKind.CLIENT_CONTAINED);
    assertThat(broker.securityAlerts().getFirst().evidence()).containsEntry("rule", "rate_spike");

    Clock clock = Clock.systemUTC();
    DynamoDbOperatorAudit audit = adapters.operatorAudit(broker.tables().audit(), clock);
    new ContainmentRelease(
            clients,
            adapters.revocations(broker.tables().revocations()),
            new DynamoDbContainmentLedger(adapters.dynamoDb(), broker.tables().detector()),
            audit,
            clock)
        .release("arn:aws:iam::000000000000:user/operator", LocalDemo.CLIENT_ID);

    int allowed =
        await(
            () -> {
              try {
                return LocalAuthorizerFlowIT.call(broker, "GET", "/demo/x", earlier).statusCode();
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            },
            status -> status == 200);
    assertThat(allowed).isEqualTo(200);
    assertThat(audit.recent(100, Optional.empty()))
        .extracting(AuditEntry::action)
        .contains("containment.apply", "containment.release");
  }

  private static int await(Supplier<Integer> probe, java.util.function.IntPredicate done)
      throws InterruptedException {
    Instant until = Instant.now().plus(Duration.ofSeconds(30));
    int last = probe.get();
    while (!done.test(last) && Instant.now().isBefore(until)) {
      Thread.sleep(250);
      last = probe.get();
    }
    return last;
  }

  /**
   * A client the detector has known for two hours, about one token per window, one issuance short
   * of its learning issuances (so its next one teaches it the network and user agent quietly).
   */
  static io.tokenbroker.detection.ClientBaseline learnt(
      String clientId, long version, Instant now) {
    long window = 300;
    return new io.tokenbroker.detection.ClientBaseline(
        clientId,
        version,
        Instant.ofEpochSecond((now.getEpochSecond() / window - 12) * window),
        1,
        1.0,
        2.0,
        24,
        19,
        java.util.List.of(),
        java.util.List.of(),
        java.util.List.of(),
        Map.of());
  }
}
