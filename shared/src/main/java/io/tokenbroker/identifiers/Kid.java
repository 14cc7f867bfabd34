package io.tokenbroker.identifiers;

/**
 * A key id a token's header may name: 1-128 of {@code A-Z a-z 0-9 _ -}. The broker's own kids are
 * RFC 7638 thumbprints (43 base64url characters), within this.
 */
public record Kid(String value) {

  public static final int MAX_LENGTH = 128;

  public Kid {
    if (!isValid(value)) {
      throw new IllegalArgumentException("kid: 1-128 of A-Z a-z 0-9 _ -");
    }
  }

  public static boolean isValid(String s) {
    if (s == null || s.isEmpty() || s.length() > MAX_LENGTH) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (!Chars.base64url(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return value;
  }
}
