package io.tokenbroker.rotation;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenbroker.adapters.dynamodb.DynamoDbKeyRepository;
import io.tokenbroker.adapters.wiring.KeyRotationWiring;
import io.tokenbroker.adapters.wiring.TokenWiring;
import io.tokenbroker.config.Env;
import io.tokenbroker.devsupport.LocalAws;
import io.tokenbroker.devsupport.MotoExtension;
import io.tokenbroker.functions.authorizer.AuthorizerWiring;
import io.tokenbroker.functions.authorizer.TokenAuthorizer;
import io.tokenbroker.functions.token.TokenHandler;
import io.tokenbroker.jose.CompactJws;
import io.tokenbroker.keys.KeyState;
import io.tokenbroker.keys.SigningKey;
import io.tokenbroker.testing.AwsFixture;
import io.tokenbroker.testing.Clients;
import io.tokenbroker.testing.EventFiles;
import io.tokenbroker.testing.MutableClock;
import io.tokenbroker.testing.RecordingTelemetry;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code keys compromise} takes effect for new tokens at once, not after the token function's
 * key-table cache: here a minute long, with the real token function, rotation service and
 * authorizer against moto (whose KMS, unlike AWS's, still signs with a disabled key, so only the
 * signing-key check can notice the withdrawal).
 */
@ExtendWith(MotoExtension.class)
class KeyCompromiseIT {

  private static final String ARN =
      "arn:aws:execute-api:us-east-1:123456789012:api/prod/GET/orders/1";

  @Test
  void theNextTokensAfterACompromiseAreSignedByTheSuccessorAndAccepted(LocalAws local)
      throws Exception {
    AwsFixture aws = AwsFixture.provisioned(local);
    MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    Env env =
        aws.env(
            Map.of("ISSUER", "https://broker.example.com/prod", "KEY_TABLE_CACHE_SECONDS", "60"));
    RecordingTelemetry telemetry = new RecordingTelemetry();
    var rotation = KeyRotationWiring.fromEnvironment(env, clock, telemetry).rotation();
    rotation.rotate(false);
    var wiring = TokenWiring.fromEnvironment(env, clock, telemetry);
    var tokens =
        new TokenHandler(
            wiring.clientAuthentication(),
            wiring.tokens(),
            wiring.refreshes(),
            wiring.exchanges(),
            wiring.dpop(),
            wiring.handlerTelemetry());
    var authorizer = authorizer(env, telemetry, clock);
    new io.tokenbroker.adapters.dynamodb.DynamoDbClientRepository(
            aws.dynamoDb, aws.tables.clients())
        .save(Clients.withRole("ci-deployer", "arn:aws:iam::123456789012:role/ci-deployer"), 0);
    var keyTable = new DynamoDbKeyRepository(aws.dynamoDb, aws.tables.keys());

    String before = mint(tokens);
    String compromised = kid(before);
    assertThat(allows(authorizer, before)).isTrue();

    rotation.compromise(compromised);
    clock.advance(Duration.ofMillis(1001)); // past the signing-key check; 59 s of key cache left
    String after = mint(tokens);

    SigningKey successor =
        keyTable.findAll().stream()
            .filter(k -> k.state() == KeyState.ACTIVE)
            .findFirst()
            .orElseThrow();
    assertThat(kid(after)).isEqualTo(successor.kid()).isNotEqualTo(compromised);
    // A container that has not read the keys in the last KEY_REFRESH_MIN_INTERVAL_SECONDS: one
    // that has will not re-read early for the fresh successor's kid until that interval is over.
    var freshAuthorizer = authorizer(env, telemetry, clock);
    assertThat(allows(freshAuthorizer, after)).isTrue();
    assertThat(allows(freshAuthorizer, before)).isFalse();
    assertThat(allows(authorizer, before)).isFalse();
    assertThat(kid(mint(tokens))).isEqualTo(successor.kid());
  }

  private static TokenAuthorizer authorizer(
      Env env, RecordingTelemetry telemetry, MutableClock clock) {
    var wiring =
        AuthorizerWiring.fromEnvironment(
            env.with(
                Map.of(
                    "AUDIENCE", "https://orders.example.com",
                    "ROUTE_SCOPES", "{\"GET /orders/*\": [\"orders:read\"]}",
                    "REVOCATION_CACHE_SECONDS", "0")),
            clock,
            telemetry);
    return new TokenAuthorizer(
        wiring.verifier(), wiring.config().routes(), wiring.handlerTelemetry());
  }

  private static String mint(TokenHandler tokens) {
    Map<String, Object> issued =
        EventFiles.invoke(
            (in, out) -> tokens.handleRequest(in, out, null),
            EventFiles.load("token/client-credentials-iam.json"));
    assertThat(issued.get("statusCode")).as(issued.toString()).isEqualTo(200L);
    return (String) EventFiles.body(issued).get("access_token");
  }

  private static String kid(String token) throws Exception {
    return (String)
        io.tokenbroker.json.Json.object(CompactJws.parse(token, 8192).headerJson()).get("kid");
  }

  private static boolean allows(TokenAuthorizer authorizer, String token) {
    Map<String, Object> event = EventFiles.load("authorizer/rest-request.json");
    event.put("methodArn", ARN);
    event.put("multiValueHeaders", Map.of("Authorization", List.of("Bearer " + token)));
    try {
      return EventFiles.invoke((in, out) -> authorizer.handleRequest(in, out, null), event)
          .toString()
          .contains("Allow");
    } catch (RuntimeException denied) {
      return false; // the authorizer answers Unauthorized by throwing, as API Gateway expects
    }
  }
}
