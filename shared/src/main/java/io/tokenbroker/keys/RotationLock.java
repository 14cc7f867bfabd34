package io.tokenbroker.keys;

import io.tokenbroker.errors.ServiceFailure;
import java.time.Instant;

/**
 * Port: a lease that lets one key-lifecycle run (scheduled or operator) work at a time. A run that
 * dies holding it only delays the next run until the lease expires.
 *
 * <p>Both methods throw {@link ServiceFailure} when the store fails.
 */
public interface RotationLock {

  /** Takes the lease for {@code owner} until {@code until}, if nobody holds an unexpired one. */
  boolean tryAcquire(String owner, Instant now, Instant until);

  /** Gives the lease up, if {@code owner} still holds it. */
  void release(String owner);
}
