package io.tokenbroker.jose;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.AsymmetricJWK;
import com.nimbusds.jose.jwk.JWK;
import io.tokenbroker.testing.TestKeys;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Issue 13: {@link SignatureCheck} keeps an initialized {@link Signature} per thread and key rather
 * than getting and initializing one per token. On a random sequence over five keys (more than it
 * keeps) of good signatures, altered ones, ones of the wrong length (which the JDK refuses with an
 * exception), empty ones, other keys' and other algorithms', each answer is what a key prepared
 * afresh, on a thread of its own, gives for that one check.
 */
class SignatureCheckReuseTest {

  private record Signer(JWSAlgorithm alg, JWK jwk, VerificationKey key, PrivateKey privateKey) {}

  @Test
  void answersAsAFreshKeyOnEverySequence() throws Exception {
    List<Signer> signers = new ArrayList<>();
    for (JWSAlgorithm alg :
        List.of(
            JWSAlgorithm.RS256,
            JWSAlgorithm.RS256,
            JWSAlgorithm.PS256,
            JWSAlgorithm.ES256,
            JWSAlgorithm.ES256)) {
      JWK jwk = TestKeys.generate(alg);
      signers.add(
          new Signer(
              alg,
              jwk,
              VerificationKey.of(jwk.toPublicJWK()),
              ((AsymmetricJWK) jwk).toPrivateKey()));
    }
    Random random = new Random(13);
    int valid = 0;
    for (int i = 0; i < 3000; i++) {
      Signer signer = signers.get(random.nextInt(signers.size()));
      Signer checker =
          random.nextInt(6) == 0 ? signers.get(random.nextInt(signers.size())) : signer;
      JWSAlgorithm alg =
          random.nextInt(10) == 0
              ? List.of(JWSAlgorithm.RS256, JWSAlgorithm.PS256, JWSAlgorithm.ES256)
                  .get(random.nextInt(3))
              : checker.alg();
      byte[] input = ("header.payload-" + i).getBytes(StandardCharsets.US_ASCII);
      byte[] signature = sign(signer, input);
      switch (random.nextInt(6)) {
        case 0 -> signature[random.nextInt(signature.length)] ^= 1;
        case 1 -> signature = Arrays.copyOf(signature, signature.length - 1 - random.nextInt(8));
        case 2 -> signature = new byte[0];
        case 3 -> input = Arrays.copyOf(input, input.length + 1);
        default -> {
          // as signed
        }
      }

      boolean reused = SignatureCheck.verifies(alg, checker.key(), input, signature);

      boolean fresh = freshly(alg, checker.jwk(), input, signature);
      assertThat(reused).as("check %d", i).isEqualTo(fresh);
      valid += fresh ? 1 : 0;
    }
    assertThat(valid).isGreaterThan(500);
  }

  /** The check on a thread of its own: nothing kept from an earlier one. */
  private static boolean freshly(JWSAlgorithm alg, JWK jwk, byte[] input, byte[] signature)
      throws InterruptedException {
    boolean[] answer = new boolean[1];
    Thread.ofVirtual()
        .start(
            () ->
                answer[0] =
                    SignatureCheck.verifies(
                        alg, VerificationKey.of(jwk.toPublicJWK()), input, signature))
        .join();
    return answer[0];
  }

  private static byte[] sign(Signer signer, byte[] input) throws Exception {
    Signature signature =
        Signature.getInstance(
            switch (signer.alg().getName()) {
              case "RS256" -> "SHA256withRSA";
              case "PS256" -> "RSASSA-PSS";
              default -> "SHA256withECDSAinP1363Format";
            });
    if (signer.alg().equals(JWSAlgorithm.PS256)) {
      signature.setParameter(
          new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
    }
    signature.initSign(signer.privateKey());
    signature.update(input);
    return signature.sign();
  }
}
