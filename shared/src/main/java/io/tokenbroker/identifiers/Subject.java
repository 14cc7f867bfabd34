package io.tokenbroker.identifiers;

/** A token's {@code sub}: 1-256 visible ASCII characters (no space), as registration allows. */
public record Subject(String value) {

  public static final int MAX_LENGTH = 256;

  public Subject {
    if (!isValid(value)) {
      throw new IllegalArgumentException("subject: 1-256 printable characters without spaces");
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
