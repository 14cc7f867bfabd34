package io.tokenbroker.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenbroker.adapters.aws.AwsClients;
import io.tokenbroker.adapters.aws.AwsSettings;
import io.tokenbroker.adapters.aws.ClientTimeouts;
import io.tokenbroker.adapters.dynamodb.DynamoDbOperatorAudit;
import io.tokenbroker.adapters.dynamodb.DynamoDbRevocationRepository;
import io.tokenbroker.config.Env;
import io.tokenbroker.json.Json;
import io.tokenbroker.revocation.RevocationStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operators' route as the stack deploys it: SigV4 alone is not enough; the API's resource
 * policy (emulated) admits only the operator role, so the demo workload, whose role may call {@code
 * /token/iam}, is refused with 403 and nothing is written, while the operator revokes.
 */
class LocalAdminRouteIT {

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static LocalBroker broker;
  private static RevocationStore revocations;
  private static DynamoDbOperatorAudit audit;

  @BeforeAll
  static void start() {
    broker = LocalBroker.start(LocalBrokerOptions.onPort(0));
    Env env =
        Env.of(
            Map.of(
                "AWS_ENDPOINT_URL", broker.awsEndpoint().toString(),
                "AWS_REGION", "us-east-1",
                "AWS_ACCESS_KEY_ID", "test",
                "AWS_SECRET_ACCESS_KEY", "test"));
    var dynamoDb = AwsClients.dynamoDb(AwsSettings.from(env, ClientTimeouts.background()));
    revocations = new DynamoDbRevocationRepository(dynamoDb, broker.tables().revocations());
    audit =
        new DynamoDbOperatorAudit(dynamoDb, broker.tables().audit(), java.time.Clock.systemUTC());
  }

  @AfterAll
  static void stop() {
    broker.close();
  }

  /** POST {@code path} with a form body, SigV4-signed as {@code identity}. */
  private static HttpResponse<String> signedPost(
      SigV4Verifier.LocalIdentity identity, String path, String form) throws Exception {
    return HTTP.send(
        SignedPosts.post(URI.create(broker.issuer() + path), identity, form).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** A token of the demo workload, and its jti. */
  private static String[] demoToken() throws Exception {
    HttpResponse<String> response =
        signedPost(LocalDemo.IDENTITY, "/token/iam", "grant_type=client_credentials");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    String token = (String) Json.object(response.body()).get("access_token");
    return new String[] {token, jti(token)};
  }

  private static String jti(String token) throws ParseException {
    return (String)
        Json.object(
                new String(
                    Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8))
            .get("jti");
  }

  private static boolean revoked(String jti) {
    return revocations
        .status(jti, LocalDemo.CLIENT_ID, "no-such-kid", Optional.empty())
        .tokenRevoked();
  }

  @Test
  void refusesTheDemoWorkloadOnTheAdminRouteAndWritesNothing() throws Exception {
    String[] token = demoToken();

    HttpResponse<String> byWorkload =
        signedPost(LocalDemo.IDENTITY, "/admin/revocations", "jti=" + token[1]);

    assertThat(byWorkload.statusCode()).isEqualTo(403);
    assertThat(byWorkload.body()).contains("explicit deny").doesNotContain("arn:");
    assertThat(byWorkload.headers().firstValue("x-amzn-ErrorType"))
        .contains("AccessDeniedException");
    assertThat(revoked(token[1])).isFalse();
    assertThat(LocalAuthorizerFlowIT.call(broker, "GET", "/demo/items/1", token[0]).statusCode())
        .isEqualTo(200);
  }

  @Test
  void letsTheOperatorRevokeADemoToken() throws Exception {
    String[] token = demoToken();

    HttpResponse<String> byOperator =
        signedPost(LocalDemo.OPERATOR, "/admin/revocations", "jti=" + token[1]);

    assertThat(byOperator.statusCode()).as(byOperator.body()).isEqualTo(200);
    assertThat(Json.object(byOperator.body()).get("revoked")).isEqualTo(Map.of("jti", token[1]));
    assertThat(revoked(token[1])).isTrue();
    assertThat(LocalAuthorizerFlowIT.call(broker, "GET", "/demo/items/1", token[0]).statusCode())
        .isEqualTo(401);
    // the local server provisions the audit trail, and the route records the operator in it
    assertThat(audit.recent(100, Optional.empty()))
        .filteredOn(e -> e.target().equals(token[1]))
        .extracting(e -> e.outcome().label() + " " + e.action() + " by " + e.actor())
        .containsExactly(
            "done revoke token by " + LocalDemo.OPERATOR.callerArn(),
            "intent revoke token by " + LocalDemo.OPERATOR.callerArn());
  }

  @Test
  void refusesAnUnsignedCallAsApiGatewayDoes() throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(broker.issuer() + "/admin/revocations"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("jti=x"))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(response.body()).contains("Missing Authentication Token");
  }
}
