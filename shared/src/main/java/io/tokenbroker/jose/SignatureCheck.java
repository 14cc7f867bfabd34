package io.tokenbroker.jose;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.Arrays;

/**
 * The cryptographic check alone: does {@code signature} over {@code signingInput} verify with
 * {@code key} under {@code alg}? The key must be of the algorithm's family and size (RSA >= 2048
 * for RS256/PS256, P-256 for ES256; judged once per key by {@link VerificationKey}), and ES256
 * signatures must be the 64-byte r||s form, never DER, with r and s in [1, n-1]. The signature
 * bytes go straight to the JDK's {@link Signature}. Used by the token verifier, and directly by the
 * Wycheproof tests.
 */
public final class SignatureCheck {

  /** ES256: r and s, 32 bytes each (RFC 7518 3.4). */
  private static final int ES256_SIGNATURE_LENGTH = 64;

  /** PS256 as RFC 7518 3.5 fixes it: SHA-256, MGF1 with SHA-256, a 32-byte salt. */
  private static final PSSParameterSpec PS256 =
      new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1);

  private SignatureCheck() {}

  /** For a key at hand once (tests, tools): prepares it, then checks. */
  public static boolean verifies(JWSAlgorithm alg, JWK key, byte[] signingInput, byte[] signature) {
    return verifies(alg, VerificationKey.of(key), signingInput, signature);
  }

  public static boolean verifies(
      JWSAlgorithm alg, VerificationKey key, byte[] signingInput, byte[] signature) {
    try {
      Signature verifier;
      PublicKey publicKey;
      if (JWSAlgorithm.RS256.equals(alg) && key.rsa() != null) {
        verifier = Signature.getInstance("SHA256withRSA");
        publicKey = key.rsa();
      } else if (JWSAlgorithm.PS256.equals(alg) && key.rsa() != null) {
        verifier = Signature.getInstance("RSASSA-PSS");
        verifier.setParameter(PS256);
        publicKey = key.rsa();
      } else if (JWSAlgorithm.ES256.equals(alg)
          && key.p256() != null
          && isLegalEs256(signature, key.p256())) {
        verifier = Signature.getInstance("SHA256withECDSAinP1363Format");
        publicKey = key.p256();
      } else {
        return false;
      }
      verifier.initVerify(publicKey);
      verifier.update(signingInput);
      return verifier.verify(signature);
    } catch (GeneralSecurityException | RuntimeException e) {
      return false; // malformed signature or key: not a valid signature
    }
  }

  /** Exactly 64 bytes, r and s each in [1, n-1] (no zero or blank signature, nothing >= n). */
  private static boolean isLegalEs256(byte[] signature, ECPublicKey key) {
    if (signature.length != ES256_SIGNATURE_LENGTH) {
      return false;
    }
    int half = ES256_SIGNATURE_LENGTH / 2;
    BigInteger order = key.getParams().getOrder();
    BigInteger r = new BigInteger(1, Arrays.copyOfRange(signature, 0, half));
    BigInteger s = new BigInteger(1, Arrays.copyOfRange(signature, half, ES256_SIGNATURE_LENGTH));
    return r.signum() > 0 && s.signum() > 0 && r.compareTo(order) < 0 && s.compareTo(order) < 0;
  }
}
