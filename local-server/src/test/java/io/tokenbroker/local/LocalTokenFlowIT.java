package io.tokenbroker.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tokenbroker.cli.Brokerctl;
import io.tokenbroker.testing.ClientAssertions;
import io.tokenbroker.tokens.TokenDigest;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jose4j.json.JsonUtil;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A new user's first token, the way README tells it: generate a key, register a client with
 * brokerctl, sign an assertion, POST /token; then an independent JOSE library (jose4j) checks the
 * token against the published JWKS, and the issuance record is in DynamoDB.
 */
class LocalTokenFlowIT {

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static LocalBroker broker;

  @TempDir static Path dir;

  @BeforeAll
  static void start() {
    broker = LocalBroker.start(LocalBrokerOptions.onPort(0));
  }

  @AfterAll
  static void stop() {
    broker.close();
  }

  /** Runs brokerctl against the local server's AWS endpoint and tables; returns its output. */
  private static String brokerctl(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cli = Brokerctl.commandLine(new Brokerctl(Map.of()));
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    String[] all = new String[args.length + 4];
    all[0] = "--endpoint-url";
    all[1] = broker.awsEndpoint().toString();
    all[2] = "--table-prefix";
    all[3] = "token-broker-local-";
    System.arraycopy(args, 0, all, 4, args.length);
    int exit = cli.execute(all);
    assertThat(exit).as("brokerctl %s: %s", List.of(args), err).isZero();
    return out.toString().strip();
  }

  private static HttpResponse<String> post(String path, String form) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(broker.issuer() + path))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static JwtClaims verifyWithJose4j(String token, String audience) throws Exception {
    String jwks =
        HTTP.send(
                HttpRequest.newBuilder(URI.create(broker.issuer() + "/.well-known/jwks.json"))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    JwtConsumer consumer =
        new JwtConsumerBuilder()
            .setVerificationKeyResolver(
                new JwksVerificationKeyResolver(new JsonWebKeySet(jwks).getJsonWebKeys()))
            .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, "RS256")
            .setExpectedType(true, "at+jwt")
            .setExpectedIssuer(broker.issuer().toString())
            .setExpectedAudience(audience)
            .setRequireExpirationTime()
            .setRequireIssuedAt()
            .setRequireJwtId()
            .setRequireSubject()
            .build();
    return consumer.processToClaims(token);
  }

  @Test
  void aNewClientWithAFreshKeyGetsATokenThatJose4jVerifies() throws Exception {
    for (String alg : List.of("ES256", "RS256")) {
      String clientId = "new-app-" + alg.toLowerCase();
      Path key = dir.resolve(clientId + ".jwk.json");
      String publicJwks = brokerctl("keygen", "--alg", alg, "--out", key.toString());
      assertThat(publicJwks).contains("\"keys\"").doesNotContain("\"d\"");
      Path registration = dir.resolve(clientId + ".json");
      String audience = broker.issuer() + "/demo";
      Files.writeString(
          registration,
          """
          {"client_id": "%s", "scopes": ["demo:read", "demo:write"], "audiences": ["%s"]}
          """
              .formatted(clientId, audience));
      assertThat(brokerctl("clients", "put", registration.toString(), "--add-key", key.toString()))
          .isEqualTo("stored " + clientId + " (version 1)");
      String assertion =
          brokerctl(
              "assertion",
              "--key",
              key.toString(),
              "--client-id",
              clientId,
              "--audience",
              broker.issuer() + "/token");

      HttpResponse<String> response =
          post(
              "/token",
              "grant_type=client_credentials&scope=demo%3Awrite&"
                  + ClientAssertions.formParameters(assertion));

      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      assertThat(response.headers().firstValue("Cache-Control")).contains("no-store");
      Map<String, Object> body = JsonUtil.parseJson(response.body());
      String token = (String) body.get("access_token");
      JwtClaims claims = verifyWithJose4j(token, audience);
      assertThat(claims.getClaimNames())
          .containsExactlyInAnyOrder(
              "iss", "sub", "aud", "client_id", "scope", "iat", "nbf", "exp", "jti");
      assertThat(claims.getSubject()).isEqualTo(clientId);
      assertThat(claims.getClaimValue("client_id")).isEqualTo(clientId);
      assertThat(claims.getClaimValue("scope")).isEqualTo("demo:write");
      assertThat(claims.getExpirationTime().getValue() - claims.getIssuedAt().getValue())
          .isEqualTo(300);

      Map<String, AttributeValue> record = issuanceRecord(claims.getJwtId());
      assertThat(record.get("token_sha256").s()).isEqualTo(TokenDigest.sha256(token));
      assertThat(record.get("client_id").s()).isEqualTo(clientId);
      assertThat(record.get("auth_method").s()).isEqualTo("PRIVATE_KEY_JWT");
    }
  }

  @Test
  void theReadmeCurlCommandGetsATokenForTheDemoRole() throws Exception {
    Optional<String> curl = which("curl");
    assumeTrue(curl.isPresent(), "curl is not installed: README's curl example not checked");
    Process process =
        new ProcessBuilder(
                curl.get(),
                "-s",
                "--aws-sigv4",
                "aws:amz:us-east-1:execute-api",
                "--user",
                LocalDemo.IDENTITY.accessKeyId() + ":" + LocalDemo.IDENTITY.secretAccessKey(),
                "-d",
                "grant_type=client_credentials",
                "-d",
                "scope=demo:read",
                broker.issuer() + "/token/iam")
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();

    Map<String, Object> body = JsonUtil.parseJson(output);
    JwtClaims claims =
        verifyWithJose4j((String) body.get("access_token"), broker.issuer() + "/demo");
    assertThat(claims.getSubject()).isEqualTo(LocalDemo.CLIENT_ID);
    assertThat(issuanceRecord(claims.getJwtId()).get("caller").s()).isEqualTo(LocalDemo.ROLE);
  }

  @Test
  void theIamRouteRefusesAnUnsignedRequestAsApiGatewayDoes() throws Exception {
    HttpResponse<String> response = post("/token/iam", "grant_type=client_credentials");

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(response.body()).contains("Missing Authentication Token");
  }

  /**
   * RFC 6749 section 5.2 through the local server: a SigV4 caller whose role is no client (the demo
   * operator) is told the scheme it used; a library trying client_secret_basic on /token is told
   * Basic; a private_key_jwt failure, with no Authorization header, carries no challenge. The
   * challenge arrives as x-amzn-Remapped-WWW-Authenticate, as through a deployed REST API.
   */
  @Test
  void answersInvalidClientWithTheChallengeOfTheSchemeTheClientUsed() throws Exception {
    HttpResponse<String> unbound =
        HTTP.send(
            SignedPosts.post(
                    URI.create(broker.issuer() + "/token/iam"),
                    LocalDemo.OPERATOR,
                    "grant_type=client_credentials")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> basic =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(broker.issuer() + "/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", "Basic bG9jYWwtd29ya2xvYWQ6c2VjcmV0")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> noHeader = post("/token", "grant_type=client_credentials");

    assertThat(unbound.statusCode()).as(unbound.body()).isEqualTo(401);
    assertThat(unbound.body()).contains("\"invalid_client\"");
    // A REST API remaps an integration's WWW-Authenticate (AWS, important notes for REST APIs)
    assertThat(unbound.headers().allValues("x-amzn-Remapped-WWW-Authenticate"))
        .containsExactly("AWS4-HMAC-SHA256");
    assertThat(unbound.headers().firstValue("WWW-Authenticate")).isEmpty();
    assertThat(basic.statusCode()).isEqualTo(401);
    assertThat(basic.headers().allValues("x-amzn-Remapped-WWW-Authenticate"))
        .containsExactly("Basic realm=\"" + broker.issuer() + "\"");
    assertThat(basic.headers().firstValue("WWW-Authenticate")).isEmpty();
    assertThat(noHeader.statusCode()).isEqualTo(401);
    assertThat(noHeader.headers().firstValue("WWW-Authenticate")).isEmpty();
    assertThat(noHeader.headers().firstValue("x-amzn-Remapped-WWW-Authenticate")).isEmpty();
  }

  private static Map<String, AttributeValue> issuanceRecord(String jti) {
    try (DynamoDbClient dynamoDb =
        DynamoDbClient.builder()
            .endpointOverride(broker.awsEndpoint())
            .region(Region.US_EAST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
            .httpClient(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.create())
            .build()) {
      return dynamoDb
          .getItem(
              r ->
                  r.tableName(broker.tables().issuances())
                      .key(Map.of("jti", AttributeValue.fromS(jti)))
                      .consistentRead(true))
          .item();
    }
  }

  private static Optional<String> which(String command) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path candidate = Path.of(dir, command);
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate.toString());
      }
    }
    return Optional.empty();
  }
}
