package io.tokenbroker.keys;

import com.nimbusds.jose.JWSSigner;
import io.tokenbroker.errors.ServiceFailure;

/**
 * Port: signs with a key's private half where it lives (KMS). The signer's failures surface as
 * {@link ServiceFailure}, which Nimbus wraps in a {@code JOSEException} as the cause.
 */
@FunctionalInterface
public interface KeySigner {

  /** A Nimbus signer for the key's algorithm that signs inside the key manager. */
  JWSSigner signerFor(SigningKey key);
}
