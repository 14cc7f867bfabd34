package io.tokenbroker.verify;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;

/**
 * The cryptographic check alone: does {@code signature} over {@code signingInput} verify with
 * {@code key} under {@code alg}? The key must be of the algorithm's family and size (RSA >= 2048
 * for RS256/PS256, P-256 for ES256), and ES256 signatures must be the 64-byte r||s form, never DER.
 * Used by the token verifier, and directly by the Wycheproof tests.
 */
public final class SignatureCheck {

  private SignatureCheck() {}

  public static boolean verifies(JWSAlgorithm alg, JWK key, byte[] signingInput, byte[] signature) {
    try {
      JWSVerifier verifier = verifierFor(alg, key);
      return verifier != null
          && verifier.verify(new JWSHeader(alg), signingInput, Base64URL.encode(signature));
    } catch (JOSEException | RuntimeException e) {
      return false; // malformed signature or key: not a valid signature
    }
  }

  private static JWSVerifier verifierFor(JWSAlgorithm alg, JWK key) throws JOSEException {
    if ((JWSAlgorithm.RS256.equals(alg) || JWSAlgorithm.PS256.equals(alg))
        && key instanceof RSAKey rsa
        && rsa.size() >= 2048) {
      return new RSASSAVerifier(rsa);
    }
    if (JWSAlgorithm.ES256.equals(alg)
        && key instanceof ECKey ec
        && Curve.P_256.equals(ec.getCurve())) {
      return new ECDSAVerifier(ec);
    }
    return null;
  }
}
