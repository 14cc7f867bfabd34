package io.tokenbroker.testing;

import io.tokenbroker.keys.RotationLock;
import java.time.Instant;

/** The rotation lease in memory. */
public final class InMemoryRotationLock implements RotationLock {

  private String owner;
  private Instant until = Instant.MIN;

  @Override
  public synchronized boolean tryAcquire(String owner, Instant now, Instant until) {
    if (this.owner != null && now.isBefore(this.until)) {
      return false;
    }
    this.owner = owner;
    this.until = until;
    return true;
  }

  @Override
  public synchronized void release(String owner) {
    if (owner.equals(this.owner)) {
      this.owner = null;
    }
  }
}
