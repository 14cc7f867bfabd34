package io.tokenbroker.verify;

import io.tokenbroker.jose.Actor;
import io.tokenbroker.jose.Ancestor;
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
 * @param actor who acts for the subject ({@code act}, RFC 8693 4.1), if the token is delegated
 * @param lineage the broker tokens it was exchanged from ({@code lineage}), oldest first
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
    Optional<Confirmation> confirmation,
    Optional<Actor> actor,
    List<Ancestor> lineage) {

  public VerifiedToken {
    lineage = List.copyOf(lineage);
  }

  /** A token not issued by exchange of a broker token: no act, no lineage. */
  public VerifiedToken(
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
    this(
        jti,
        subject,
        clientId,
        scopes,
        audiences,
        issuedAt,
        expiresAt,
        notBefore,
        kid,
        sessionId,
        confirmation,
        Optional.empty(),
        List.of());
  }

  /** How many actors the {@code act} chain names: 0 for a token nobody acts with for another. */
  public int delegationDepth() {
    return actor.map(Actor::depth).orElse(0);
  }

  /** A bearer token: no {@code cnf}, usable by whoever holds it. */
  public boolean isBearer() {
    return confirmation.isEmpty();
  }
}
