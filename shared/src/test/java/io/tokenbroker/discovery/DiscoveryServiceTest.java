package io.tokenbroker.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import io.tokenbroker.errors.ServiceFailure;
import io.tokenbroker.keys.ConfirmedKeys;
import io.tokenbroker.keys.KeyState;
import io.tokenbroker.keys.PublishedKeys;
import io.tokenbroker.keys.SigningKey;
import io.tokenbroker.testing.InMemoryKeyRepository;
import io.tokenbroker.testing.LocalKeys;
import io.tokenbroker.testing.MutableClock;
import io.tokenbroker.testing.RecordingTelemetry;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class DiscoveryServiceTest {

  private final MutableClock clock = MutableClock.at("2026-11-28T12:00:00Z");
  private final InMemoryKeyRepository table = new InMemoryKeyRepository();
  private final LocalKeys kms = new LocalKeys();
  private final AtomicBoolean kmsFailing = new AtomicBoolean();
  private final DiscoveryService discovery =
      new DiscoveryService(
          new PublishedKeys(table, clock, Duration.ZERO),
          new ConfirmedKeys(
              key -> {
                if (kmsFailing.get()) {
                  throw new ServiceFailure("kms", "GetPublicKey failed: injected", true, null);
                }
                return kms.confirms(key);
              },
              clock,
              new RecordingTelemetry()),
          ServerMetadata.forBroker(
              new BrokerEndpoints(URI.create("https://broker.example.com")), List.of()),
          Duration.ofMinutes(5));

  private SigningKey publish(KeyState state) {
    SigningKey key =
        SigningKey.created(kms.create(JWSAlgorithm.ES256, "c"), state, clock.instant());
    table.create(key);
    return key;
  }

  @Test
  void answersARetryableFailureRatherThanAKeySetMissingAKeyKmsCouldNotCheck() {
    SigningKey active = publish(KeyState.ACTIVE);
    assertThat(discovery.jwks().getKeys()).extracting(JWK::getKeyID).containsExactly(active.kid());

    kmsFailing.set(true);
    publish(KeyState.PENDING);

    assertThatThrownBy(discovery::jwks)
        .isInstanceOfSatisfying(ServiceFailure.class, f -> assertThat(f.retryable()).isTrue());
  }

  @Test
  void leavesOutAKeyKmsRefusesAndStillAnswers() {
    SigningKey active = publish(KeyState.ACTIVE);
    SigningKey other =
        SigningKey.created(kms.tagged(JWSAlgorithm.ES256), KeyState.PENDING, clock.instant());
    JWK notKmsKey = io.tokenbroker.testing.TestKeys.generate(JWSAlgorithm.ES256).toPublicJWK();
    table.create(
        new SigningKey(
            notKmsKey.getKeyID(),
            other.keyReference(),
            JWSAlgorithm.ES256,
            notKmsKey,
            KeyState.PENDING,
            clock.instant(),
            null,
            null,
            null,
            1));

    assertThat(discovery.jwks().getKeys()).extracting(JWK::getKeyID).containsExactly(active.kid());
  }
}
