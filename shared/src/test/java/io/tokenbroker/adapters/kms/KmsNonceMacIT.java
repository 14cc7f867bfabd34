package io.tokenbroker.adapters.kms;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenbroker.adapters.aws.AwsSettings;
import io.tokenbroker.adapters.aws.ClientTimeouts;
import io.tokenbroker.adapters.provisioning.NonceKeyProvisioner;
import io.tokenbroker.devsupport.LocalAws;
import io.tokenbroker.devsupport.MotoExtension;
import io.tokenbroker.dpop.SlotNonces;
import io.tokenbroker.testing.AwsFixture;
import io.tokenbroker.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Stateless DPoP nonces over KMS GenerateMac on moto: two containers (two SlotNonces, two clients)
 * sharing the key accept each other's nonces with no storage between them.
 */
@ExtendWith(MotoExtension.class)
class KmsNonceMacIT {

  private static AwsFixture fixture;
  private static String keyId;

  @BeforeAll
  static void setUp(LocalAws aws) {
    fixture = AwsFixture.provisioned(aws);
    keyId =
        NonceKeyProvisioner.create(
            AwsSettings.from(fixture.env(Map.of()), ClientTimeouts.background()), "nonce-it");
  }

  @Test
  void givesTheSameMacForTheSameMessageAndAnotherForAnother() {
    KmsNonceMac mac = new KmsNonceMac(fixture.kms, keyId);
    byte[] a = mac.mac("dpop-nonce:v1:1".getBytes(StandardCharsets.US_ASCII));

    assertThat(a).hasSize(32);
    assertThat(mac.mac("dpop-nonce:v1:1".getBytes(StandardCharsets.US_ASCII))).isEqualTo(a);
    assertThat(mac.mac("dpop-nonce:v1:2".getBytes(StandardCharsets.US_ASCII))).isNotEqualTo(a);
  }

  @Test
  void aNonceOneContainerGivesAnotherAccepts() {
    MutableClock clock = MutableClock.at("2026-11-30T12:00:00Z");
    SlotNonces first =
        new SlotNonces(
            new KmsNonceMac(fixture.kms, keyId),
            clock,
            Duration.ofMinutes(5),
            SlotNonces.Server.AUTHORIZATION);
    SlotNonces second =
        new SlotNonces(
            new KmsNonceMac(fixture.kms, keyId),
            clock,
            Duration.ofMinutes(5),
            SlotNonces.Server.AUTHORIZATION);

    String nonce = first.current();

    assertThat(second.accepts(nonce)).isTrue();
    assertThat(nonce).matches("[0-9]+\\.[A-Za-z0-9_-]{43}");
    clock.advance(Duration.ofMinutes(10));
    assertThat(second.accepts(nonce)).isFalse();
  }

  @Test
  void aNonceOfAnotherKeyIsRefused() {
    String otherKey =
        NonceKeyProvisioner.create(
            AwsSettings.from(fixture.env(Map.of()), ClientTimeouts.background()), "nonce-it");
    MutableClock clock = MutableClock.at("2026-11-30T12:00:00Z");

    String foreign =
        new SlotNonces(
                new KmsNonceMac(fixture.kms, otherKey),
                clock,
                Duration.ofMinutes(5),
                SlotNonces.Server.AUTHORIZATION)
            .current();

    assertThat(
            new SlotNonces(
                    new KmsNonceMac(fixture.kms, keyId),
                    clock,
                    Duration.ofMinutes(5),
                    SlotNonces.Server.AUTHORIZATION)
                .accepts(foreign))
        .isFalse();
  }
}
