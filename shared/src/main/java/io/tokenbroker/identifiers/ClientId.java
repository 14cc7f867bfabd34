package io.tokenbroker.identifiers;

/**
 * A client id: 1-128 of {@code A-Z a-z 0-9 . _ : -}, starting alphanumeric. Registration accepts
 * only these, so the token endpoint mints only these into {@code client_id}, and verifiers refuse
 * any other.
 */
public record ClientId(String value) {

  public static final int MAX_LENGTH = 128;

  public ClientId {
    if (!isValid(value)) {
      throw new IllegalArgumentException(
          "client id: 1-128 of A-Z a-z 0-9 . _ : -, starting alphanumeric");
    }
  }

  public static boolean isValid(String s) {
    if (s == null || s.isEmpty() || s.length() > MAX_LENGTH || !Chars.alphanumeric(s.charAt(0))) {
      return false;
    }
    for (int i = 1; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!Chars.alphanumeric(c) && c != '.' && c != '_' && c != ':' && c != '-') {
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
