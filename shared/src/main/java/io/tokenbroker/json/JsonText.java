package io.tokenbroker.json;

/**
 * Writes JSON string literals (RFC 8259 7) for text put together without a JSON library: the
 * authorizer's answer and the log lines. Escapes the quote, the backslash, every control character,
 * U+2028 and U+2029 (line breaks to JavaScript) and any lone surrogate (as {@code \\uD800}, so that
 * a parser reads back the same UTF-16 string instead of a replacement character); the rest as is.
 */
public final class JsonText {

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private JsonText() {}

  /** {@code s} as a JSON string, quotes included, appended to {@code out}. */
  public static StringBuilder string(StringBuilder out, String s) {
    out.append('"');
    int start = 0;
    int length = s.length();
    for (int i = 0; i < length; i++) {
      char c = s.charAt(i);
      if (c >= 0x20
          && c != '"'
          && c != '\\'
          && !Character.isSurrogate(c)
          && c != '\u2028'
          && c != '\u2029') {
        continue;
      }
      if (Character.isHighSurrogate(c)
          && i + 1 < length
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++; // a well-formed pair: as is
        continue;
      }
      out.append(s, start, i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default ->
            out.append("\\u")
                .append(HEX[c >> 12])
                .append(HEX[(c >> 8) & 0xF])
                .append(HEX[(c >> 4) & 0xF])
                .append(HEX[c & 0xF]);
      }
      start = i + 1;
    }
    return out.append(s, start, length).append('"');
  }

  /**
   * JSON text from another writer with each lone surrogate escaped: such a writer (Gson) leaves
   * them raw, and they can only be inside strings, where the escape means the same character.
   */
  public static String escapeLoneSurrogates(String json) {
    StringBuilder out = null;
    int start = 0;
    for (int i = 0; i < json.length(); i++) {
      char c = json.charAt(i);
      if (!Character.isSurrogate(c)) {
        continue;
      }
      if (Character.isHighSurrogate(c)
          && i + 1 < json.length()
          && Character.isLowSurrogate(json.charAt(i + 1))) {
        i++;
        continue;
      }
      if (out == null) {
        out = new StringBuilder(json.length() + 16);
      }
      out.append(json, start, i)
          .append("\\u")
          .append(HEX[c >> 12])
          .append(HEX[(c >> 8) & 0xF])
          .append(HEX[(c >> 4) & 0xF])
          .append(HEX[c & 0xF]);
      start = i + 1;
    }
    return out == null ? json : out.append(json, start, json.length()).toString();
  }

  /** {@code s} as a JSON string, quotes included. */
  public static String string(String s) {
    return string(new StringBuilder(s.length() + 8), s).toString();
  }
}
