package io.tokenbroker.identifiers;

/**
 * One scope: an RFC 6749 3.3 scope-token ({@code %x21 / %x23-5B / %x5D-7E}: visible ASCII but
 * {@code "} and {@code \}) of at most {@link #MAX_LENGTH} characters. A client is registered with
 * at most {@link #MAX_PER_CLIENT} distinct scopes, so no token carries more. A list of scopes is a
 * {@link ScopeSet}.
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

  /** {@code %x21 / %x23-5B / %x5D-7E}. */
  static boolean isScopeChar(char c) {
    return c == 0x21 || (c >= 0x23 && c <= 0x5B) || (c >= 0x5D && c <= 0x7E);
  }

  @Override
  public String toString() {
    return value;
  }
}
