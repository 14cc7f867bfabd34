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
 * <p>Both methods throw {@link ServiceFailure} if the store cannot be read (callers fail closed).
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
   * What the store says about a refresh-token family: its own record and its client's watermark (a
   * family started before the watermark is revoked), in one strongly consistent read. Decide with
   * {@link RevocationStatus#reasonFor} and the family's start.
   */
  RevocationStatus familyStatus(String clientId, String familyId);
}
