package io.tokenbroker.adapters.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.util.JSONObjectUtils;
import io.tokenbroker.adapters.telemetry.JsonLinesTelemetry;
import io.tokenbroker.config.Env;
import io.tokenbroker.config.TelemetryConfig;
import io.tokenbroker.devsupport.LocalAws;
import io.tokenbroker.devsupport.MotoExtension;
import io.tokenbroker.telemetry.TelemetryEvent;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kms.KmsClient;

/** Clients built from settings with call telemetry time every call, on the real SDK over moto. */
@ExtendWith(MotoExtension.class)
class CallLatencyInterceptorIT {

  @Test
  void timesEveryKmsAndDynamoDbCallByServiceAndOperationSucceededOrNot(LocalAws moto)
      throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    JsonLinesTelemetry telemetry =
        new JsonLinesTelemetry(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            Clock.systemUTC(),
            "token",
            new TelemetryConfig(Optional.of("prod-a"), TelemetryEvent.Level.INFO));
    AwsSettings settings =
        AwsSettings.from(Env.of(moto.environment()), ClientTimeouts.requestPath())
            .withCallTelemetry(telemetry);

    try (KmsClient kms = AwsClients.kms(settings);
        DynamoDbClient dynamoDb = AwsClients.dynamoDb(settings)) {
      kms.listKeys();
      dynamoDb.listTables();
      assertThatThrownBy(() -> dynamoDb.describeTable(b -> b.tableName("no-such-table")))
          .isInstanceOf(ResourceNotFoundException.class);
    }

    List<Map<String, Object>> lines =
        out.toString(StandardCharsets.UTF_8).lines().map(CallLatencyInterceptorIT::parse).toList();
    assertThat(lines)
        .extracting(l -> l.get("event"), l -> l.get("service"), l -> l.get("operation"))
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("aws.call", "Kms", "ListKeys"),
            org.assertj.core.groups.Tuple.tuple("aws.call", "DynamoDb", "ListTables"),
            org.assertj.core.groups.Tuple.tuple("aws.call", "DynamoDb", "DescribeTable"));
    assertThat(lines).extracting(l -> l.get("outcome")).containsExactly("ok", "ok", "failed");
    assertThat(lines.get(2)).containsEntry("http_status", 400L);
    for (Map<String, Object> line : lines) {
      assertThat(((Number) line.get("AwsCallLatency")).doubleValue()).isPositive();
      Map<String, Object> metric =
          JSONObjectUtils.getJSONObjectArray(
              JSONObjectUtils.getJSONObject(line, "_aws"), "CloudWatchMetrics")[0];
      assertThat(metric.get("Dimensions"))
          .isEqualTo(List.of(List.of("function", "stack", "service", "operation")));
      assertThat(String.valueOf(metric.get("Metrics"))).contains("AwsCallLatency", "Milliseconds");
    }
  }

  /** A call for a Lambda request is timed under its ids; one for a synthetic request is not. */
  @Test
  void timesCallsOfLambdaInvocationsButNotOfPriming(LocalAws moto) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    JsonLinesTelemetry telemetry =
        new JsonLinesTelemetry(
            new PrintStream(out, true, StandardCharsets.UTF_8), Clock.systemUTC(), "discovery");
    AwsSettings settings =
        AwsSettings.from(Env.of(moto.environment()), ClientTimeouts.requestPath())
            .withCallTelemetry(telemetry);
    io.tokenbroker.adapters.telemetry.InvocationScope scope =
        new io.tokenbroker.adapters.telemetry.InvocationScope();
    try (KmsClient kms = AwsClients.kms(settings)) {
      scope.begin(null); // SnapStart priming, a handler without a context
      kms.listKeys();
      scope.end();
      scope.begin("lambda-request-7");
      kms.listAliases();
      scope.end();
    } finally {
      scope.end();
    }

    List<Map<String, Object>> lines =
        out.toString(StandardCharsets.UTF_8).lines().map(CallLatencyInterceptorIT::parse).toList();
    assertThat(lines).hasSize(1);
    assertThat(lines.getFirst())
        .containsEntry("operation", "ListAliases")
        .containsEntry("function_request_id", "lambda-request-7");
  }

  @Test
  void clientsWithoutCallTelemetryWriteNothing(LocalAws moto) {
    AwsSettings settings =
        AwsSettings.from(Env.of(moto.environment()), ClientTimeouts.requestPath());
    PrintStream original = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try (KmsClient kms = AwsClients.kms(settings)) {
      kms.listKeys();
    } finally {
      System.setOut(original);
    }
    assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain("aws.call");
  }

  private static Map<String, Object> parse(String line) {
    try {
      return JSONObjectUtils.parse(line);
    } catch (java.text.ParseException e) {
      throw new AssertionError(line, e);
    }
  }
}
