package io.tokenbroker.adapters.http;

import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Typed reads of an event's JSON that both payload versions share; wrong types fail to parse. As
 * Nimbus's {@code JSONObjectUtils} getters read them (null or absent is absent, any other type
 * fails), without touching that class: its first use builds Nimbus's Gson.
 */
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

  @SuppressWarnings("unchecked")
  static Map<String, Object> object(Map<String, Object> json, String name) throws ParseException {
    Object value = json.get(name);
    if (value == null) {
      return Map.of();
    }
    if (!(value instanceof Map<?, ?> map)) {
      throw new ParseException("not an object: " + name, 0);
    }
    for (Object key : map.keySet()) {
      if (!(key instanceof String)) {
        throw new ParseException("not an object: " + name, 0);
      }
    }
    return (Map<String, Object>) map;
  }

  static Optional<String> string(Map<String, Object> json, String name) throws ParseException {
    Object value = json.get(name);
    if (value == null) {
      return Optional.empty();
    }
    if (!(value instanceof String string)) {
      throw new ParseException("not a string: " + name, 0);
    }
    return Optional.of(string);
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
