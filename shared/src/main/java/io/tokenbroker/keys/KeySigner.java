package io.tokenbroker.keys;

import com.nimbusds.jose.JWSSigner;
import io.tokenbroker.errors.ServiceFailure;

/**
 * Port: signs with a key's private half where it lives (KMS). The signer's failures surface as
 * {@link ServiceFailure}, which Nimbus wraps in a {@code JOSEException} as the cause; when the key
 * manager refuses the key itself (disabled, pending deletion, gone, not ours to use), that failure
 * is a {@link io.tokenbroker.errors.SigningKeyRefused}.
 */
@FunctionalInterface
public interface KeySigner {

  /** A Nimbus signer for the key's algorithm that signs inside the key manager. */
  JWSSigner signerFor(SigningKey key);
}
