package io.tokenbroker.verify;

import io.tokenbroker.jose.Ancestor;
import java.util.List;
import java.util.Optional;

/**
 * Port: what the verifier asks last, whether a token it has otherwise accepted is revoked. It owns
 * this port so that verifying depends on no revocation store; implementations decide how fresh an
 * answer is (the revocation package's cache bounds it).
 *
 * <p>Throws {@link io.tokenbroker.errors.ServiceFailure} when the answer cannot be had (the
 * verifier fails closed).
 */
public interface RevocationCheck {

  /**
   * @param lineage the tokens it was exchanged from ({@code lineage}): each one's jti, signing key,
   *     refresh family and its client's watermark (at its own iat) count too
   */
  RevocationStatus status(
      String jti, String clientId, String kid, Optional<String> familyId, List<Ancestor> lineage);

  /** A token without lineage. */
  default RevocationStatus status(
      String jti, String clientId, String kid, Optional<String> familyId) {
    return status(jti, clientId, kid, familyId, List.of());
  }
}
