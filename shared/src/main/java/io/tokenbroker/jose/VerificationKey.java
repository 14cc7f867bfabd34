package io.tokenbroker.jose;

import com.nimbusds.jose.crypto.utils.ECChecks;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;

/**
 * A trusted public key as published (its JWK, whose {@code alg} a token's header must equal) with
 * its JCA {@link PublicKey} prepared once, when the key is resolved, rather than for every token.
 * The key's fitness is judged here, once: an RSA key must have a modulus of at least 2048 bits, an
 * EC key must be on P-256 with its point on the curve, and the JDK's {@code KeyFactory} must accept
 * it (e.g. no RSA public exponent of 1). A key that fails any of these is kept (so that a token
 * naming it is refused as {@code bad_signature}, as before) but verifies nothing.
 */
public final class VerificationKey {

  private final JWK jwk;
  private final PublicKey publicKey; // null: fit for no algorithm

  private VerificationKey(JWK jwk, PublicKey publicKey) {
    this.jwk = jwk;
    this.publicKey = publicKey;
  }

  /** Prepares {@code jwk} for verifying: builds its JCA key and checks its type, size and curve. */
  public static VerificationKey of(JWK jwk) {
    return new VerificationKey(jwk, publicKeyFor(jwk));
  }

  /** The key as published. */
  public JWK jwk() {
    return jwk;
  }

  /**
   * Whether this key can verify {@code alg} at all (RS256/PS256: an RSA key of at least 2048 bits;
   * ES256: a P-256 key on its curve), so a caller can tell an unfit key from a bad signature.
   */
  public boolean fitsFor(com.nimbusds.jose.JWSAlgorithm alg) {
    if (com.nimbusds.jose.JWSAlgorithm.ES256.equals(alg)) {
      return p256() != null;
    }
    return (com.nimbusds.jose.JWSAlgorithm.RS256.equals(alg)
            || com.nimbusds.jose.JWSAlgorithm.PS256.equals(alg))
        && rsa() != null;
  }

  /** An RSA key of at least 2048 bits, or null if this key is not one. */
  RSAPublicKey rsa() {
    return publicKey instanceof RSAPublicKey rsa ? rsa : null;
  }

  /** A P-256 key whose point is on the curve, or null if this key is not one. */
  ECPublicKey p256() {
    return publicKey instanceof ECPublicKey ec ? ec : null;
  }

  private static PublicKey publicKeyFor(JWK jwk) {
    try {
      // size() counts the bytes of the encoded modulus, as the check per token did before.
      if (jwk instanceof RSAKey rsa && rsa.size() >= 2048) {
        return rsa.toRSAPublicKey();
      }
      if (jwk instanceof ECKey ec && Curve.P_256.equals(ec.getCurve())) {
        ECPublicKey key = ec.toECPublicKey();
        return ECChecks.isPointOnCurve(key, Curve.P_256.toECParameterSpec()) ? key : null;
      }
      return null;
    } catch (com.nimbusds.jose.JOSEException | RuntimeException unusable) {
      return null; // the JDK refuses it (or its size cannot be read): it verifies nothing
    }
  }
}
