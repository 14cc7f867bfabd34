package io.tokenbroker.tokens;

import java.util.Collections;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a token issued by token exchange (RFC 8693) was exchanged from, kept in its issuance record
 * so that an operator can answer "which CI job got this token" and "whose token did this agent act
 * with".
 *
 * @param outsideIdentity the outside token that authenticated the client (federation), if any
 * @param parentJti the broker token exchanged (down-scoping, delegation), if any: the new token is
 *     revoked with it
 * @param actorChain the issued token's {@code act} claim (RFC 8693 4.1) as compact JSON, if any
 */
public record ExchangedFrom(
    Optional<OutsideIdentity> outsideIdentity,
    Optional<String> parentJti,
    Optional<String> actorChain) {

  /**
   * An outside identity: the issuer and subject of a token the broker verified under a client's
   * trust policy, the claims the policy matched, and the token's SHA-256 (never the token).
   */
  public record OutsideIdentity(
      String issuer, String subject, SortedMap<String, String> matchedClaims, String tokenSha256) {

    public OutsideIdentity {
      matchedClaims = Collections.unmodifiableSortedMap(new TreeMap<>(matchedClaims));
    }
  }
}
