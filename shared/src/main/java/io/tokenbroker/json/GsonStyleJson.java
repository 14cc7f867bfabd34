package io.tokenbroker.json;

import java.util.Collection;
import java.util.Map;

/**
 * Writes a map as Nimbus's {@code JSONObjectUtils.toJSONString} writes it (its Gson: compact, nulls
 * written, no HTML escaping), character for character, without building that Gson (issue 13: the
 * HTTP functions' answers in a cold start). Strings are escaped as Gson escapes them: the quote,
 * the backslash, {@code \t \b \n \r \f} short, every other control character as a lower-case {@code
 * \\u00XX}, U+2028 and U+2029; the rest as is, lone surrogates too (unlike {@link JsonText}, which
 * escapes those: the answers stay what they were). {@code GsonStyleJsonTest} holds it to Nimbus's
 * output.
 */
public final class GsonStyleJson {

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private GsonStyleJson() {}

  /**
   * The map as JSON text, or null if a value is of a type this does not write as Gson does
   * (anything but strings, booleans, null, integral boxed numbers, maps with string keys and
   * collections of those): the caller then lets Nimbus write it.
   */
  public static String write(Map<String, ?> map) {
    StringBuilder out = new StringBuilder(128);
    return object(out, map) ? out.toString() : null;
  }

  private static boolean object(StringBuilder out, Map<?, ?> map) {
    out.append('{');
    boolean first = true;
    for (Map.Entry<?, ?> member : map.entrySet()) {
      if (!(member.getKey() instanceof String name)) {
        return false;
      }
      if (!first) {
        out.append(',');
      }
      first = false;
      string(out, name).append(':');
      if (!value(out, member.getValue())) {
        return false;
      }
    }
    out.append('}');
    return true;
  }

  private static boolean value(StringBuilder out, Object value) {
    switch (value) {
      case null -> out.append("null");
      case String s -> string(out, s);
      case Boolean b -> out.append(b.booleanValue());
      case Long n -> out.append(n.longValue());
      case Integer n -> out.append(n.intValue());
      case Short n -> out.append(n.shortValue());
      case Byte n -> out.append(n.byteValue());
      case Map<?, ?> map -> {
        return object(out, map);
      }
      case Collection<?> list -> {
        out.append('[');
        boolean first = true;
        for (Object element : list) {
          if (!first) {
            out.append(',');
          }
          first = false;
          if (!value(out, element)) {
            return false;
          }
        }
        out.append(']');
      }
      default -> {
        return false;
      }
    }
    return true;
  }

  private static StringBuilder string(StringBuilder out, String s) {
    out.append('"');
    int start = 0;
    int length = s.length();
    for (int i = 0; i < length; i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c != '"' && c != '\\' && c != '\u2028' && c != '\u2029') {
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
}
