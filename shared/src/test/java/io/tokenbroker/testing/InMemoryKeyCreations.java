package io.tokenbroker.testing;

import io.tokenbroker.keys.KeyCreation;
import io.tokenbroker.keys.KeyCreations;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Key creations in memory. */
public final class InMemoryKeyCreations implements KeyCreations {

  private final Map<String, KeyCreation> creations = new ConcurrentHashMap<>();

  @Override
  public void record(KeyCreation creation) {
    creations.put(creation.creationId(), creation);
  }

  @Override
  public List<KeyCreation> findAll() {
    return List.copyOf(creations.values());
  }

  @Override
  public void forget(String creationId) {
    creations.remove(creationId);
  }
}
