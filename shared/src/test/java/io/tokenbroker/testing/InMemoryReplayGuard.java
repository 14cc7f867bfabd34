package io.tokenbroker.testing;

import io.tokenbroker.auth.AssertionReplayGuard;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Used assertion ids in memory, with the DynamoDB guard's rules: each use carries a random id of
 * its call, so a retried write of the same call (its first answer lost) is still the first use.
 */
public final class InMemoryReplayGuard implements AssertionReplayGuard {

  private record Use(String useId, Instant keptUntil) {}

  private final Map<String, Use> used = new ConcurrentHashMap<>();
  private final AtomicInteger lost = new AtomicInteger();

  @Override
  public boolean firstUse(String clientId, String jti, Instant expiresAt) {
    return write(clientId, jti, new Use(UUID.randomUUID().toString(), expiresAt));
  }

  /**
   * This store, reached through a connection that loses the answer to each call's first write and
   * retries it, as the AWS SDK does after an attempt timeout.
   */
  public AssertionReplayGuard losingFirstAnswers() {
    return (clientId, jti, expiresAt) -> {
      Use use = new Use(UUID.randomUUID().toString(), expiresAt);
      write(clientId, jti, use);
      lost.incrementAndGet();
      return write(clientId, jti, use);
    };
  }

  /** How many answers {@link #losingFirstAnswers()} has lost. */
  public int lostAnswers() {
    return lost.get();
  }

  /** Until when the use is kept (the assertion's expiry), if there is one. */
  public Optional<Instant> keptUntil(String clientId, String jti) {
    return Optional.ofNullable(used.get(clientId + "#" + jti)).map(Use::keptUntil);
  }

  private boolean write(String clientId, String jti, Use use) {
    Use stored = used.putIfAbsent(clientId + "#" + jti, use);
    return stored == null || stored.useId().equals(use.useId());
  }
}
