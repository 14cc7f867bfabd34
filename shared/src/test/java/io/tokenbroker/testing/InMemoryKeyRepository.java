package io.tokenbroker.testing;

import io.tokenbroker.keys.KeyConflict;
import io.tokenbroker.keys.KeyRepository;
import io.tokenbroker.keys.SigningKey;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** The key table in memory, with the same conditional-write rules as the DynamoDB adapter. */
public final class InMemoryKeyRepository implements KeyRepository {

  private final Map<String, SigningKey> keys = new ConcurrentHashMap<>();
  private final AtomicInteger reads = new AtomicInteger();

  @Override
  public List<SigningKey> findAll() {
    reads.incrementAndGet();
    return List.copyOf(keys.values());
  }

  @Override
  public Optional<SigningKey> find(String kid) {
    reads.incrementAndGet();
    return Optional.ofNullable(keys.get(kid));
  }

  @Override
  public void create(SigningKey key) {
    if (keys.putIfAbsent(key.kid(), key) != null) {
      throw new KeyConflict(key.kid());
    }
  }

  @Override
  public synchronized void update(SigningKey updated) {
    SigningKey current = keys.get(updated.kid());
    if (current == null || current.version() != updated.version() - 1) {
      throw new KeyConflict(updated.kid());
    }
    keys.put(updated.kid(), updated);
  }

  /** How many times the table was read. */
  public int reads() {
    return reads.get();
  }
}
