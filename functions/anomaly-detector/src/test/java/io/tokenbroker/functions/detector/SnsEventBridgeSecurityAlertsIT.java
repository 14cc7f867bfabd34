package io.tokenbroker.functions.detector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.sun.net.httpserver.HttpServer;
import io.tokenbroker.adapters.aws.AwsClients;
import io.tokenbroker.adapters.aws.AwsSettings;
import io.tokenbroker.adapters.aws.ClientTimeouts;
import io.tokenbroker.alerts.AlertKind;
import io.tokenbroker.alerts.SecurityAlert;
import io.tokenbroker.config.Env;
import io.tokenbroker.devsupport.LocalAws;
import io.tokenbroker.devsupport.MotoExtension;
import io.tokenbroker.errors.ServiceFailure;
import io.tokenbroker.testing.RecordingSecurityAlerts;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * The alerts adapter on moto: the SNS message and the EventBridge event each carry the evidence.
 */
@ExtendWith(MotoExtension.class)
class SnsEventBridgeSecurityAlertsIT {

  private static final SecurityAlert ALERT =
      new SecurityAlert(
          AlertKind.CLIENT_CONTAINED,
          Optional.of("orders-batch"),
          Instant.parse("2026-11-30T14:00:00Z"),
          Map.of("rule", "rate_spike", "issued_in_window", "60"));

  private final List<String> delivered = new CopyOnWriteArrayList<>();
  private HttpServer endpoint;
  private SnsClient sns;
  private EventBridgeClient events;
  private CloudWatchLogsClient logs;
  private String prefix;
  private java.net.URI endpointUrl;

  @BeforeEach
  void setUp(LocalAws aws) throws Exception {
    AwsSettings settings = AwsSettings.from(Env.of(aws.environment()), ClientTimeouts.background());
    sns = AwsClients.build(SnsClient.builder(), settings);
    events = AwsClients.build(EventBridgeClient.builder(), settings);
    logs = AwsClients.build(CloudWatchLogsClient.builder(), settings);
    prefix = aws.fresh().prefix();
    endpointUrl = aws.endpoint();
    endpoint = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    endpoint.createContext(
        "/",
        exchange -> {
          delivered.add(
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    endpoint.start();
  }

  @AfterEach
  void stop() {
    endpoint.stop(0);
  }

  @Test
  void publishesTheAlertToTheTopicAndAsAnEventOnTheBusWithItsEvidence() throws Exception {
    String topic = sns.createTopic(r -> r.name(prefix + "alarms")).topicArn();
    sns.subscribe(
        r ->
            r.topicArn(topic)
                .protocol("http")
                .endpoint("http://127.0.0.1:" + endpoint.getAddress().getPort() + "/"));
    String group = "/aws/events/" + prefix + "alerts";
    logs.createLogGroup(r -> r.logGroupName(group));
    events.putRule(
        r ->
            r.name(prefix + "alerts")
                .eventPattern("{\"source\":[\"token-broker\"]}")
                .state("ENABLED"));
    events.putTargets(
        r ->
            r.rule(prefix + "alerts")
                .targets(
                    t ->
                        t.id("log").arn("arn:aws:logs:us-east-1:123456789012:log-group:" + group)));
    RecordingSecurityAlerts logged = new RecordingSecurityAlerts();

    new SnsEventBridgeSecurityAlerts(sns, topic, events, "default", logged).raise(ALERT);

    assertThat(logged.alerts()).containsExactly(ALERT);
    Map<String, Object> message = awaitNotification();
    assertThat(message).containsEntry("Subject", "token-broker client_contained orders-batch");
    Map<String, Object> detail = JSONObjectUtils.parse((String) message.get("Message"));
    assertThat(detail)
        .containsEntry("alert", "client_contained")
        .containsEntry("client_id", "orders-batch");
    assertThat(JSONObjectUtils.getJSONObject(detail, "evidence"))
        .containsEntry("rule", "rate_spike")
        .containsEntry("issued_in_window", "60");
    Map<String, Object> put = JSONObjectUtils.parse(firstLogEvent(group));
    assertThat(put)
        .containsEntry("source", "token-broker")
        .containsEntry("detail-type", "client_contained");
    assertThat(
            JSONObjectUtils.getJSONObject(JSONObjectUtils.getJSONObject(put, "detail"), "evidence"))
        .containsEntry("rule", "rate_spike");
  }

  @Test
  void aTopicThatCannotBeReachedIsARetryableFailureAfterTheAlertIsLogged() {
    RecordingSecurityAlerts logged = new RecordingSecurityAlerts();
    SnsEventBridgeSecurityAlerts alerts =
        new SnsEventBridgeSecurityAlerts(
            sns,
            "arn:aws:sns:us-east-1:123456789012:" + prefix + "missing",
            events,
            "default",
            logged);

    assertThatThrownBy(() -> alerts.raise(ALERT))
        .isInstanceOfSatisfying(ServiceFailure.class, f -> assertThat(f.retryable()).isTrue());
    assertThat(logged.alerts()).containsExactly(ALERT);
  }

  /** Another function logged (and counted) the alert already: forwarding only delivers it. */
  @Test
  void aForwardedAlertIsPublishedButNotLoggedAgain() throws Exception {
    String topic = sns.createTopic(r -> r.name(prefix + "forwarded")).topicArn();
    sns.subscribe(
        r ->
            r.topicArn(topic)
                .protocol("http")
                .endpoint("http://127.0.0.1:" + endpoint.getAddress().getPort() + "/"));
    RecordingSecurityAlerts logged = new RecordingSecurityAlerts();

    new SnsEventBridgeSecurityAlerts(sns, topic, events, "default", logged).forward(ALERT);

    assertThat(logged.alerts()).isEmpty();
    assertThat(awaitNotification())
        .containsEntry("Subject", "token-broker client_contained orders-batch");
  }

  /**
   * The log group's first event, by the Logs API over plain HTTP: moto writes the events its rules
   * deliver with a fractional timestamp, which the SDK's parser refuses.
   */
  private String firstLogEvent(String group) throws Exception {
    java.net.http.HttpResponse<String> response =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(endpointUrl)
                    .header("Content-Type", "application/x-amz-json-1.1")
                    .header("X-Amz-Target", "Logs_20140328.FilterLogEvents")
                    .header(
                        "Authorization",
                        "AWS4-HMAC-SHA256 Credential=test/20261130/us-east-1/logs/aws4_request,"
                            + " SignedHeaders=host, Signature=0")
                    .POST(
                        java.net.http.HttpRequest.BodyPublishers.ofString(
                            JSONObjectUtils.toJSONString(Map.of("logGroupName", group))))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    List<Object> found =
        JSONObjectUtils.getJSONArray(JSONObjectUtils.parse(response.body()), "events");
    assertThat(found).as(response.body()).isNotEmpty();
    return (String) ((Map<?, ?>) found.getFirst()).get("message");
  }

  private Map<String, Object> awaitNotification() throws Exception {
    Instant until = Instant.now().plus(Duration.ofSeconds(10));
    while (Instant.now().isBefore(until)) {
      for (String body : delivered) {
        Map<String, Object> json = JSONObjectUtils.parse(body);
        if ("Notification".equals(json.get("Type"))) {
          return json;
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no SNS notification delivered; got " + delivered);
  }
}
