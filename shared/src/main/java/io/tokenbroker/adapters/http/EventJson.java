package io.tokenbroker.adapters.http;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Typed reads of an event's JSON that both payload versions share; wrong types fail to parse. */
final class EventJson {

  private EventJson() {}

  static String body(Map<String, Object> event) throws ParseException {
    Optional<String> body = string(event, "body");
    if (body.isEmpty()) {
      return "";
    }
    if (Boolean.TRUE.equals(event.get("isBase64Encoded"))) {
      return new String(Base64.getDecoder().decode(body.get()), StandardCharsets.UTF_8);
    }
    return body.get();
  }

  static Map<String, Object> object(Map<String, Object> json, String name) throws ParseException {
    Object value = json.get(name);
    if (value == null) {
      return Map.of();
    }
    return JSONObjectUtils.getJSONObject(json, name);
  }

  static Optional<String> string(Map<String, Object> json, String name) throws ParseException {
    return Optional.ofNullable(JSONObjectUtils.getString(json, name));
  }

  static Map<String, List<String>> singleValues(Map<String, Object> json, String name)
      throws ParseException {
    Map<String, List<String>> values = new LinkedHashMap<>();
    for (Map.Entry<String, Object> entry : object(json, name).entrySet()) {
      if (entry.getValue() instanceof String value) {
        values.put(entry.getKey(), List.of(value));
      } else if (entry.getValue() != null) {
        throw new ParseException("not a string: " + name, 0);
      }
    }
    return values;
  }
}
