package io.tokenbroker.verifier;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenbroker.adapters.wiring.KeyRotationWiring;
import io.tokenbroker.config.Env;
import io.tokenbroker.local.LocalBroker;
import io.tokenbroker.testing.MutableClock;
import io.tokenbroker.testing.RecordingTelemetry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The broker's keys as a JWKS-only service sees them: a new signing key is picked up by re-reading
 * the JWKS on its first unknown kid, a withdrawn one dropped; a JWKS that cannot be read is a 503
 * once the keys held are too old, never an allow (as in the authorizer, which fails closed).
 * Brokers of their own on the shared moto: these tests change or stop them.
 */
class BrokerKeysIT {

  private static final String ROUTES = "{\"GET /orders/*\": [\"demo:read\"]}";

  private static TokenVerifier.Builder builder(LocalBroker broker) {
    return TokenVerifier.builder()
        .issuer(broker.issuer().toString())
        .audience(Brokers.audience(broker))
        .routes(ROUTES);
  }

  private static String header(String token) {
    return "Bearer " + token;
  }

  @Test
  void picksUpTheSuccessorOfACompromisedKeyOnItsFirstTokenAndDropsTheOldKey() throws Exception {
    try (LocalBroker broker = Brokers.another("tb-rotate-")) {
      TokenVerifier verifier =
          builder(broker).keyCache(Duration.ofMinutes(5), Duration.ofSeconds(1)).build();
      String before = Brokers.token(broker, "demo:read");
      String oldKid = (String) Tokens.header(before).get("kid");
      assertThat(verifier.verify("GET", "/orders/1", header(before)))
          .isInstanceOf(Decision.Allowed.class);

      rotation(broker).compromise(oldKid);
      String after = before;
      Instant deadline = Instant.now().plusSeconds(10);
      while (Tokens.header(after).get("kid").equals(oldKid) && Instant.now().isBefore(deadline)) {
        Thread.sleep(200);
        after = Brokers.token(broker, "demo:read");
      }
      assertThat(Tokens.header(after).get("kid")).isNotEqualTo(oldKid);

      // The broker's discovery function re-reads its key table at most every 30 s (its
      // KEY_TABLE_CACHE_SECONDS): until then the verifier's early re-reads find no new key.
      Instant rotated = Instant.now();
      Decision decision = verifier.verify("GET", "/orders/1", header(after));
      while (decision instanceof Decision.Refused refused
          && Duration.between(rotated, Instant.now()).toSeconds() < 45) {
        assertThat(refused.reason()).isEqualTo("unknown_kid");
        Thread.sleep(250);
        decision = verifier.verify("GET", "/orders/1", header(after));
      }
      assertThat(decision).isInstanceOf(Decision.Allowed.class);
      Decision.Refused old = (Decision.Refused) verifier.verify("GET", "/orders/1", header(before));
      assertThat(old.status()).isEqualTo(401);
      assertThat(old.reason()).isEqualTo("unknown_kid");
    }
  }

  @Test
  void failsClosedWhenTheJwksCannotBeReadOnceItsKeysAreTooOld() throws Exception {
    LocalBroker broker = Brokers.another("tb-down-");
    String token;
    MutableClock clock = new MutableClock(Instant.now());
    TokenVerifier verifier;
    TokenVerifier neverRead;
    try (broker) {
      token = Brokers.token(broker, "demo:read");
      verifier =
          builder(broker)
              .clock(clock)
              .keyCache(Duration.ofMinutes(1), Duration.ofSeconds(1))
              .build();
      neverRead = builder(broker).clock(clock).build();
      assertThat(verifier.verify("GET", "/orders/1", header(token)))
          .isInstanceOf(Decision.Allowed.class);
    }

    // Keys read within the key cache's max age are still used, as the authorizer uses them.
    assertThat(verifier.verify("GET", "/orders/1", header(token)))
        .isInstanceOf(Decision.Allowed.class);
    clock.advance(Duration.ofMinutes(1));

    for (TokenVerifier down : new TokenVerifier[] {verifier, neverRead}) {
      Decision.Refused refused = (Decision.Refused) down.verify("GET", "/orders/1", header(token));
      assertThat(refused.status()).isEqualTo(503);
      assertThat(refused.error()).isEqualTo("temporarily_unavailable");
      assertThat(refused.reason()).isEqualTo("keys_unavailable");
      assertThat(refused.wwwAuthenticate()).isEmpty();
    }
  }

  /** The broker's key lifecycle, as its rotation function (or brokerctl keys) runs it. */
  private static io.tokenbroker.keys.KeyRotationService rotation(LocalBroker broker) {
    Map<String, String> env = new HashMap<>(broker.tables().environment());
    env.put("AWS_ENDPOINT_URL", broker.awsEndpoint().toString());
    env.put("AWS_REGION", "us-east-1");
    env.put("AWS_ACCESS_KEY_ID", "test");
    env.put("AWS_SECRET_ACCESS_KEY", "test");
    env.put("BROKER_NAME", "local");
    return KeyRotationWiring.fromEnvironment(
            Env.of(env), Clock.systemUTC(), new RecordingTelemetry())
        .rotation();
  }
}
