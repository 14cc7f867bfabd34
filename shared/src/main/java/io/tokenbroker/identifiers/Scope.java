package io.tokenbroker.identifiers;

/**
 * One scope: an RFC 6749 3.3 scope-token ({@code %x21 / %x23-5B / %x5D-7E}: visible ASCII but
 * {@code "} and {@code \}) of at most {@link #MAX_LENGTH} characters. A client is registered with
 * at most {@link #MAX_PER_CLIENT} distinct scopes, so no token carries more.
 */
public record Scope(String value) {

  public static final int MAX_LENGTH = 128;
  public static final int MAX_PER_CLIENT = 100;

  public Scope {
    if (!isValid(value)) {
      throw new IllegalArgumentException("scope: an RFC 6749 scope token of 1-128 characters");
    }
  }

  public static boolean isValid(String s) {
    if (s == null || s.isEmpty() || s.length() > MAX_LENGTH) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (!isScopeChar(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether {@code text} is a scope list a token can carry: valid scopes separated by single spaces
   * (no empty, leading or trailing token), at most {@link #MAX_PER_CLIENT} of them. One pass over
   * the characters, no split or regex per token: verifiers run it on every token. Duplicates are
   * the caller's to judge (it builds the set anyway).
   */
  public static boolean isList(String text) {
    int tokens = 0;
    int tokenLength = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == ' ') {
        if (tokenLength == 0) {
          return false;
        }
        tokenLength = 0;
      } else if (isScopeChar(c)) {
        if (tokenLength == 0 && ++tokens > MAX_PER_CLIENT) {
          return false;
        }
        if (++tokenLength > MAX_LENGTH) {
          return false;
        }
      } else {
        return false;
      }
    }
    return tokenLength > 0;
  }

  private static boolean isScopeChar(char c) {
    return c == 0x21 || (c >= 0x23 && c <= 0x5B) || (c >= 0x5D && c <= 0x7E);
  }

  @Override
  public String toString() {
    return value;
  }
}
