package io.tokenbroker.dpop;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenbroker.testing.MutableClock;
import java.time.Duration;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * RFC 9449 9: the token endpoint's nonces and the APIs' are apart, though one key makes both: a
 * nonce given by one is refused by the other, in the same slot.
 */
class SlotNoncesTest {

  private final MutableClock clock = MutableClock.at("2026-11-30T12:00:00Z");

  private static NonceMac hmac() {
    return message -> {
      try {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(new byte[32], "HmacSHA256"));
        return mac.doFinal(message);
      } catch (java.security.GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    };
  }

  private SlotNonces of(SlotNonces.Server server) {
    return new SlotNonces(hmac(), clock, Duration.ofMinutes(5), server);
  }

  @Test
  void aNonceOfOneServerIsRefusedByTheOther() {
    String fromToken = of(SlotNonces.Server.AUTHORIZATION).current();
    String fromApis = of(SlotNonces.Server.RESOURCE).current();

    assertThat(of(SlotNonces.Server.AUTHORIZATION).accepts(fromToken)).isTrue();
    assertThat(of(SlotNonces.Server.RESOURCE).accepts(fromApis)).isTrue();
    assertThat(of(SlotNonces.Server.RESOURCE).accepts(fromToken)).isFalse();
    assertThat(of(SlotNonces.Server.AUTHORIZATION).accepts(fromApis)).isFalse();
  }
}
