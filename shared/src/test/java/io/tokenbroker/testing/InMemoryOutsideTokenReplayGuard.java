package io.tokenbroker.testing;

import io.tokenbroker.federation.OutsideTokenReplayGuard;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Exchanged outside tokens in memory, with the DynamoDB guard's rules: each use carries a random id
 * of its call, so a retried write of the same call (its first answer lost) is still the first use.
 */
public final class InMemoryOutsideTokenReplayGuard implements OutsideTokenReplayGuard {

  private record Use(String useId, Instant keptUntil) {}

  private final Map<String, Use> used = new ConcurrentHashMap<>();
  private final AtomicInteger lost = new AtomicInteger();
  private final AtomicInteger writes = new AtomicInteger();

  @Override
  public boolean firstUse(String tokenId, Instant keepUntil) {
    return write(tokenId, new Use(UUID.randomUUID().toString(), keepUntil));
  }

  /** This store through a connection that loses each call's first answer and retries the write. */
  public OutsideTokenReplayGuard losingFirstAnswers() {
    return (tokenId, keepUntil) -> {
      Use use = new Use(UUID.randomUUID().toString(), keepUntil);
      write(tokenId, use);
      lost.incrementAndGet();
      return write(tokenId, use);
    };
  }

  public int lostAnswers() {
    return lost.get();
  }

  /** How many writes reached the store. */
  public int writes() {
    return writes.get();
  }

  /** Every kept-until instant, one per token id. */
  public java.util.List<Instant> keptUntilAll() {
    return used.values().stream().map(Use::keptUntil).toList();
  }

  public Optional<Instant> keptUntil(String tokenId) {
    return Optional.ofNullable(used.get(tokenId)).map(Use::keptUntil);
  }

  private boolean write(String tokenId, Use use) {
    writes.incrementAndGet();
    Use stored = used.putIfAbsent(tokenId, use);
    return stored == null || stored.useId().equals(use.useId());
  }
}
