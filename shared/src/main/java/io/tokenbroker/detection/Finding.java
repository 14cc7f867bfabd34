package io.tokenbroker.detection;

import io.tokenbroker.detection.DetectionRules.Rule;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A rule that fired for a client: which, when (the event's time), whether it may contain, and the
 * evidence (counts, networks, reason names, a jti; never a token or an address beyond its network).
 */
public record Finding(
    Rule rule, String clientId, Instant at, boolean containable, Map<String, String> evidence) {

  public Finding {
    evidence = Collections.unmodifiableMap(new LinkedHashMap<>(evidence));
  }
}
