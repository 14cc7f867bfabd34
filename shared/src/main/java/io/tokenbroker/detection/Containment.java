package io.tokenbroker.detection;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One automatic containment of a client: the watermark it set, the one it replaced (so an operator
 * can put it back), and whether it has been released.
 *
 * @param clientId the contained client
 * @param containedAt the triggering event's time
 * @param rule the rule whose finding contained it
 * @param watermarkBefore the client's watermark before (none: the client had none)
 * @param watermarkAfter the watermark the containment set (or found already later)
 * @param releasedAt when an operator released it
 */
public record Containment(
    String clientId,
    Instant containedAt,
    String rule,
    Optional<Instant> watermarkBefore,
    Instant watermarkAfter,
    Optional<Instant> releasedAt) {

  public Containment {
    Objects.requireNonNull(clientId, "clientId");
    Objects.requireNonNull(containedAt, "containedAt");
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(watermarkBefore, "watermarkBefore");
    Objects.requireNonNull(watermarkAfter, "watermarkAfter");
    Objects.requireNonNull(releasedAt, "releasedAt");
  }

  public Containment released(Instant at) {
    return new Containment(
        clientId, containedAt, rule, watermarkBefore, watermarkAfter, Optional.of(at));
  }
}
