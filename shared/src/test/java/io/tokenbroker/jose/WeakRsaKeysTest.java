package io.tokenbroker.jose;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import io.tokenbroker.testing.TestKeys;
import java.math.BigInteger;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class WeakRsaKeysTest {

  @RepeatedTest(5)
  void doesNotFlagAFreshlyGeneratedKey() {
    assertThat(WeakRsaKeys.hasRocaFingerprint(TestKeys.rsa())).isFalse();
  }

  @Test
  void flagsAModulusOfTheShapeRocaKeysHaveAndNothingNextToIt() {
    RSAKey roca = TestKeys.withRocaFingerprint("roca");
    BigInteger modulus = roca.getModulus().decodeToBigInteger();

    assertThat(WeakRsaKeys.hasRocaFingerprint(roca)).isTrue();
    assertThat(WeakRsaKeys.hasRocaFingerprint(rsa(modulus.add(BigInteger.TWO)))).isFalse();
  }

  private static RSAKey rsa(BigInteger modulus) {
    return new RSAKey.Builder(
            Base64URL.encode(modulus), Base64URL.encode(BigInteger.valueOf(65537)))
        .build();
  }
}
