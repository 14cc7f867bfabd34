package io.tokenbroker.jose;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenbroker.errors.RequestRejected;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Issue 13: {@link CompactJws#decodeCanonical} decodes with the JDK's URL decoder (padding refused
 * first) and checks the unused bits of the last character, where it decoded with the JDK and
 * re-encoded to compare; on random segments of every length (the alphabet, near misses of it,
 * non-ASCII) it accepts exactly what that accepted, with the same bytes.
 */
class CanonicalBase64DifferentialTest {

  private static final String ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  private static final String NEAR = "+/=. \u00e9\u0100A";

  @Test
  void acceptsWhatDecodingAndReEncodingAccepted() {
    Random random = new Random(13);
    int accepted = 0;
    for (int i = 0; i < 200_000; i++) {
      StringBuilder segment = new StringBuilder();
      int length = random.nextInt(14);
      for (int c = 0; c < length; c++) {
        segment.append(
            random.nextInt(40) == 0
                ? NEAR.charAt(random.nextInt(NEAR.length()))
                : ALPHABET.charAt(random.nextInt(ALPHABET.length())));
      }
      byte[] expected = before(segment.toString());
      byte[] actual;
      try {
        actual = CompactJws.decodeCanonical(segment.toString());
        accepted++;
      } catch (RequestRejected e) {
        assertThat(e.rejectionReason()).isEqualTo(JwsReason.NON_CANONICAL_BASE64URL);
        actual = null;
      }
      assertThat(actual).as(segment.toString()).isEqualTo(expected);
    }
    assertThat(accepted).isGreaterThan(50_000);
  }

  @Test
  void decodesEveryByteStringAsEncoded() {
    Random random = new Random(7);
    for (int i = 0; i < 20_000; i++) {
      byte[] bytes = new byte[random.nextInt(300)];
      random.nextBytes(bytes);
      String encoded = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
      assertThat(CompactJws.decodeCanonical(encoded)).isEqualTo(bytes);
    }
  }

  /** The check before issue 13's change. */
  private static byte[] before(String segment) {
    for (int i = 0; i < segment.length(); i++) {
      if (ALPHABET.indexOf(segment.charAt(i)) < 0) {
        return null;
      }
    }
    if (segment.length() % 4 == 1) {
      return null;
    }
    byte[] bytes = Base64.getUrlDecoder().decode(segment);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).equals(segment)
        ? bytes
        : null;
  }
}
