package io.tokenbroker.adapters.dynamodb;

import java.util.HashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The attribute values of one item while the Enhanced Client reads it, before they become a domain
 * record. Lets immutable records map through {@code StaticImmutableTableSchema} without a
 * hand-written builder per record and without reflection.
 */
final class ItemFields {

  private final Map<String, Object> values = new HashMap<>();

  /** A setter for the schema builder that stores the attribute under {@code name}. */
  static <T> BiConsumer<ItemFields, T> setter(String name) {
    return (fields, value) -> fields.values.put(name, value);
  }

  /** The attribute's value, or null if the item has none. */
  @SuppressWarnings("unchecked")
  <T> T get(String name) {
    return (T) values.get(name);
  }
}
