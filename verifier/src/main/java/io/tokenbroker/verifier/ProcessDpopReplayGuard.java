package io.tokenbroker.verifier;

import io.tokenbroker.dpop.DpopReplayGuard;
import java.time.Clock;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The verifier's default DPoP replay store: this process's memory. Each proof is accepted once by
 * this process; a service with several instances behind a load balancer needs a shared store
 * ({@link TokenVerifier.Builder#dpopReplayGuard}), or a proof replayed to another instance within
 * its window is accepted there. Uses are forgotten once their proof could no longer be accepted.
 */
final class ProcessDpopReplayGuard implements DpopReplayGuard {

  /** Swept for expired uses every this many writes: the map holds about one window's proofs. */
  private static final int SWEEP_EVERY = 1024;

  private final Map<String, Instant> used = new ConcurrentHashMap<>();
  private final Clock clock;
  private final AtomicInteger writes = new AtomicInteger();

  ProcessDpopReplayGuard(Clock clock) {
    this.clock = clock;
  }

  @Override
  public boolean firstUse(String proofId, Instant keepUntil) {
    if (writes.incrementAndGet() % SWEEP_EVERY == 0) {
      sweep();
    }
    return used.putIfAbsent(proofId, keepUntil) == null;
  }

  /** How many uses are held (for tests). */
  int size() {
    return used.size();
  }

  void sweep() {
    Instant now = clock.instant();
    for (Iterator<Instant> it = used.values().iterator(); it.hasNext(); ) {
      if (it.next().isBefore(now)) {
        it.remove();
      }
    }
  }
}
