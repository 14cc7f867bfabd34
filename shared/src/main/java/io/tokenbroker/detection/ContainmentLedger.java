package io.tokenbroker.detection;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Port: the detector's record of containments and the broker-wide cap on them (in AWS: the detector
 * table). Every detector container writes here with conditional writes, so concurrent containers
 * agree on the cap and on each client's cool-down.
 *
 * @throws io.tokenbroker.errors.ServiceFailure (retryable) from every method when the store fails
 */
public interface ContainmentLedger {

  /** The client's latest containment, released or not. */
  Optional<Containment> latest(String clientId);

  /** Every client's latest containment, newest first. */
  List<Containment> list();

  /**
   * Takes one of the {@code cap} slots of the rolling {@code window} for a containment at {@code
   * at}: a slot is free when its last use is at least {@code window} before {@code at}. Atomic
   * across containers.
   *
   * @return false if all {@code cap} slots were used within the window (nothing taken)
   */
  boolean takeSlot(Instant at, Duration window, int cap, String clientId);

  /**
   * Records a containment if the client's latest one is at least {@code coolDown} older (or there
   * is none). Atomic across containers.
   *
   * @return false if a containment within the cool-down is recorded (nothing written)
   */
  boolean record(Containment containment, Duration coolDown);

  /**
   * Marks the client's containment at {@code containedAt} released.
   *
   * @return false if that containment is not the latest, or is released already
   */
  boolean release(String clientId, Instant containedAt, Instant releasedAt);
}
