package io.tokenbroker.keys;

import io.tokenbroker.errors.ServiceFailure;
import io.tokenbroker.errors.SigningKeyRefused;

/**
 * Port: signs with a key's private half where it lives (KMS). It signs bytes and returns bytes, so
 * its failures reach the caller as they are, not inside a JOSE library's exception.
 */
@FunctionalInterface
public interface KeySigner {

  /**
   * The JWS signature of {@code signingInput} (the ASCII of {@code header.payload}) with {@code
   * key}'s algorithm: for RS256 the RSASSA-PKCS1-v1_5 signature, for ES256 the fixed-length r||s
   * form of RFC 7518 3.4 (never DER).
   *
   * @throws SigningKeyRefused if the key manager refuses the key itself (disabled, pending
   *     deletion, gone, not ours to use): another key may still sign
   * @throws ServiceFailure if the key manager failed or could not be reached
   * @throws IllegalArgumentException if the key's algorithm is not one the signer supports
   */
  byte[] sign(SigningKey key, byte[] signingInput);
}
