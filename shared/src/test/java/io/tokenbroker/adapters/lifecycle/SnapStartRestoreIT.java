package io.tokenbroker.adapters.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenbroker.adapters.aws.ClientTimeouts;
import io.tokenbroker.adapters.dynamodb.DynamoDbKeyRepository;
import io.tokenbroker.adapters.http.Form;
import io.tokenbroker.adapters.wiring.BrokerServices;
import io.tokenbroker.auth.AuthenticatedClient;
import io.tokenbroker.clients.Client;
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
 * The broker services' SnapStart hooks against moto: what a restored environment must not carry
 * over from the snapshot (the random generator's state, the key table read) and what priming must
 * not do (write).
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

  private static BrokerServices services(Map<String, String> more) {
    return services(more, SNAPSHOT_STATE);
  }

  private static BrokerServices services(
      Map<String, String> more, Supplier<SecureRandom> generators) {
    return new BrokerServices(
        broker.env.with(more),
        ClientTimeouts.requestPath(),
        new RecordingTelemetry(),
        Clock.systemUTC(),
        generators);
  }

  private static SnapStartHooks hooks(BrokerServices services) {
    return services.snapStartHooks("test", (in, out) -> in.readAllBytes(), "/token", "");
  }

  private static IssuedToken issue(BrokerServices services) {
    return services
        .tokens()
        .issue(
            caller,
            TokenRequest.from(Form.parse("grant_type=client_credentials&scope=orders:read")),
            new RequestOrigin("203.0.113.1", "test"));
  }

  @Test
  void twoEnvironmentsRestoredFromOneSnapshotMintDifferentJtisAndRefreshTokens() throws Exception {
    BrokerServices first = services(Map.of());
    BrokerServices second = services(Map.of());
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
    BrokerServices restored = services(longCache, SecureRandom::new);
    BrokerServices withoutHooks = services(longCache, SecureRandom::new);
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
    BrokerServices services = services(Map.of());
    services.tokens();
    services.revocationService(); // also verifies the broker's tokens: the widest priming
    Map<String, Integer> before = broker.aws.itemCounts();
    RecordingTelemetry telemetry = new RecordingTelemetry();
    SnapStartHooks hooks =
        new BrokerServices(
                broker.env,
                ClientTimeouts.requestPath(),
                telemetry,
                Clock.systemUTC(),
                SNAPSHOT_STATE)
            .snapStartHooks("test", (in, out) -> in.readAllBytes(), "/revoke", "&token=x");

    hooks.beforeCheckpoint(null);
    hooks(services).beforeCheckpoint(null);

    assertThat(broker.aws.itemCounts()).isEqualTo(before);
    assertThat(telemetry.named("snapstart.primed")).hasSize(1);
  }
}
