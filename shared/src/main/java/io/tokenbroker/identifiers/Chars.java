package io.tokenbroker.identifiers;

/** Character classes the identifiers are made of. */
final class Chars {

  private Chars() {}

  /** Visible ASCII: 0x21-0x7E (no space, no control, nothing beyond ASCII). */
  static boolean visible(char c) {
    return c >= 0x21 && c <= 0x7E;
  }

  static boolean alphanumeric(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  }

  /** The base64url alphabet (RFC 4648 section 5), without padding. */
  static boolean base64url(char c) {
    return alphanumeric(c) || c == '-' || c == '_';
  }

  /** 1 to {@code max} visible ASCII characters. */
  static boolean visibleRun(String s, int max) {
    if (s == null || s.isEmpty() || s.length() > max) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (!visible(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }
}
