package io.tokenbroker.verifier;

import java.time.Instant;
import java.util.Collections;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Who called, from a token that passed every check: what a handler may use for its own decisions
 * and logs. Holds no token.
 *
 * @param subject {@code sub}: the workload the token was issued to
 * @param clientId {@code client_id}: the registered client that asked for it
 * @param scopes {@code scope}, as a set
 * @param jti {@code jti}: the token's id (safe to log; the token itself is not)
 * @param expiresAt {@code exp}
 */
public record Principal(
    String subject, String clientId, SortedSet<String> scopes, String jti, Instant expiresAt) {

  public Principal {
    scopes = Collections.unmodifiableSortedSet(new TreeSet<>(scopes));
  }
}
