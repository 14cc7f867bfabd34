package io.tokenbroker.verifier;

import io.tokenbroker.jose.Actor;
import java.time.Instant;
import java.util.Collections;
import java.util.Optional;
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
 * @param actor who acts for the subject ({@code act}, RFC 8693 4.1), if the token is delegated:
 *     then {@code clientId} is the acting client and {@code subject} whom it acts for
 */
public record Principal(
    String subject,
    String clientId,
    SortedSet<String> scopes,
    String jti,
    Instant expiresAt,
    Optional<Actor> actor) {

  public Principal {
    scopes = Collections.unmodifiableSortedSet(new TreeSet<>(scopes));
  }

  /** A principal of a token nobody acts with for another. */
  public Principal(
      String subject, String clientId, SortedSet<String> scopes, String jti, Instant expiresAt) {
    this(subject, clientId, scopes, jti, expiresAt, Optional.empty());
  }
}
