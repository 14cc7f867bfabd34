package io.tokenbroker.json;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.text.ParseException;
import java.util.Map;

/**
 * Strict JSON object parsing (RFC 8259 through Nimbus's parser: no comments, no trailing content,
 * no duplicate member names at the top level). Unlike the parser underneath, the JSON text {@code
 * null} is refused instead of returned as a null map.
 */
public final class Json {

  private Json() {}

  /**
   * @throws ParseException if the text is not exactly one JSON object
   */
  public static Map<String, Object> object(String text) throws ParseException {
    Map<String, Object> object = JSONObjectUtils.parse(text);
    if (object == null) {
      throw new ParseException("not a JSON object", 0);
    }
    return object;
  }
}
