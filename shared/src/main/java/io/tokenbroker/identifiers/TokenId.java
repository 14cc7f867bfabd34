package io.tokenbroker.identifiers;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * An identifier the broker mints for a token ({@code jti}) or a refresh-token family ({@code sid}):
 * 128 random bits, base64url without padding: exactly 22 characters, the last of which holds 2 bits
 * and 4 zero bits (one of {@code A Q g w}), so each value has one spelling.
 */
public record TokenId(String value) {

  public static final int LENGTH = 22;
  private static final int BYTES = 16;

  public TokenId {
    if (!isValid(value)) {
      throw new IllegalArgumentException("token id: 128 bits, base64url, 22 characters");
    }
  }

  /** A fresh one from {@code random}. */
  public static TokenId random(SecureRandom random) {
    byte[] bytes = new byte[BYTES];
    random.nextBytes(bytes);
    return new TokenId(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
  }

  public static boolean isValid(String s) {
    if (s == null || s.length() != LENGTH) {
      return false;
    }
    for (int i = 0; i < LENGTH - 1; i++) {
      if (!Chars.base64url(s.charAt(i))) {
        return false;
      }
    }
    // 22 characters carry 132 bits; the last character's low 4 bits are padding and must be 0.
    char last = s.charAt(LENGTH - 1);
    return last == 'A' || last == 'Q' || last == 'g' || last == 'w';
  }

  @Override
  public String toString() {
    return value;
  }
}
