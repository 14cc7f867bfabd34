package io.tokenbroker.jose;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenbroker.errors.RequestRejected;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Issue 13: {@link CompactJws#parse} takes the token's bytes once and decodes each segment with the
 * JDK's URL decoder (padding refused first, the last character's unused bits checked); before, it
 * decoded each segment from the token's characters with its own table ({@link #before}, kept here
 * as it was). On random tokens of the alphabet, near misses (padding, {@code +}, {@code /}, Latin-1
 * and other characters), dots and every length, both give the same parts or the same refusal.
 */
class CompactJwsDifferentialTest {

  private static final String ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  private static final String NEAR = "+/=. \u00e9\u00ff\u0100\u0141\u0000A.";

  @Test
  void sameAsTheCharacterDecoderOnRandomTokens() {
    Random random = new Random(13);
    int accepted = 0;
    for (int i = 0; i < 200_000; i++) {
      StringBuilder token = new StringBuilder();
      for (int segment = 0; segment < 3; segment++) {
        if (segment > 0) {
          token.append('.');
        }
        int length = random.nextInt(random.nextInt(8) == 0 ? 400 : 12);
        if (random.nextBoolean()) {
          length = length / 4 * 4 + 4; // whole groups: the unused bits cannot be set
        }
        for (int c = 0; c < length; c++) {
          token.append(
              random.nextInt(300) == 0
                  ? NEAR.charAt(random.nextInt(NEAR.length()))
                  : ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
      }
      String text = token.toString();
      String expected = outcome(() -> before(text, 10_000));
      String actual = outcome(() -> CompactJws.parse(text, 10_000));
      assertThat(actual).as(text).isEqualTo(expected);
      accepted += expected.startsWith("ok") ? 1 : 0;
    }
    assertThat(accepted).isGreaterThan(20_000);
  }

  private interface Parse {
    CompactJws get();
  }

  private static String outcome(Parse parse) {
    try {
      CompactJws jws = parse.get();
      return "ok "
          + jws.encodedHeader()
          + Arrays.toString(jws.header())
          + Arrays.toString(jws.payload())
          + Arrays.toString(jws.signature())
          + Arrays.toString(jws.signingInput());
    } catch (RequestRejected e) {
      return "refused " + e.rejectionReason();
    }
  }

  /** The parse before this change (its segment decoder as it was). */
  private static CompactJws before(String token, int maxLength) {
    if (token.isEmpty()) {
      throw CompactJws.invalid(JwsReason.TOKEN_EMPTY);
    }
    if (token.length() > maxLength) {
      throw CompactJws.invalid(JwsReason.TOKEN_TOO_LARGE);
    }
    int first = token.indexOf('.');
    int second = first < 0 ? -1 : token.indexOf('.', first + 1);
    if (first < 0 || second < 0) {
      throw CompactJws.invalid(JwsReason.NOT_COMPACT_JWS);
    }
    if (token.indexOf('.', second + 1) >= 0) {
      throw CompactJws.invalid(
          token.chars().filter(c -> c == '.').count() == 4
              ? JwsReason.JWE_NOT_ACCEPTED
              : JwsReason.NOT_COMPACT_JWS);
    }
    if (first == 0 || second == first + 1 || second == token.length() - 1) {
      throw CompactJws.invalid(
          second == token.length() - 1 ? JwsReason.SIGNATURE_MISSING : JwsReason.EMPTY_SEGMENT);
    }
    byte[] header = decode(token, 0, first);
    byte[] payload = decode(token, first + 1, second);
    byte[] signature = decode(token, second + 1, token.length());
    byte[] signingInput = new byte[second];
    for (int i = 0; i < second; i++) {
      signingInput[i] = (byte) token.charAt(i);
    }
    return new CompactJws(token.substring(0, first), header, payload, signature, signingInput);
  }

  private static byte[] decode(String text, int start, int end) {
    int length = end - start;
    if (length % 4 == 1) {
      throw CompactJws.invalid(JwsReason.NON_CANONICAL_BASE64URL);
    }
    int tail = length % 4;
    byte[] bytes = new byte[length / 4 * 3 + (tail == 0 ? 0 : tail - 1)];
    int written = 0;
    int i = start;
    for (int full = end - tail; i < full; i += 4) {
      int group =
          sextet(text.charAt(i)) << 18
              | sextet(text.charAt(i + 1)) << 12
              | sextet(text.charAt(i + 2)) << 6
              | sextet(text.charAt(i + 3));
      if (group < 0) {
        throw CompactJws.invalid(JwsReason.NON_CANONICAL_BASE64URL);
      }
      bytes[written++] = (byte) (group >> 16);
      bytes[written++] = (byte) (group >> 8);
      bytes[written++] = (byte) group;
    }
    if (tail > 0) {
      int group = sextet(text.charAt(i)) << 18 | sextet(text.charAt(i + 1)) << 12;
      if (tail == 3) {
        group |= sextet(text.charAt(i + 2)) << 6;
      }
      if (group < 0 || (group & (tail == 2 ? 0xFFFF : 0xFF)) != 0) {
        throw CompactJws.invalid(JwsReason.NON_CANONICAL_BASE64URL);
      }
      bytes[written++] = (byte) (group >> 16);
      if (tail == 3) {
        bytes[written] = (byte) (group >> 8);
      }
    }
    return bytes;
  }

  /** As the table gave it: -1 (every shift of it negative) for a character not in the alphabet. */
  private static int sextet(char c) {
    return ALPHABET.indexOf(c);
  }
}
