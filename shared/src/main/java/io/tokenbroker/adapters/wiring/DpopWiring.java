package io.tokenbroker.adapters.wiring;

import io.tokenbroker.adapters.dynamodb.BrokerTables;
import io.tokenbroker.config.DpopConfig;
import io.tokenbroker.dpop.DpopPolicy;
import io.tokenbroker.dpop.DpopProofVerifier;
import io.tokenbroker.dpop.SlotNonces;
import java.time.Clock;
import java.time.Duration;

/**
 * The DPoP proof verifier over AWS, for any function that checks proofs (the token function; the
 * authorizer): single use in the assertions table (dynamodb:PutItem on it), and, when nonces are
 * required, kms:GenerateMac on the nonce key, once per nonce slot per container.
 */
public final class DpopWiring {

  private DpopWiring() {}

  public static DpopProofVerifier verifier(
      BrokerAdapters adapters,
      DpopConfig dpop,
      Duration clockSkew,
      BrokerTables tables,
      Clock clock) {
    return new DpopProofVerifier(
        new DpopPolicy(
            dpop.proofMaxAge(),
            clockSkew,
            dpop.nonceKeyId()
                .<io.tokenbroker.dpop.DpopNonces>map(
                    key ->
                        new SlotNonces(
                            adapters.nonceMac(key),
                            clock,
                            dpop.nonceLifetime(),
                            SlotNonces.Server.AUTHORIZATION))),
        adapters.dpopReplayGuard(tables.assertions(), clockSkew),
        clock);
  }
}
