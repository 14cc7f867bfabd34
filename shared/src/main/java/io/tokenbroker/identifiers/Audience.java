package io.tokenbroker.identifiers;

/**
 * One {@code aud} value (a resource identifier): 1-256 visible ASCII characters (no space), as
 * registration allows; a token names at most {@link #MAX_PER_TOKEN}.
 */
public record Audience(String value) {

  public static final int MAX_LENGTH = 256;

  /** The most audiences one token request may ask for, so the most a token carries. */
  public static final int MAX_PER_TOKEN = 10;

  public Audience {
    if (!isValid(value)) {
      throw new IllegalArgumentException("audience: 1-256 printable characters without spaces");
    }
  }

  public static boolean isValid(String s) {
    return Chars.visibleRun(s, MAX_LENGTH);
  }

  @Override
  public String toString() {
    return value;
  }
}
