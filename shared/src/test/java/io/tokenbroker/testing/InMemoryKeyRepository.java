package io.tokenbroker.testing;

import io.tokenbroker.keys.KeyConflict;
import io.tokenbroker.keys.KeyRepository;
import io.tokenbroker.keys.SigningKey;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** The key table in memory, with the same conditional, all-or-nothing writes as DynamoDB. */
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
    write(List.of(key), List.of());
  }

  @Override
  public synchronized void write(List<SigningKey> created, List<SigningKey> updated) {
    for (SigningKey key : created) {
      if (keys.containsKey(key.kid())) {
        throw new KeyConflict(key.kid());
      }
    }
    for (SigningKey key : updated) {
      SigningKey current = keys.get(key.kid());
      if (current == null || current.version() != key.version() - 1) {
        throw new KeyConflict(key.kid());
      }
    }
    created.forEach(k -> keys.put(k.kid(), k));
    updated.forEach(k -> keys.put(k.kid(), k));
  }

  /** How many times the table was read. */
  public int reads() {
    return reads.get();
  }
}
