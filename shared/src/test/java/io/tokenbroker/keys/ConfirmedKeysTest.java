package io.tokenbroker.keys;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import io.tokenbroker.errors.ServiceFailure;
import io.tokenbroker.testing.LocalKeys;
import io.tokenbroker.testing.MutableClock;
import io.tokenbroker.testing.RecordingTelemetry;
import io.tokenbroker.testing.TestKeys;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ConfirmedKeysTest {

  private final MutableClock clock = MutableClock.at("2026-11-28T12:00:00Z");
  private final LocalKeys kms = new LocalKeys();
  private final AtomicInteger checks = new AtomicInteger();
  private final AtomicBoolean failing = new AtomicBoolean();
  private final RecordingTelemetry telemetry = new RecordingTelemetry();
  private final ConfirmedKeys confirmed =
      new ConfirmedKeys(
          key -> {
            checks.incrementAndGet();
            if (failing.get()) {
              throw new ServiceFailure("kms", "GetPublicKey failed: injected", true, null);
            }
            return kms.confirms(key);
          },
          clock,
          telemetry);

  private SigningKey genuine() {
    return SigningKey.created(
        kms.create(JWSAlgorithm.RS256, "c"), KeyState.ACTIVE, clock.instant());
  }

  /** A record as someone with write access to the key table could forge it. */
  private static SigningKey withPublicKey(SigningKey row, JWK publicJwk, String keyReference) {
    return new SigningKey(
        publicJwk.getKeyID(),
        keyReference,
        row.algorithm(),
        publicJwk,
        row.state(),
        row.createdAt(),
        row.activatedAt(),
        null,
        null,
        1);
  }

  /**
   * A key withdrawn after a compromise leaves the published set; should someone with write access
   * to the key table put its record back, KMS is asked again, and refuses the disabled key.
   */
  @Test
  void checksAKeyAgainOnceItWasNoLongerPublished() {
    SigningKey key = genuine();
    assertThat(confirmed.confirm(List.of(key)).keys()).containsExactly(key);

    confirmed.confirm(List.of());
    kms.disable(key.keyReference());

    assertThat(confirmed.confirm(List.of(key)).keys()).isEmpty();
    assertThat(checks).hasValue(2);
  }

  @Test
  void trustsAKeyTheKeyManagerConfirmsAndAsksOnlyOnce() {
    SigningKey key = genuine();

    assertThat(confirmed.confirm(List.of(key)).keys()).containsExactly(key);
    clock.advance(Duration.ofDays(30));
    assertThat(confirmed.confirm(List.of(key)).keys()).containsExactly(key);

    assertThat(checks).hasValue(1);
  }

  @Test
  void leavesOutARecordWhosePublicKeyIsNotTheKeyManagersKey() {
    SigningKey key = genuine();
    SigningKey forged =
        withPublicKey(key, TestKeys.generate(JWSAlgorithm.RS256).toPublicJWK(), key.keyReference());

    var result = confirmed.confirm(List.of(key, forged));

    assertThat(result.keys()).containsExactly(key);
    assertThat(result.complete()).isTrue();
    assertThat(telemetry.named("keys.unverified_key"))
        .singleElement()
        .satisfies(e -> assertThat(e.fields()).containsOnlyKeys("kid").containsValue(forged.kid()));
  }

  @Test
  void leavesOutARecordThatContradictsItselfWithoutAsking() {
    SigningKey key = genuine();
    JWK otherKid =
        new com.nimbusds.jose.jwk.RSAKey.Builder((com.nimbusds.jose.jwk.RSAKey) key.publicJwk())
            .keyID("chosen-by-the-forger")
            .build();
    SigningKey renamed = withPublicKey(key, otherKid, key.keyReference());

    assertThat(confirmed.confirm(List.of(renamed)).keys()).isEmpty();
    assertThat(checks).hasValue(0);
  }

  @Test
  void remembersARefusalBrieflyThenAsksAgain() {
    SigningKey key = genuine();
    SigningKey forged =
        withPublicKey(key, TestKeys.generate(JWSAlgorithm.RS256).toPublicJWK(), key.keyReference());

    confirmed.confirm(List.of(forged));
    confirmed.confirm(List.of(forged));
    assertThat(checks).hasValue(1);

    clock.advance(ConfirmedKeys.REFUSED_FOR);
    confirmed.confirm(List.of(forged));
    assertThat(checks).hasValue(2);
  }

  @Test
  void aKeyThatCannotBeCheckedIsNotTrustedAndIsCheckedAgainSoon() {
    SigningKey key = genuine();
    failing.set(true);

    var result = confirmed.confirm(List.of(key));

    assertThat(result.keys()).isEmpty();
    assertThat(result.complete()).isFalse();
    assertThat(confirmed.couldNotCheck(key.kid())).as("failed, not refused").isTrue();
    assertThat(telemetry.named("keys.key_check_failed")).hasSize(1);

    failing.set(false);
    assertThat(confirmed.confirm(List.of(key)).keys()).as("not yet retried").isEmpty();
    clock.advance(ConfirmedKeys.FAILED_FOR);
    var retried = confirmed.confirm(List.of(key));
    assertThat(retried.keys()).containsExactly(key);
    assertThat(retried.complete()).isTrue();
    assertThat(confirmed.couldNotCheck(key.kid())).isFalse();
  }
}
