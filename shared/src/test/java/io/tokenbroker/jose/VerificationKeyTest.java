package io.tokenbroker.jose;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import io.tokenbroker.testing.MutableClock;
import io.tokenbroker.testing.TestKeys;
import io.tokenbroker.verify.CachingKeyResolver;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The key checks that moved from every token to key resolution still refuse what they refused. */
class VerificationKeyTest {

  private static final byte[] INPUT = "header.payload".getBytes(StandardCharsets.US_ASCII);

  @Test
  void rsaKeysUnder2048BitsVerifyNothing() throws Exception {
    RSAKey small = new RSAKeyGenerator(1024, true).keyID("small").generate();
    byte[] signature = sign("SHA256withRSA", small.toPrivateKey());

    assertThat(SignatureCheck.verifies(JWSAlgorithm.RS256, small.toPublicJWK(), INPUT, signature))
        .isFalse();
  }

  @Test
  void rsaKeysOf2048BitsVerify() throws Exception {
    RSAKey key = TestKeys.rsa();
    byte[] signature = sign("SHA256withRSA", key.toPrivateKey());

    assertThat(SignatureCheck.verifies(JWSAlgorithm.RS256, key.toPublicJWK(), INPUT, signature))
        .isTrue();
    assertThat(SignatureCheck.verifies(JWSAlgorithm.ES256, key.toPublicJWK(), INPUT, signature))
        .as("an RSA key never verifies ES256")
        .isFalse();
  }

  @Test
  void es256NeedsAP256Key() throws Exception {
    ECKey p384 = new ECKeyGenerator(Curve.P_384).keyID("p384").generate();
    byte[] signature = sign("SHA256withECDSAinP1363Format", p384.toPrivateKey());

    assertThat(SignatureCheck.verifies(JWSAlgorithm.ES256, p384.toPublicJWK(), INPUT, signature))
        .isFalse();
  }

  @Test
  void es256RefusesROrSOutsideTheOrder() throws Exception {
    ECKey key = TestKeys.ec();
    byte[] signature = sign("SHA256withECDSAinP1363Format", key.toPrivateKey());
    assertThat(SignatureCheck.verifies(JWSAlgorithm.ES256, key.toPublicJWK(), INPUT, signature))
        .isTrue();

    // s + n: the same value modulo n, still 32 bytes when s is small enough; must be refused.
    BigInteger n = key.toECPublicKey().getParams().getOrder();
    BigInteger s = new BigInteger(1, java.util.Arrays.copyOfRange(signature, 32, 64));
    BigInteger shifted = s.add(n);
    if (shifted.bitLength() <= 256) {
      byte[] forged = signature.clone();
      byte[] bytes = shifted.toByteArray();
      System.arraycopy(bytes, bytes.length - 32, forged, 32, 32);
      assertThat(SignatureCheck.verifies(JWSAlgorithm.ES256, key.toPublicJWK(), INPUT, forged))
          .isFalse();
    }
    byte[] withZeroR = signature.clone();
    java.util.Arrays.fill(withZeroR, 0, 32, (byte) 0);
    assertThat(SignatureCheck.verifies(JWSAlgorithm.ES256, key.toPublicJWK(), INPUT, withZeroR))
        .isFalse();
  }

  @Test
  void theResolverPreparesEachKeyOncePerRead() {
    JWK key = TestKeys.rsa().toPublicJWK();
    CachingKeyResolver resolver =
        new CachingKeyResolver(
            () -> List.of(key),
            MutableClock.at("2026-11-28T12:00:00Z"),
            Duration.ofMinutes(5),
            Duration.ofSeconds(30));

    VerificationKey first = resolver.find(key.getKeyID()).orElseThrow();

    assertThat(resolver.find(key.getKeyID())).containsSame(first);
    assertThat(first.jwk()).isEqualTo(key);
  }

  private static byte[] sign(String algorithm, PrivateKey key) throws Exception {
    Signature signer = Signature.getInstance(algorithm);
    signer.initSign(key);
    signer.update(INPUT);
    return signer.sign();
  }
}
