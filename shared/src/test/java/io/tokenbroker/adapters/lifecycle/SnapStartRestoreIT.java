package io.tokenbroker.adapters.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenbroker.adapters.aws.ClientTimeouts;
import io.tokenbroker.adapters.dynamodb.BrokerTables;
import io.tokenbroker.adapters.dynamodb.DynamoDbKeyRepository;
import io.tokenbroker.adapters.http.Form;
import io.tokenbroker.adapters.wiring.BrokerAdapters;
import io.tokenbroker.adapters.wiring.RevocationWiring;
import io.tokenbroker.adapters.wiring.TokenWiring;
import io.tokenbroker.auth.AuthenticatedClient;
import io.tokenbroker.clients.Client;
import io.tokenbroker.config.BrokerConfig;
import io.tokenbroker.config.Env;
import io.tokenbroker.devsupport.LocalAws;
import io.tokenbroker.devsupport.MotoExtension;
import io.tokenbroker.errors.ServiceFailure;
import io.tokenbroker.keys.KeyState;
import io.tokenbroker.keys.SigningKey;
import io.tokenbroker.testing.BrokerKit;
import io.tokenbroker.testing.MotoBroker;
import io.tokenbroker.testing.RecordingTelemetry;
import io.tokenbroker.tokens.IssuedToken;
import io.tokenbroker.tokens.RequestOrigin;
import io.tokenbroker.tokens.TokenRequest;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The token and revocation wirings' SnapStart hooks against moto: what a restored environment must
 * not carry over from the snapshot (the random generator's state, the key table read) and what
 * priming must not do (write).
 */
@ExtendWith(MotoExtension.class)
class SnapStartRestoreIT {

  private static MotoBroker broker;
  private static AuthenticatedClient caller;

  /** Every environment resumed from one snapshot starts from the same generator state. */
  private static final Supplier<SecureRandom> SNAPSHOT_STATE =
      () -> {
        try {
          SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
          random.setSeed("state in the snapshot".getBytes(StandardCharsets.UTF_8));
          return random;
        } catch (NoSuchAlgorithmException e) {
          throw new AssertionError(e);
        }
      };

  @BeforeAll
  static void setUp(LocalAws local) {
    broker = new MotoBroker(local);
    Client client = broker.register(BrokerKit.client("twin", true, false));
    caller = BrokerKit.caller(client);
  }

  private static TokenWiring wiring(Map<String, String> more) {
    return wiring(more, SNAPSHOT_STATE);
  }

  private static TokenWiring wiring(Map<String, String> more, Supplier<SecureRandom> generators) {
    Env env = broker.env.with(more);
    return new TokenWiring(
        BrokerAdapters.from(env, ClientTimeouts.requestPath()),
        BrokerConfig.from(env),
        BrokerTables.from(env),
        Clock.systemUTC(),
        new RenewableRandom(generators),
        new RecordingTelemetry(),
        io.tokenbroker.config.DpopConfig.from(env));
  }

  private static SnapStartHooks hooks(TokenWiring wiring) {
    return wiring.snapStartHooks((in, out) -> in.readAllBytes());
  }

  private static IssuedToken issue(TokenWiring wiring) {
    return wiring
        .tokens()
        .issue(
            caller,
            TokenRequest.from(Form.parse("grant_type=client_credentials&scope=orders:read")),
            new RequestOrigin("203.0.113.1", "test"));
  }

  @Test
  void twoEnvironmentsRestoredFromOneSnapshotMintDifferentJtisAndRefreshTokens() throws Exception {
    TokenWiring first = wiring(Map.of());
    TokenWiring second = wiring(Map.of());
    SnapStartHooks firstHooks = hooks(first);
    SnapStartHooks secondHooks = hooks(second);
    firstHooks.beforeCheckpoint(null);
    secondHooks.beforeCheckpoint(null);

    // Without the renewal both would mint the same jti (RenewableRandomTest shows the state is
    // shared); the second issuance would then collide with the first.
    firstHooks.afterRestore(null);
    secondHooks.afterRestore(null);
    IssuedToken a = issue(first);
    IssuedToken b = issue(second);

    assertThat(a.record().jti()).isNotEqualTo(b.record().jti());
    assertThat(a.refreshToken()).isPresent();
    assertThat(a.refreshToken()).isNotEqualTo(b.refreshToken());
    assertThat(a.record().sessionId()).isNotEqualTo(b.record().sessionId());
  }

  @Test
  void aKeyWithdrawnBetweenCheckpointAndRestoreNoLongerSignsRightAfterTheRestore()
      throws Exception {
    Map<String, String> longCache = Map.of("KEY_TABLE_CACHE_SECONDS", "600");
    TokenWiring restored = wiring(longCache, SecureRandom::new);
    TokenWiring withoutHooks = wiring(longCache, SecureRandom::new);
    SnapStartHooks hooks = hooks(restored);
    issue(restored);
    issue(withoutHooks);
    DynamoDbKeyRepository keys =
        new DynamoDbKeyRepository(broker.aws.enhanced, broker.aws.tables.keys());
    SigningKey active =
        keys.findAll().stream().filter(k -> k.state() == KeyState.ACTIVE).findFirst().orElseThrow();

    hooks.beforeCheckpoint(null);
    SigningKey withdrawn = active.moveTo(KeyState.WITHDRAWN, Instant.now());
    keys.write(List.of(), List.of(withdrawn));
    try {
      hooks.afterRestore(null);

      assertThatThrownBy(() -> issue(restored))
          .isInstanceOf(ServiceFailure.class)
          .hasMessageContaining("no ACTIVE signing key");
      // the cached read would have kept signing with it for ten more minutes
      assertThat(issue(withoutHooks).record().kid()).isEqualTo(active.kid());
    } finally {
      keys.write(List.of(), List.of(withdrawn.moveTo(KeyState.ACTIVE, Instant.now())));
    }
  }

  @Test
  void primingWritesNothing() throws Exception {
    TokenWiring wiring = wiring(Map.of());
    Map<String, Integer> before = broker.aws.itemCounts();
    RecordingTelemetry telemetry = new RecordingTelemetry();
    // the revocation function also verifies the broker's tokens: the widest priming
    SnapStartHooks hooks =
        RevocationWiring.fromEnvironment(broker.env, Clock.systemUTC(), telemetry)
            .snapStartHooks((in, out) -> in.readAllBytes());

    hooks.beforeCheckpoint(null);
    hooks(wiring).beforeCheckpoint(null);

    assertThat(broker.aws.itemCounts()).isEqualTo(before);
    assertThat(telemetry.named("snapstart.primed")).hasSize(1);
  }
}
