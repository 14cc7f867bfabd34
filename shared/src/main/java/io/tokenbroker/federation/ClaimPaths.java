package io.tokenbroker.federation;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A claim's value at a trust policy's path (a top-level name, or a JSON Pointer's reference tokens
 * into nested objects), as the text a condition matches: a string as it is, an integer or a boolean
 * as its JSON text. Anything else (absent, null, an array, an object, a fraction) matches nothing.
 */
final class ClaimPaths {

  private ClaimPaths() {}

  static Optional<String> text(Map<String, Object> claims, List<String> path) {
    Object value = claims;
    for (String name : path) {
      if (!(value instanceof Map<?, ?> object)) {
        return Optional.empty();
      }
      value = object.get(name);
    }
    return switch (value) {
      case String s -> Optional.of(s);
      case Long l -> Optional.of(Long.toString(l));
      case Boolean b -> Optional.of(Boolean.toString(b));
      case null, default -> Optional.empty();
    };
  }
}
