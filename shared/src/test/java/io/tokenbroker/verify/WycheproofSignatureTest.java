package io.tokenbroker.verify;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import io.tokenbroker.jose.SignatureCheck;
import io.tokenbroker.testing.Wycheproof;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every Wycheproof vector for our three algorithms through the project's signature check: every
 * "invalid" refused, every "valid" accepted ("acceptable" may go either way).
 */
class WycheproofSignatureTest {

  @ParameterizedTest(name = "{1} ({0})")
  @CsvSource({
    "rsa_signature_2048_sha256_test.json, RS256, keyJwk",
    "ecdsa_secp256r1_sha256_p1363_test.json, ES256, publicKeyJwk",
    "rsa_pss_2048_sha256_mgf1_32_test.json, PS256, publicKeyJwk"
  })
  @SuppressWarnings("unchecked")
  void verifiesExactlyTheValidSignatures(String file, String alg, String keyField)
      throws Exception {
    Map<String, Object> vectors = Wycheproof.load(file);
    JWSAlgorithm algorithm = JWSAlgorithm.parse(alg);
    List<String> wrong = new ArrayList<>();
    int valid = 0;
    int invalid = 0;
    for (Object g : (List<Object>) vectors.get("testGroups")) {
      Map<String, Object> group = (Map<String, Object>) g;
      JWK key = key(group, keyField, algorithm);
      for (Object t : (List<Object>) group.get("tests")) {
        Map<String, Object> test = (Map<String, Object>) t;
        String result = (String) test.get("result");
        boolean verified =
            key != null
                && SignatureCheck.verifies(
                    algorithm,
                    key,
                    HexFormat.of().parseHex((String) test.get("msg")),
                    HexFormat.of().parseHex((String) test.get("sig")));
        switch (result) {
          case "valid" -> {
            valid++;
            if (!verified) {
              wrong.add("tcId " + test.get("tcId") + " valid but refused: " + test.get("comment"));
            }
          }
          case "invalid" -> {
            invalid++;
            if (verified) {
              wrong.add(
                  "tcId " + test.get("tcId") + " invalid but accepted: " + test.get("comment"));
            }
          }
          default -> {} // "acceptable": either outcome is correct
        }
      }
    }
    assertThat(wrong).isEmpty();
    assertThat(valid + invalid).isGreaterThan(50);
  }

  /**
   * The group's public key: its JWK, or (some ECDSA groups have none) its DER encoding; null if the
   * key cannot be built at all, in which case nothing may verify with it.
   */
  @SuppressWarnings("unchecked")
  private static JWK key(Map<String, Object> group, String keyField, JWSAlgorithm alg) {
    try {
      if (group.get(keyField) instanceof Map<?, ?> jwk) {
        Map<String, Object> withAlg = new java.util.HashMap<>((Map<String, Object>) jwk);
        withAlg.put("alg", alg.getName());
        return JWK.parse(withAlg);
      }
      var spki =
          new java.security.spec.X509EncodedKeySpec(
              HexFormat.of().parseHex((String) group.get("publicKeyDer")));
      var ec =
          (java.security.interfaces.ECPublicKey)
              java.security.KeyFactory.getInstance("EC").generatePublic(spki);
      return new com.nimbusds.jose.jwk.ECKey.Builder(com.nimbusds.jose.jwk.Curve.P_256, ec)
          .algorithm(alg)
          .build();
    } catch (Exception unusable) {
      return null;
    }
  }
}
