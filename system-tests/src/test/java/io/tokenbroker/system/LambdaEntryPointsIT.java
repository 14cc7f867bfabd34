package io.tokenbroker.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.util.JSONObjectUtils;
import io.tokenbroker.devsupport.LocalAws;
import io.tokenbroker.devsupport.MotoExtension;
import io.tokenbroker.functions.authorizer.TokenAuthorizer;
import io.tokenbroker.functions.discovery.DiscoveryHandler;
import io.tokenbroker.functions.introspection.IntrospectionHandler;
import io.tokenbroker.functions.revocation.RevocationHandler;
import io.tokenbroker.functions.rotation.KeyRotationHandler;
import io.tokenbroker.functions.token.TokenHandler;
import io.tokenbroker.keys.SigningKey;
import io.tokenbroker.testing.AwsFixture;
import io.tokenbroker.testing.Clients;
import io.tokenbroker.testing.EventFiles;
import io.tokenbroker.testing.MotoBroker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Each handler as Lambda builds it: a fresh JVM, the no-argument constructor wiring everything from
 * the process's environment (here pointing at moto), then one sample event from {@code events/}.
 * The other tests build handlers from their dependencies; this one holds Lambda's entry point.
 */
@ExtendWith(MotoExtension.class)
class LambdaEntryPointsIT {

  private static LocalAws local;
  private static Map<String, String> environment;
  private static SigningKey key;

  @BeforeAll
  static void setUp(LocalAws moto) {
    local = moto;
    AwsFixture aws = AwsFixture.provisioned(local);
    key = aws.bootstrapKey();
    new io.tokenbroker.adapters.dynamodb.DynamoDbClientRepository(
            aws.dynamoDb, aws.tables.clients())
        .save(Clients.withRole("ci-deployer", "arn:aws:iam::123456789012:role/ci-deployer"), 0);
    environment = new HashMap<>(local.environment());
    environment.putAll(aws.tables.environment());
    environment.put("BROKER_NAME", "test");
    environment.put("ISSUER", MotoBroker.ISSUER);
  }

  @Test
  void discoveryServesTheJwksWithThePublishedKey() throws Exception {
    List<String> out = run(DiscoveryHandler.class, "discovery/get-jwks.json", Map.of());

    assertThat(out.getFirst()).isEqualTo("hooks registered");
    assertThat(out.get(1)).isEqualTo("-");
    assertThat(out.get(2)).contains("\"statusCode\":200").contains(key.kid());
  }

  /**
   * As the cold-start harness and a lone discovery deployment give it: no other table, no
   * lifetimes.
   */
  @Test
  void discoveryNeedsOnlyTheIssuerTheKeysTableAndAws() throws Exception {
    Map<String, String> only = new HashMap<>(local.environment());
    only.put("KEYS_TABLE", environment.get("KEYS_TABLE"));
    only.put("ISSUER", MotoBroker.ISSUER);

    List<String> out = run(DiscoveryHandler.class, "discovery/get-jwks.json", only, Map.of());

    assertThat(out.get(1)).isEqualTo("-");
    assertThat(out.get(2)).contains("\"statusCode\":200").contains(key.kid());
  }

  @Test
  void tokenIssuesToTheIamCallersClient() throws Exception {
    List<String> out = run(TokenHandler.class, "token/client-credentials-iam.json", Map.of());

    assertThat(out.getFirst()).isEqualTo("hooks registered");
    assertThat(out.get(1)).isEqualTo("-");
    assertThat(out.get(2)).contains("\"statusCode\":200").contains("access_token");
  }

  @Test
  void revocationAnswersAnUnknownTokenWith200() throws Exception {
    List<String> out = run(RevocationHandler.class, "revocation/revoke-iam.json", Map.of());

    assertThat(out.getFirst()).isEqualTo("hooks registered");
    assertThat(out.get(1)).isEqualTo("-");
    assertThat(out.get(2)).contains("\"statusCode\":200");
  }

  @Test
  void introspectionRefusesAClientNotAllowedToIntrospect() throws Exception {
    List<String> out =
        run(IntrospectionHandler.class, "introspection/introspect-iam.json", Map.of());

    assertThat(out.getFirst()).isEqualTo("hooks registered");
    assertThat(out.get(1)).isEqualTo("-");
    assertThat(out.get(2)).contains("\"statusCode\":4");
  }

  @Test
  void keyRotationRunsItsSchedule() throws Exception {
    List<String> out = run(KeyRotationHandler.class, "key-rotation/scheduled.json", Map.of());

    assertThat(out.getFirst()).isEqualTo("no hooks");
    assertThat(out.get(1)).isEqualTo("-");
    assertThat(out.get(2)).contains("\"ran\"");
  }

  @Test
  void theAnomalyDetectorReadsAStreamBatch() throws Exception {
    List<String> out =
        run(
            io.tokenbroker.functions.detector.AnomalyDetectorHandler.class,
            "anomaly-detector/issuances-stream.json",
            Map.of("ALARM_TOPIC_ARN", "arn:aws:sns:us-east-1:123456789012:tb-alarms"));

    assertThat(out.getFirst()).isEqualTo("no hooks");
    assertThat(out.get(1)).isEqualTo("-");
    // A stream batch is answered as Lambda's partial batch response: every record processed.
    assertThat(out.get(2)).isEqualTo("{\"batchItemFailures\":[]}");
  }

  @Test
  void theAuthorizerDeniesAForgedToken() throws Exception {
    List<String> out =
        run(
            TokenAuthorizer.class,
            "authorizer/rest-token.json",
            Map.of(
                "AUDIENCE", "https://orders.example.com",
                "ROUTE_SCOPES", "{\"GET /orders/*\": [\"orders:read\"]}"));

    assertThat(out.getFirst()).isEqualTo("hooks registered");
    // a denial, not "dependency unavailable": the verifier read the keys and refused the token
    assertThat(out.get(1)).isEqualTo(TokenAuthorizer.class.getName() + "$Unauthorized");
  }

  private static List<String> run(Class<?> handler, String event, Map<String, String> more)
      throws IOException, InterruptedException {
    return run(handler, event, environment, more);
  }

  /**
   * Every line a function writes while it serves an invocation carries what an on-call engineer
   * follows a request by (Powertools' names): Lambda's request id, API Gateway's (where the event
   * has one), the X-Ray trace id, whether it is a cold start, and the stack; each metric is split
   * by the stack. Each handler as Lambda builds it, at DEBUG (AWS_LAMBDA_LOG_LEVEL) so that every
   * HTTP function writes at least its request line.
   */
  @Test
  void everyFunctionsLinesCarryTheInvocationsIdsAndTheStack() throws Exception {
    Map<Class<?>, String> samples = new LinkedHashMap<>();
    samples.put(DiscoveryHandler.class, "discovery/get-jwks.json");
    samples.put(TokenHandler.class, "token/client-credentials-iam.json");
    samples.put(RevocationHandler.class, "revocation/revoke-iam.json");
    samples.put(IntrospectionHandler.class, "introspection/introspect-iam.json");
    samples.put(KeyRotationHandler.class, "key-rotation/scheduled.json");
    // A REQUEST event, as the stack's authorizer gets: its decision's lines carry API Gateway's id.
    samples.put(TokenAuthorizer.class, "authorizer/rest-request.json");
    Map<String, String> more =
        Map.of(
            "AWS_LAMBDA_LOG_LEVEL", "DEBUG",
            "AUDIENCE", "https://orders.example.com",
            "ROUTE_SCOPES", "{\"GET /orders/*\": [\"orders:read\"]}");
    for (Map.Entry<Class<?>, String> sample : samples.entrySet()) {
      Path stdout = Files.createTempFile("lambda-entry", ".out");
      run(sample.getKey(), sample.getValue(), environment, more, stdout);
      List<String> all = Files.readAllLines(stdout);
      Files.delete(stdout);
      List<String> lines =
          all.subList(all.indexOf(LambdaEntryChild.INVOCATION_MARKER) + 1, all.size());
      Map<String, Object> event =
          JSONObjectUtils.parse(
              Files.readString(
                  EventFiles.projectRoot().resolve("events").resolve(sample.getValue())));
      Object apiRequestId =
          event.get("requestContext") instanceof Map<?, ?> context
              ? context.get("requestId")
              : null;

      assertThat(lines).as(sample.getKey().getSimpleName()).isNotEmpty();
      if (apiRequestId != null && sample.getKey() != TokenAuthorizer.class) {
        // AWS_LAMBDA_LOG_LEVEL=DEBUG (Lambda's ApplicationLogLevel) turns the request lines on
        assertThat(lines)
            .as(sample.getKey().getSimpleName())
            .anyMatch(l -> l.contains("\"event\":\"request.completed\""));
      }
      for (String text : lines) {
        Map<String, Object> line = JSONObjectUtils.parse(text);
        assertThat(line)
            .as("%s: %s", sample.getKey().getSimpleName(), text)
            .containsEntry("function_request_id", LambdaEntryChild.REQUEST_ID)
            .containsEntry("xray_trace_id", "1-5759e988-bd862e3fe1be46a994272793")
            .containsEntry("cold_start", true)
            .containsEntry("stack", "test");
        if (apiRequestId != null) {
          assertThat(line).as(text).containsEntry("correlation_id", apiRequestId);
        } else {
          assertThat(line).as(text).doesNotContainKey("correlation_id");
        }
        if (line.get("_aws") instanceof Map<?, ?> aws) {
          for (Object directive : (List<?>) aws.get("CloudWatchMetrics")) {
            for (Object dimensions : (List<?>) ((Map<?, ?>) directive).get("Dimensions")) {
              assertThat(List.copyOf((List<?>) dimensions).subList(0, 2))
                  .as(text)
                  .isEqualTo(List.of("function", "stack"));
            }
          }
        }
      }
    }
  }

  /** Lines: the hooks the constructor registered, the exception or {@code -}, the response. */
  private static List<String> run(
      Class<?> handler, String event, Map<String, String> base, Map<String, String> more)
      throws IOException, InterruptedException {
    return run(handler, event, base, more, null);
  }

  private static List<String> run(
      Class<?> handler,
      String event,
      Map<String, String> base,
      Map<String, String> more,
      Path stdout)
      throws IOException, InterruptedException {
    Path result = Files.createTempFile("lambda-entry", ".txt");
    Path errors = Files.createTempFile("lambda-entry", ".err");
    ProcessBuilder builder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                LambdaEntryChild.class.getName(),
                handler.getName(),
                EventFiles.projectRoot().resolve("events").resolve(event).toString(),
                result.toString())
            .redirectOutput(
                stdout == null
                    ? ProcessBuilder.Redirect.DISCARD
                    : ProcessBuilder.Redirect.to(stdout.toFile()))
            .redirectError(errors.toFile());
    builder.environment().clear();
    builder.environment().putAll(base);
    builder.environment().putAll(more);
    Process process = builder.start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String output = Files.readString(result);
    assertThat(output).as("the child's errors: %s", Files.readString(errors)).isNotEmpty();
    Files.delete(result);
    Files.delete(errors);
    String[] lines = output.split("\n", 3);
    return List.of(lines[0], lines[1], lines[2]);
  }
}
