package io.tokenbroker.revocation;

import io.tokenbroker.errors.ServiceFailure;

/**
 * Port: the revocations table, read side. One strongly consistent read covers the token's jti, its
 * client's watermark and its signing key.
 */
public interface RevocationStore {

  /**
   * @throws ServiceFailure if the store cannot be read (callers fail closed)
   */
  RevocationStatus status(String jti, String clientId, String kid);
}
