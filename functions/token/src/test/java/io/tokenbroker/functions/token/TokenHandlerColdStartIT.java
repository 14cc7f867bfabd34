package io.tokenbroker.functions.token;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.util.JSONObjectUtils;
import io.tokenbroker.adapters.dynamodb.DynamoDbClientRepository;
import io.tokenbroker.adapters.wiring.TokenWiring;
import io.tokenbroker.devsupport.LocalAws;
import io.tokenbroker.devsupport.MotoExtension;
import io.tokenbroker.testing.AwsFixture;
import io.tokenbroker.testing.ClientAssertions;
import io.tokenbroker.testing.Clients;
import io.tokenbroker.testing.EventFiles;
import io.tokenbroker.testing.RecordingTelemetry;
import io.tokenbroker.testing.TestKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the token function does at init for its cold start (issue 13), wired from its environment
 * against moto: the key-table read made ahead is the one the first token uses, and neither route's
 * first request starts Nimbus's shaded Gson (about 160 classes and reflection, 40-100 ms of a cold
 * start).
 */
@ExtendWith(MotoExtension.class)
class TokenHandlerColdStartIT {

  private static final String ISSUER =
      "https://abcdef1234.execute-api.us-east-1.amazonaws.com/prod";
  private static final ECKey WORKLOAD_KEY = TestKeys.ec();

  private static AwsFixture aws;
  private static Map<String, String> environment;

  @BeforeAll
  static void setUp(LocalAws local) {
    aws = AwsFixture.provisioned(local);
    aws.bootstrapKey();
    DynamoDbClientRepository clients =
        new DynamoDbClientRepository(aws.dynamoDb, aws.tables.clients());
    clients.save(Clients.withKey("workload", WORKLOAD_KEY), 0);
    clients.save(Clients.withRole("ci-deployer", "arn:aws:iam::123456789012:role/ci-deployer"), 0);
    environment = new HashMap<>(local.environment());
    environment.putAll(aws.tables.environment());
    environment.put("BROKER_NAME", "test");
    environment.put("ISSUER", ISSUER);
  }

  /**
   * A private_key_jwt token from a cold function in a JVM of its own, its class loading logged: the
   * assertion's header and claims, the client's EC key, the answer, all without Nimbus's Gson. A
   * client assertion read by {@code JWTParser.parse}, or a key set by {@code JWKSet.parse}, would
   * start it again.
   */
  @Test
  void aPrivateKeyJwtTokenLoadsNoGson() throws Exception {
    String assertion =
        ClientAssertions.signed(WORKLOAD_KEY, "workload", ISSUER + "/token", Instant.now());
    Map<String, Object> event = EventFiles.load("token/client-credentials-private-key-jwt.json");
    event.put(
        "body", "grant_type=client_credentials&" + ClientAssertions.formParameters(assertion));

    assertThat(gsonClassesLoadedServing(event)).isEmpty();
  }

  /** The AWS_IAM route likewise (issue 13's first pass). */
  @Test
  void anIamTokenLoadsNoGson() throws Exception {
    assertThat(gsonClassesLoadedServing(EventFiles.load("token/client-credentials-iam.json")))
        .isEmpty();
  }

  /**
   * Serves the event in a cold token function of its own (200 expected); Gson classes it loaded.
   */
  private static List<String> gsonClassesLoadedServing(Map<String, Object> event) throws Exception {
    Path dir = Files.createTempDirectory("token-cold");
    Path eventFile = dir.resolve("event.json");
    Files.writeString(eventFile, JSONObjectUtils.toJSONString(event));
    Path response = dir.resolve("response.json");
    Path classes = dir.resolve("classes.log");
    Path errors = dir.resolve("stderr.txt");
    ProcessBuilder builder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xlog:class+load=info:file=" + classes,
                "-cp",
                System.getProperty("java.class.path"),
                TokenColdStartChild.class.getName(),
                eventFile.toString(),
                response.toString())
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(errors.toFile());
    builder.environment().clear();
    builder.environment().putAll(environment);
    Process process = builder.start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(Files.exists(response))
        .as("the child's errors: %s", Files.readString(errors))
        .isTrue();
    assertThat(Files.readString(response)).contains("\"statusCode\":200");
    List<String> log = Files.readAllLines(classes);
    assertThat(log).as("the class-loading log").anyMatch(l -> l.contains("TokenHandler "));
    return log.stream().filter(l -> l.contains("com.nimbusds.jose.shaded.gson.")).toList();
  }

  @Test
  void theKeyTableReadMadeAtInitIsTheOneTheFirstTokenUses() throws Exception {
    TokenWiring wiring =
        TokenWiring.fromEnvironment(
            aws.env(Map.of("ISSUER", ISSUER)), Clock.systemUTC(), new RecordingTelemetry());
    TokenHandler handler =
        new TokenHandler(
            wiring.clientAuthentication(),
            wiring.tokens(),
            wiring.refreshes(),
            wiring.exchanges(),
            wiring.dpop(),
            wiring.handlerTelemetry());

    TokenHandler.readKeysAhead(wiring.tokens(), wiring.handlerTelemetry());
    AwsCallLog.start();
    String assertion =
        ClientAssertions.signed(WORKLOAD_KEY, "workload", ISSUER + "/token", Instant.now());
    Map<String, Object> event = EventFiles.load("token/client-credentials-private-key-jwt.json");
    event.put(
        "body", "grant_type=client_credentials&" + ClientAssertions.formParameters(assertion));
    Object status =
        EventFiles.invoke((in, out) -> handler.handleRequest(in, out, null), event)
            .get("statusCode");
    List<String> calls = AwsCallLog.stop();

    assertThat(status).isEqualTo(200L);
    assertThat(calls).contains("Kms Sign").doesNotContain("DynamoDb Scan keys");
  }
}
