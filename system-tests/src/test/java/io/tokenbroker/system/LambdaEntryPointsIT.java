package io.tokenbroker.system;

import static org.assertj.core.api.Assertions.assertThat;

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
    assertThat(out.get(2)).isEqualTo("{\"read\":1,\"findings\":0}");
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

  /** Lines: the hooks the constructor registered, the exception or {@code -}, the response. */
  private static List<String> run(
      Class<?> handler, String event, Map<String, String> base, Map<String, String> more)
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
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
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
