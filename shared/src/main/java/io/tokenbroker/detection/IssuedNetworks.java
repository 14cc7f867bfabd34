package io.tokenbroker.detection;

import java.util.Optional;

/**
 * Port: where a token was issued to, by its jti (the issuance record's {@code source_ip}).
 *
 * @throws io.tokenbroker.errors.ServiceFailure (retryable) when the issuances cannot be read
 */
@FunctionalInterface
public interface IssuedNetworks {

  /** The source address the token was issued to, if the token is recorded and the address known. */
  Optional<String> sourceIpOf(String jti);
}
