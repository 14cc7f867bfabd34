package io.tokenbroker.revocation;

import io.tokenbroker.errors.ServiceFailure;
import io.tokenbroker.jose.Ancestor;
import io.tokenbroker.verify.RevocationStatus;
import java.util.List;
import java.util.Optional;

/**
 * Port: the revocations table, read side. One strongly consistent read covers the token's jti, its
 * client's watermark, its signing key, (for tokens issued with refresh tokens) its family, and for
 * a token issued by exchange each ancestor's jti, signing key, refresh family (sid) and client
 * watermark (applied to the ancestor's own iat): at most 4 + 4 x 6 = 28 keys.
 *
 * <p>It is the one source of truth for revocation: authorizers, introspection, the revocation
 * endpoint and the refresh grant all decide from it.
 *
 * <p>Every method throws {@link ServiceFailure} if the store cannot be read (callers fail closed).
 */
public interface RevocationStore {

  RevocationStatus status(
      String jti, String clientId, String kid, Optional<String> familyId, List<Ancestor> lineage);

  /** A token without lineage. */
  default RevocationStatus status(
      String jti, String clientId, String kid, Optional<String> familyId) {
    return status(jti, clientId, kid, familyId, List.of());
  }

  /**
   * One strongly consistent read of a token's own records ({@code jti}, and its refresh family if
   * it has one) and, only those asked for, the records many tokens share: its client's watermark
   * ({@code clientId} present) and its signing key's record ({@code kid} present). For a cache that
   * keeps the shared records apart ({@link CachedRevocations}): a new token of a client and key it
   * read lately then costs a read of its own records only, and the shared ones, the same for every
   * token of a fleet, are read once per cache period per container instead of once per new token.
   *
   * <p>A part not asked for is not read: its fields say "not revoked" (no watermark, key not
   * revoked), which only the caller that left it out can interpret. Honeytoken marks come from the
   * token's own records, so they are always read. For tokens without lineage.
   */
  RevocationStatus ownStatus(
      String jti, Optional<String> familyId, Optional<String> clientId, Optional<String> kid);

  /**
   * What the store says about a refresh-token family: its own record and its client's watermark (a
   * family started before the watermark is revoked), in one strongly consistent read. Decide with
   * {@link RevocationStatus#reasonFor} and the family's start.
   */
  RevocationStatus familyStatus(String clientId, String familyId);
}
