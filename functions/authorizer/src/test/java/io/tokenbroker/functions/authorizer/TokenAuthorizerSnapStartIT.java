package io.tokenbroker.functions.authorizer;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenbroker.adapters.dynamodb.DynamoDbKeyRepository;
import io.tokenbroker.adapters.dynamodb.DynamoDbRevocationRepository;
import io.tokenbroker.adapters.lifecycle.SnapStartHooks;
import io.tokenbroker.clients.Client;
import io.tokenbroker.config.Env;
import io.tokenbroker.devsupport.LocalAws;
import io.tokenbroker.devsupport.MotoExtension;
import io.tokenbroker.keys.KeyState;
import io.tokenbroker.keys.SigningKey;
import io.tokenbroker.telemetry.Telemetry;
import io.tokenbroker.telemetry.TelemetryEvent;
import io.tokenbroker.testing.Clients;
import io.tokenbroker.testing.EventFiles;
import io.tokenbroker.testing.MotoBroker;
import io.tokenbroker.testing.RecordingTelemetry;
import io.tokenbroker.tokens.IssuedToken;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The authorizer's SnapStart hooks against moto, called as Lambda would: beforeCheckpoint when the
 * version is published, afterRestore in each environment resumed from the snapshot. Its caches are
 * made long here (keys an hour, revocations five minutes), so that only the hooks can explain a
 * change read right after a restore; a second authorizer without hooks shows what the caches would
 * otherwise have answered.
 */
@ExtendWith(MotoExtension.class)
class TokenAuthorizerSnapStartIT {

  private static final String ARN_BASE = "arn:aws:execute-api:us-east-1:123456789012:api1234/prod/";

  private static MotoBroker broker;
  private static DynamoDbRevocationRepository revocations;
  private static DynamoDbKeyRepository keys;

  @BeforeAll
  static void setUp(LocalAws local) {
    broker = new MotoBroker(local);
    revocations =
        new DynamoDbRevocationRepository(broker.aws.dynamoDb, broker.aws.tables.revocations());
    keys = new DynamoDbKeyRepository(broker.aws.dynamoDb, broker.aws.tables.keys());
  }

  /**
   * The handler as the local server builds it: its wiring read from {@code env}; the hooks that
   * wiring registers are kept in {@link #HOOKS}.
   */
  private static TokenAuthorizer wired(Env env, Telemetry telemetry) {
    AuthorizerWiring wiring = AuthorizerWiring.fromEnvironment(env, Clock.systemUTC(), telemetry);
    TokenAuthorizer handler =
        new TokenAuthorizer(wiring.verifier(), wiring.config().routes(), wiring.handlerTelemetry());
    HOOKS.put(handler, wiring.snapStartHooks((in, out) -> handler.handleRequest(in, out, null)));
    return handler;
  }

  /** The SnapStart hooks each wiring registered for its handler, as Lambda's handler keeps them. */
  private static final java.util.Map<Object, SnapStartHooks> HOOKS =
      new java.util.concurrent.ConcurrentHashMap<>();

  private static SnapStartHooks hooks(Object handler) {
    return HOOKS.get(handler);
  }

  private static TokenAuthorizer authorizer(RecordingTelemetry telemetry) {
    return wired(
        broker.env.with(
            Map.of(
                "AUDIENCE", "https://orders.example.com",
                "ROUTE_SCOPES", "{\"GET /things/*\": [\"orders:read\"]}",
                "KEY_CACHE_SECONDS", "3600",
                "REVOCATION_CACHE_SECONDS", "300")),
        telemetry);
  }

  private static IssuedToken token(String clientId) {
    Client client = Clients.withRole(clientId, "arn:aws:iam::123456789012:role/" + clientId);
    broker.register(client);
    return broker.issue(client, "&scope=orders:read");
  }

  @SuppressWarnings("unchecked")
  private static boolean allows(TokenAuthorizer authorizer, String token) {
    Map<String, Object> event = EventFiles.load("authorizer/rest-request.json");
    event.put("methodArn", ARN_BASE + "GET/things/1");
    event.put("httpMethod", "GET");
    event.put("path", "/things/1");
    event.put("multiValueHeaders", Map.of("Authorization", List.of("Bearer " + token)));
    ((Map<String, Object>) event.get("headers")).put("Authorization", "Bearer " + token);
    try {
      Map<String, Object> response =
          EventFiles.invoke((in, out) -> authorizer.handleRequest(in, out, null), event);
      Map<String, Object> policy = (Map<String, Object>) response.get("policyDocument");
      return ((List<Map<String, Object>>) policy.get("Statement"))
          .getFirst()
          .get("Effect")
          .equals("Allow");
    } catch (TokenAuthorizer.Unauthorized denied) {
      return false;
    }
  }

  private static String jti(IssuedToken token) throws java.text.ParseException {
    return com.nimbusds.jwt.JWTParser.parse(token.accessToken()).getJWTClaimsSet().getJWTID();
  }

  @Test
  void honoursARevocationWrittenBetweenCheckpointAndRestore() throws Exception {
    IssuedToken token = token("revoked-meanwhile");
    TokenAuthorizer restored = authorizer(new RecordingTelemetry());
    TokenAuthorizer withoutHooks = authorizer(new RecordingTelemetry());
    assertThat(allows(restored, token.accessToken())).isTrue();
    assertThat(allows(withoutHooks, token.accessToken())).isTrue();

    SnapStartHooks hooks = hooks(restored);
    hooks.beforeCheckpoint(null);
    revocations.revokeToken(jti(token), Instant.now().plus(Duration.ofHours(1)), "test");
    hooks.afterRestore(null);

    assertThat(allows(restored, token.accessToken())).isFalse();
    // the cached "not revoked" would have been served for five more minutes without the hooks
    assertThat(allows(withoutHooks, token.accessToken())).isTrue();
  }

  @Test
  void forgetsOnRestoreWhatWasReadAfterTheCheckpointWasPrimed() throws Exception {
    // A restore must not trust any cached read, even one the hooks did not make themselves.
    IssuedToken token = token("revoked-after-read");
    TokenAuthorizer restored = authorizer(new RecordingTelemetry());
    assertThat(allows(restored, token.accessToken())).isTrue();
    revocations.revokeToken(jti(token), Instant.now().plus(Duration.ofHours(1)), "test");
    assertThat(allows(restored, token.accessToken())).as("still cached").isTrue();

    hooks(restored).afterRestore(null);

    assertThat(allows(restored, token.accessToken())).isFalse();
  }

  @Test
  void honoursAKeyWithdrawnBetweenCheckpointAndRestore() throws Exception {
    IssuedToken token = token("key-withdrawn-meanwhile");
    TokenAuthorizer restored = authorizer(new RecordingTelemetry());
    TokenAuthorizer withoutHooks = authorizer(new RecordingTelemetry());
    assertThat(allows(restored, token.accessToken())).isTrue();
    assertThat(allows(withoutHooks, token.accessToken())).isTrue();
    SigningKey active =
        keys.findAll().stream().filter(k -> k.state() == KeyState.ACTIVE).findFirst().orElseThrow();

    SnapStartHooks hooks = hooks(restored);
    hooks.beforeCheckpoint(null);
    SigningKey withdrawn = active.moveTo(KeyState.WITHDRAWN, Instant.now());
    keys.write(List.of(), List.of(withdrawn));
    try {
      hooks.afterRestore(null);

      assertThat(allows(restored, token.accessToken())).isFalse();
      assertThat(allows(withoutHooks, token.accessToken())).isTrue();
    } finally {
      keys.write(List.of(), List.of(withdrawn.moveTo(KeyState.ACTIVE, Instant.now())));
    }
  }

  @Test
  void primingReadsOnlyAndLeavesNoRequestLogsOrMetrics() throws Exception {
    RecordingTelemetry telemetry = new RecordingTelemetry();
    TokenAuthorizer authorizer = authorizer(telemetry);
    Map<String, Integer> before = broker.aws.itemCounts();

    hooks(authorizer).beforeCheckpoint(null);

    assertThat(broker.aws.itemCounts()).isEqualTo(before);
    assertThat(telemetry.events())
        .extracting(TelemetryEvent::name)
        .containsExactly("snapstart.primed");
  }

  @Test
  void registersHooksOnlyWhenItWiresItsOwnAdapters() {
    TokenAuthorizer wired = authorizer(new RecordingTelemetry());
    assertThat(hooks(wired)).isNotNull();
    // given its dependencies, the handler registers none: only Lambda's no-argument one does
    assertThat(wired.snapStartHooks()).isNull();
  }
}
