package io.tokenbroker.json;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.text.ParseException;
import java.util.Map;

/**
 * Strict JSON object parsing (RFC 8259 through Nimbus's parser: no comments, no trailing content,
 * no duplicate member names at the top level), nested at most {@link #MAX_DEPTH} levels. Unlike the
 * parser underneath, the JSON text {@code null} is refused instead of returned as a null map.
 */
public final class Json {

  /**
   * The deepest nesting of objects and arrays accepted, the outermost object counting as 1. What
   * the broker reads nests 6 levels at most (an API Gateway event); Nimbus's parser (its shaded
   * Gson) stops at 255 on its own, and this refuses far earlier, in one pass, whatever a library
   * upgrade changes.
   */
  public static final int MAX_DEPTH = 32;

  private Json() {}

  /** The text nests objects and arrays deeper than allowed. */
  public static final class TooDeep extends ParseException {
    private static final long serialVersionUID = 1L;

    TooDeep(int offset) {
      super("JSON nested deeper than " + MAX_DEPTH, offset);
    }
  }

  /**
   * @throws TooDeep if it nests deeper than {@link #MAX_DEPTH}
   * @throws ParseException if the text is not exactly one JSON object
   */
  public static Map<String, Object> object(String text) throws ParseException {
    requireDepthWithinLimit(text);
    Map<String, Object> object = JSONObjectUtils.parse(text);
    if (object == null) {
      throw new ParseException("not a JSON object", 0);
    }
    return object;
  }

  /**
   * @throws TooDeep if it nests deeper than {@link #MAX_DEPTH}
   * @throws ParseException if the text is not exactly one JSON array
   */
  public static java.util.List<Object> array(String text) throws ParseException {
    requireDepthWithinLimit(text);
    if (!text.strip().startsWith("[")) {
      throw new ParseException("not a JSON array", 0);
    }
    java.util.List<Object> array = com.nimbusds.jose.util.JSONArrayUtils.parse(text);
    if (array == null) {
      throw new ParseException("not a JSON array", 0);
    }
    return array;
  }

  /**
   * Checks the nesting of JSON text without parsing it: counts brackets outside strings. For text
   * another parser reads next (Nimbus's, for a client assertion). Malformed text is left to the
   * parser.
   *
   * @throws TooDeep if it nests deeper than {@link #MAX_DEPTH}
   */
  public static void requireDepthWithinLimit(String text) throws TooDeep {
    int depth = 0;
    boolean inString = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (inString) {
        if (c == '\\') {
          i++;
        } else if (c == '"') {
          inString = false;
        }
      } else if (c == '"') {
        inString = true;
      } else if (c == '{' || c == '[') {
        if (++depth > MAX_DEPTH) {
          throw new TooDeep(i);
        }
      } else if (c == '}' || c == ']') {
        depth--;
      }
    }
  }
}
