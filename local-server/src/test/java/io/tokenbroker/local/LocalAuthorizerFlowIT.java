package io.tokenbroker.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenbroker.adapters.aws.AwsClients;
import io.tokenbroker.adapters.aws.AwsSettings;
import io.tokenbroker.adapters.aws.ClientTimeouts;
import io.tokenbroker.adapters.dynamodb.DynamoDbRevocationRepository;
import io.tokenbroker.config.Env;
import io.tokenbroker.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The authorizer in front of the local demo API with API Gateway's rules: a token from /token gets
 * through (200), a token without the scope gets 403, a tampered or missing one 401, a revoked one
 * 401 within the stated bound; with the authorizer cache on, a cached answer still allows only what
 * the token's scopes grant.
 */
class LocalAuthorizerFlowIT {

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static LocalBroker broker;
  private static LocalBroker cachingBroker;

  @BeforeAll
  static void start() {
    broker = LocalBroker.start(LocalBrokerOptions.onPort(0));
    cachingBroker =
        LocalBroker.start(
            new LocalBrokerOptions(
                0,
                Optional.of(broker.awsEndpoint()),
                "tb-cache-",
                Optional.empty(),
                Duration.ofMinutes(5)));
  }

  @AfterAll
  static void stop() {
    cachingBroker.close();
    broker.close();
  }

  /** A token for the demo workload, as its IAM role would get one: SigV4-signed POST /token/iam. */
  static String demoToken(LocalBroker on, String scope) throws Exception {
    HttpRequest request =
        SignedPosts.post(
                URI.create(on.issuer() + "/token/iam"),
                LocalDemo.IDENTITY,
                "grant_type=client_credentials&scope=" + scope)
            .build();
    HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return (String) Json.object(response.body()).get("access_token");
  }

  static HttpResponse<String> call(LocalBroker on, String method, String path, String token)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(on.issuer() + path))
            .method(method, HttpRequest.BodyPublishers.noBody());
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void letsATokenWithTheScopeThroughAndPassesWhoItIs() throws Exception {
    HttpResponse<String> response =
        call(broker, "GET", "/demo/items/1", demoToken(broker, "demo:read"));

    assertThat(response.statusCode()).isEqualTo(200);
    Map<String, Object> body = Json.object(response.body());
    @SuppressWarnings("unchecked")
    Map<String, Object> authorizer = (Map<String, Object>) body.get("authorizer");
    assertThat(authorizer)
        .containsEntry("client_id", LocalDemo.CLIENT_ID)
        .containsEntry("sub", LocalDemo.CLIENT_ID)
        .containsEntry("scope", "demo:read")
        .containsEntry("principalId", LocalDemo.CLIENT_ID)
        .containsKey("jti");
  }

  @Test
  void refusesAValidTokenWithoutTheNeededScopeWith403() throws Exception {
    HttpResponse<String> response =
        call(broker, "POST", "/demo/items", demoToken(broker, "demo:read"));

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(response.body()).contains("not authorized");
  }

  @Test
  void refusesATamperedOrMissingTokenWith401() throws Exception {
    String token = demoToken(broker, "demo:read");
    String[] parts = token.split("\\.");
    String payload =
        new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
            .replace("demo:read", "demo:write");
    String tampered =
        parts[0]
            + "."
            + Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(payload.getBytes(StandardCharsets.UTF_8))
            + "."
            + parts[2];

    HttpResponse<String> forged = call(broker, "POST", "/demo/items", tampered);
    HttpResponse<String> none = call(broker, "GET", "/demo/items", null);

    assertThat(forged.statusCode()).isEqualTo(401);
    assertThat(forged.headers().firstValue("WWW-Authenticate"))
        .contains(LambdaAuthorizerEmulator.UNAUTHORIZED_CHALLENGE);
    assertThat(forged.body()).isEqualTo("{\"message\":\"Unauthorized\"}");
    assertThat(none.statusCode()).isEqualTo(401);
  }

  @Test
  void refusesARevokedTokenWithinTheDefaultBound() throws Exception {
    Duration bound = Duration.ofSeconds(5); // REVOCATION_CACHE_SECONDS default
    String token = demoToken(broker, "demo:read");
    HttpResponse<String> first = call(broker, "GET", "/demo/x", token);
    assertThat(first.statusCode()).isEqualTo(200);
    String jti = (String) ((Map<?, ?>) Json.object(first.body()).get("authorizer")).get("jti");

    revocations(broker).revokeToken(jti, Instant.now().plusSeconds(900), "test");
    Instant revokedAt = Instant.now();
    int status = 200;
    while (status == 200
        && Duration.between(revokedAt, Instant.now()).compareTo(bound.plusSeconds(2)) < 0) {
      Thread.sleep(100);
      status = call(broker, "GET", "/demo/x", token).statusCode();
    }
    Duration seen = Duration.between(revokedAt, Instant.now());

    System.out.println(
        "local server: revocation took effect after "
            + seen.toMillis()
            + " ms (bound "
            + bound.toMillis()
            + " ms)");
    assertThat(status).isEqualTo(401);
    assertThat(seen).isLessThanOrEqualTo(bound.plusMillis(500));
  }

  @Test
  void aCachedAnswerStillAllowsOnlyWhatTheScopesGrant() throws Exception {
    String token = demoToken(cachingBroker, "demo:read");

    assertThat(call(cachingBroker, "GET", "/demo/a", token).statusCode()).isEqualTo(200);
    // The same token, now answered from the cache, on a route its scope does not grant.
    assertThat(call(cachingBroker, "POST", "/demo/a", token).statusCode()).isEqualTo(403);
    assertThat(call(cachingBroker, "GET", "/demo/b/c", token).statusCode()).isEqualTo(200);
  }

  private static DynamoDbRevocationRepository revocations(LocalBroker on) {
    return new DynamoDbRevocationRepository(
        AwsClients.dynamoDb(
            AwsSettings.from(
                Env.of(
                    Map.of(
                        "AWS_ENDPOINT_URL", on.awsEndpoint().toString(),
                        "AWS_REGION", "us-east-1",
                        "AWS_ACCESS_KEY_ID", "test",
                        "AWS_SECRET_ACCESS_KEY", "test")),
                ClientTimeouts.background())),
        on.tables().revocations());
  }
}
