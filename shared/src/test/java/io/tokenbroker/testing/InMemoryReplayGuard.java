package io.tokenbroker.testing;

import io.tokenbroker.auth.AssertionReplayGuard;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Used assertion ids in memory. */
public final class InMemoryReplayGuard implements AssertionReplayGuard {

  private final Set<String> used = ConcurrentHashMap.newKeySet();

  @Override
  public boolean firstUse(String clientId, String jti, Instant expiresAt) {
    return used.add(clientId + "#" + jti);
  }
}
