package io.tokenbroker.verify;

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

  RevocationStatus status(String jti, String clientId, String kid, Optional<String> familyId);
}
