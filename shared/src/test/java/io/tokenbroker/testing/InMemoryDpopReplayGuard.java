package io.tokenbroker.testing;

import io.tokenbroker.dpop.DpopReplayGuard;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Used DPoP proofs in memory, with the DynamoDB guard's rules: each use carries a random id of its
 * call, so a retried write of the same call (its first answer lost) is still the first use.
 */
public final class InMemoryDpopReplayGuard implements DpopReplayGuard {

  private record Use(String useId, Instant keptUntil) {}

  private final Map<String, Use> used = new ConcurrentHashMap<>();
  private final AtomicInteger lost = new AtomicInteger();
  private final AtomicInteger writes = new AtomicInteger();

  @Override
  public boolean firstUse(String proofId, Instant keepUntil) {
    return write(proofId, new Use(UUID.randomUUID().toString(), keepUntil));
  }

  /** This store through a connection that loses each call's first answer and retries the write. */
  public DpopReplayGuard losingFirstAnswers() {
    return (proofId, keepUntil) -> {
      Use use = new Use(UUID.randomUUID().toString(), keepUntil);
      write(proofId, use);
      lost.incrementAndGet();
      return write(proofId, use);
    };
  }

  public int lostAnswers() {
    return lost.get();
  }

  /** How many writes reached the store. */
  public int writes() {
    return writes.get();
  }

  /** Every kept-until instant, one per proof id. */
  public java.util.List<Instant> keptUntilAll() {
    return used.values().stream().map(Use::keptUntil).toList();
  }

  public Optional<Instant> keptUntil(String proofId) {
    return Optional.ofNullable(used.get(proofId)).map(Use::keptUntil);
  }

  private boolean write(String proofId, Use use) {
    writes.incrementAndGet();
    Use stored = used.putIfAbsent(proofId, use);
    return stored == null || stored.useId().equals(use.useId());
  }
}
