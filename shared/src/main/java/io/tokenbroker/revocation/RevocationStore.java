package io.tokenbroker.revocation;

import io.tokenbroker.errors.ServiceFailure;
import java.time.Instant;
import java.util.Optional;

/**
 * Port: the revocations table, read side. One strongly consistent read covers the token's jti, its
 * client's watermark, its signing key and (for tokens issued with refresh tokens) its family.
 *
 * <p>Both methods throw {@link ServiceFailure} if the store cannot be read (callers fail closed).
 */
public interface RevocationStore {

  RevocationStatus status(String jti, String clientId, String kid, Optional<String> familyId);

  /** Tokens of this client issued before the returned instant are revoked. */
  Optional<Instant> clientWatermark(String clientId);
}
