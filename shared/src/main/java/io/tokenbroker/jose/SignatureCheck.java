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
    Prepared[] prepared = PREPARED.get();
    int slot = 0;
    try {
      String jca;
      PublicKey publicKey;
      if (JWSAlgorithm.RS256.equals(alg) && key.rsa() != null) {
        jca = "SHA256withRSA";
        publicKey = key.rsa();
      } else if (JWSAlgorithm.PS256.equals(alg) && key.rsa() != null) {
        jca = "RSASSA-PSS";
        publicKey = key.rsa();
      } else if (JWSAlgorithm.ES256.equals(alg)
          && key.p256() != null
          && isLegalEs256(signature, key.p256())) {
        jca = "SHA256withECDSAinP1363Format";
        publicKey = key.p256();
      } else {
        return false;
      }
      Prepared taken = null;
      for (int i = 0; i < prepared.length; i++) {
        Prepared p = prepared[i];
        if (p != null && p.key() == key && p.jca().equals(jca)) {
          taken = p;
          slot = i;
          prepared[i] = null; // taken: put back only once it is known to be reset
          break;
        }
      }
      if (taken == null) {
        Signature fresh = Signature.getInstance(jca);
        if (jca.equals("RSASSA-PSS")) {
          fresh.setParameter(PS256);
        }
        fresh.initVerify(publicKey);
        taken = new Prepared(key, jca, fresh);
        slot = Math.floorMod(next.getAndIncrement(), prepared.length);
      }
      taken.signature().update(signingInput);
      boolean verified = taken.signature().verify(signature);
      // verify() returned: the object is as initVerify left it, ready for the next token.
      prepared[slot] = taken;
      return verified;
    } catch (GeneralSecurityException | RuntimeException e) {
      // Malformed signature or key: not a valid signature. The object is dropped: a provider need
      // not reset it when verify throws (JDK 25's RSA does, in a finally).
      return false;
    }
  }

  /**
   * A {@link Signature} initialized for a key, kept per thread (a few keys: the current one and
   * those rotating in or out): getting and initializing one per token was as much CPU as the rest
   * of a decision's base64 (issue 13). Taken out of its slot while in use and put back only after
   * {@code verify} returned, which resets it; an exception drops it.
   */
  private record Prepared(VerificationKey key, String jca, Signature signature) {}

  private static final ThreadLocal<Prepared[]> PREPARED =
      ThreadLocal.withInitial(() -> new Prepared[4]);

  private static final java.util.concurrent.atomic.AtomicInteger next =
      new java.util.concurrent.atomic.AtomicInteger();

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
