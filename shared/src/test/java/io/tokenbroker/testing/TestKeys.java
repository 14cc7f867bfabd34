package io.tokenbroker.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import io.tokenbroker.keys.ManagedKey;
import java.util.UUID;

/** Real key pairs generated in the JVM, for tests that need no KMS. */
public final class TestKeys {

  private TestKeys() {}

  /** A fresh key pair for {@code algorithm} (RS256: RSA 2048, ES256: P-256), kid = thumbprint. */
  public static JWK generate(JWSAlgorithm algorithm) {
    try {
      if (JWSAlgorithm.ES256.equals(algorithm)) {
        return new ECKeyGenerator(Curve.P_256)
            .keyUse(KeyUse.SIGNATURE)
            .algorithm(algorithm)
            .keyIDFromThumbprint(true)
            .generate();
      }
      return new RSAKeyGenerator(2048)
          .keyUse(KeyUse.SIGNATURE)
          .algorithm(algorithm)
          .keyIDFromThumbprint(true)
          .generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A managed key whose private half stays with the test (the returned JWK). */
  public static ManagedKey managed(JWK privateJwk) {
    JWSAlgorithm algorithm = (JWSAlgorithm) privateJwk.getAlgorithm();
    return new ManagedKey("test-" + UUID.randomUUID(), algorithm, privateJwk.toPublicJWK());
  }

  public static RSAKey rsa() {
    return (RSAKey) generate(JWSAlgorithm.RS256);
  }

  /**
   * A public RSA key (over 2048 bits) whose modulus has the ROCA fingerprint (CVE-2017-15361): the
   * shape of the product of two primes of the form k*M + (65537^a mod M), M the primorial of 167.
   */
  public static RSAKey withRocaFingerprint(String kid) {
    java.math.BigInteger m =
        java.util.stream.IntStream.rangeClosed(2, 167)
            .filter(n -> java.math.BigInteger.valueOf(n).isProbablePrime(50))
            .mapToObj(java.math.BigInteger::valueOf)
            .reduce(java.math.BigInteger.ONE, java.math.BigInteger::multiply);
    java.math.BigInteger modulus =
        m.multiply(new java.math.BigInteger(1900, new java.security.SecureRandom()).setBit(1899))
            .add(
                java.math.BigInteger.valueOf(65537).modPow(java.math.BigInteger.valueOf(12345), m));
    return new RSAKey.Builder(
            com.nimbusds.jose.util.Base64URL.encode(modulus),
            com.nimbusds.jose.util.Base64URL.encode(java.math.BigInteger.valueOf(65537)))
        .keyID(kid)
        .algorithm(JWSAlgorithm.RS256)
        .keyUse(KeyUse.SIGNATURE)
        .build();
  }

  public static ECKey ec() {
    return (ECKey) generate(JWSAlgorithm.ES256);
  }
}
