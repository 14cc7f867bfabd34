package io.tokenbroker.dpop;

import java.time.Duration;
import java.util.Optional;

/**
 * How a deployment checks DPoP proofs.
 *
 * @param maxAge how long after its {@code iat} a proof is accepted (RFC 9449 11.1: seconds or
 *     minutes)
 * @param clockSkew tolerance for the client's clock, both ways: a proof is accepted from {@code iat
 *     - clockSkew} to {@code iat + maxAge + clockSkew}
 * @param nonces the server's nonces (section 8), when the deployment requires them
 */
public record DpopPolicy(Duration maxAge, Duration clockSkew, Optional<DpopNonces> nonces) {

  public DpopPolicy {
    if (maxAge.isNegative() || maxAge.isZero() || clockSkew.isNegative()) {
      throw new IllegalArgumentException("a positive max age and a non-negative skew");
    }
  }
}
