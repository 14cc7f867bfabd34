package io.tokenbroker.verify;

import io.tokenbroker.jose.Confirmation;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;

/**
 * An access token that passed every check: its facts, ready for authorization decisions.
 *
 * @param sessionId the refresh-token family it was issued in ({@code sid}), if any
 * @param confirmation what the token is bound to ({@code cnf}), if it is sender-constrained: a
 *     caller that does not check the proof must refuse such a token
 */
public record VerifiedToken(
    String jti,
    String subject,
    String clientId,
    SortedSet<String> scopes,
    List<String> audiences,
    Instant issuedAt,
    Instant expiresAt,
    Instant notBefore,
    String kid,
    Optional<String> sessionId,
    Optional<Confirmation> confirmation) {

  /** A bearer token: no {@code cnf}, usable by whoever holds it. */
  public boolean isBearer() {
    return confirmation.isEmpty();
  }
}
