package io.tokenbroker.clients;

import java.text.ParseException;
import java.util.List;
import java.util.Map;

/**
 * Nimbus's {@code JSONObjectUtils} getters, as they behave (the same results, the same exceptions
 * and messages), without touching that class: its first use builds Nimbus's Gson, about 160 classes
 * and reflection in a cold start (issue 13). {@code JsonMembersTest} holds each to Nimbus's.
 */
final class JsonMembers {

  private JsonMembers() {}

  private static <T> T generic(Map<String, Object> o, String key, Class<T> type)
      throws ParseException {
    Object value = o.get(key);
    if (value == null) {
      return null;
    }
    if (!type.isAssignableFrom(value.getClass())) {
      throw new ParseException("Unexpected type of JSON object member " + key, 0);
    }
    return type.cast(value);
  }

  static String getString(Map<String, Object> o, String key) throws ParseException {
    return generic(o, key, String.class);
  }

  static boolean getBoolean(Map<String, Object> o, String key) throws ParseException {
    Boolean value = generic(o, key, Boolean.class);
    if (value == null) {
      throw new ParseException("JSON object member " + key + " is missing or null", 0);
    }
    return value;
  }

  static long getLong(Map<String, Object> o, String key) throws ParseException {
    Number value = generic(o, key, Number.class);
    if (value == null) {
      throw new ParseException("JSON object member " + key + " is missing or null", 0);
    }
    return value.longValue();
  }

  @SuppressWarnings("unchecked")
  static List<Object> getJSONArray(Map<String, Object> o, String key) throws ParseException {
    return generic(o, key, List.class);
  }

  static String[] getStringArray(Map<String, Object> o, String key) throws ParseException {
    List<Object> list = getJSONArray(o, key);
    if (list == null) {
      return null;
    }
    try {
      return list.toArray(new String[0]);
    } catch (ArrayStoreException e) {
      throw new ParseException("JSON object member " + key + " is not an array of strings", 0);
    }
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> getJSONObject(Map<String, Object> o, String key)
      throws ParseException {
    Map<?, ?> value = generic(o, key, Map.class);
    if (value == null) {
      return null;
    }
    for (Object name : value.keySet()) {
      if (!(name instanceof String)) {
        throw new ParseException("JSON object member " + key + " not a JSON object", 0);
      }
    }
    return (Map<String, Object>) value;
  }
}
