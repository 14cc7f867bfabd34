package io.tokenbroker.testing;

import io.tokenbroker.adapters.http.Form;

/** Form bodies of an exact size, for tests of the body-size limit at its boundary. */
public final class FormBodies {

  private FormBodies() {}

  /**
   * {@code body} followed by parameters no endpoint reads ({@code p0=xxx&p1=xxx...}), each within
   * {@link Form}'s limits, to exactly {@code length} characters.
   */
  public static String padded(String body, int length) {
    StringBuilder padded = new StringBuilder(body);
    for (int i = 0; padded.length() < length; i++) {
      String name = "&p" + i + "=";
      int room = length - padded.length() - name.length();
      if (room < 1) {
        // Too little room for a value: a parameter name alone, which counts as omitted.
        padded.append('&').append("q".repeat(length - padded.length() - 1));
      } else {
        padded.append(name).append("x".repeat(Math.min(room, Form.MAX_VALUE_LENGTH)));
      }
    }
    if (padded.length() != length) {
      throw new IllegalArgumentException("body longer than " + length);
    }
    return padded.toString();
  }
}
