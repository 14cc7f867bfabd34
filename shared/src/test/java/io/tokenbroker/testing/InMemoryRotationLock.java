package io.tokenbroker.testing;

import io.tokenbroker.keys.RotationLock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

/** The rotation lease in memory, with the DynamoDB lease's rules. */
public final class InMemoryRotationLock implements RotationLock {

  private String owner;
  private Instant until = Instant.MIN;
  private final AtomicInteger lost = new AtomicInteger();

  @Override
  public synchronized boolean tryAcquire(String owner, Instant now, Instant until) {
    if (this.owner != null && !this.until.isBefore(now)) {
      // Held, as the DynamoDB lease's condition (expires_at < now) sees it: still at its end. The
      // holder itself is told it holds it (a retried put whose answer was lost), unchanged.
      return owner.equals(this.owner);
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

  /**
   * This lease, reached through a connection that loses the answer to each first write and retries
   * it, as the AWS SDK does after an attempt timeout.
   */
  public RotationLock losingFirstAnswers() {
    return new RotationLock() {
      @Override
      public boolean tryAcquire(String owner, Instant now, Instant until) {
        InMemoryRotationLock.this.tryAcquire(owner, now, until);
        lost.incrementAndGet();
        return InMemoryRotationLock.this.tryAcquire(owner, now, until);
      }

      @Override
      public void release(String owner) {
        InMemoryRotationLock.this.release(owner);
      }
    };
  }

  /** How many answers {@link #losingFirstAnswers()} has lost. */
  public int lostAnswers() {
    return lost.get();
  }
}
