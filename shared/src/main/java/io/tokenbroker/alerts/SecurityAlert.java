package io.tokenbroker.alerts;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Something an on-call engineer must hear about: a honeytoken used, a leak reported, an anomaly
 * detected, a client contained. The evidence is what was seen (hashes, jtis, networks, counts,
 * reason names), never a token, secret or ARN.
 *
 * @param kind what happened
 * @param clientId the client it concerns, if one is known
 * @param occurredAt when it was seen (the triggering event's time, not the alert's)
 * @param evidence flat name/value pairs, in the order they read best
 */
public record SecurityAlert(
    AlertKind kind, Optional<String> clientId, Instant occurredAt, Map<String, String> evidence) {

  public SecurityAlert {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(clientId, "clientId");
    Objects.requireNonNull(occurredAt, "occurredAt");
    evidence = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(evidence));
  }
}
