package io.tokenbroker.adapters.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import io.tokenbroker.testing.TestKeys;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The key record's public JWK is read as Nimbus's {@link JWK#parse(String)} reads it (the oracle),
 * without Nimbus's Gson on the usual path.
 */
class KeyRecordJwkTest {

  static List<String> texts() {
    List<String> texts = new ArrayList<>();
    for (String alg : List.of("RS256", "ES256", "PS256")) {
      texts.add(TestKeys.generate(JWSAlgorithm.parse(alg)).toPublicJWK().toJSONString());
    }
    for (String alg : List.of("RS256", "ES256")) {
      texts.add(
          TestKeys.managed(TestKeys.generate(JWSAlgorithm.parse(alg))).publicJwk().toJSONString());
    }
    String rsa = texts.getFirst();
    String body = rsa.substring(1, rsa.length() - 1);
    texts.add("{" + body + ",\"key_ops\":[\"verify\"]}");
    com.nimbusds.jose.jwk.RSAKey key = TestKeys.rsa().toPublicJWK();
    String bare =
        "\"kty\":\"RSA\",\"n\":\""
            + key.getModulus()
            + "\",\"e\":\""
            + key.getPublicExponent()
            + "\"";
    texts.add("{" + bare + "}");
    texts.add("{" + bare + ",\"use\":\"enc\",\"alg\":\"RSA-OAEP-256\",\"kid\":\"k 1\"}");
    texts.add("{" + bare + ",\"alg\":\"none\"}");
    texts.add("{" + body + ",\"x-note\":null,\"x5u\":null}");
    texts.add("{" + body + ",\"x-count\":3,\"x-ratio\":0.5,\"x-flag\":true}");
    texts.add("{" + body + ",\"x-nested\":{\"a\":[1,2]}}");
    texts.add("{" + body + ",\"x-list\":[1,\"a\"]}");
    texts.add(" \n{" + body + "}\t");
    texts.add("\uFEFF{" + body + "}");
    texts.add("{" + body.replace("\"kty\"", "\"k\\u0074y\"") + "}");
    return texts;
  }

  @ParameterizedTest
  @MethodSource("texts")
  void readsWhatNimbusReads(String text) throws Exception {
    JWK expected = JWK.parse(text);

    JWK read = DynamoDbKeyRepository.publicJwk(text);

    assertThat(read).isEqualTo(expected);
    assertThat(read.toJSONObject()).isEqualTo(expected.toJSONObject());
  }

  static List<String> refused() {
    String rsa = TestKeys.generate(JWSAlgorithm.RS256).toPublicJWK().toJSONString();
    String body = rsa.substring(1, rsa.length() - 1);
    return List.of(
        "",
        "null",
        "[]",
        "{" + body,
        "{" + body + "} {}",
        "{" + body + ",\"kty\":\"RSA\"}",
        "{" + body.replace("\"kty\":\"RSA\"", "\"kty\":\"XYZ\"") + "}",
        "{" + body.replace("\"kty\":\"RSA\"", "\"kty\":1") + "}",
        "{" + body.replace("\"kty\":\"RSA\",", "") + "}",
        "{" + body + ",\"use\":\"\"}",
        "{\"kty\":\"RSA\",\"e\":\"AQAB\"}",
        offCurve(),
        "{\"kty\":\"EC\",\"crv\":\"P-999\",\"x\":\"AQAB\",\"y\":\"AQAB\"}");
  }

  /** An EC key whose y is not its x's: Nimbus's key constructor refuses it. */
  private static String offCurve() {
    String ec = TestKeys.generate(JWSAlgorithm.ES256).toPublicJWK().toJSONString();
    String other = TestKeys.ec().toPublicJWK().toJSONString();
    String y = other.replaceAll(".*\"y\":\"([^\"]+)\".*", "$1");
    return ec.replaceAll("\"y\":\"[^\"]+\"", "\"y\":\"" + y + "\"");
  }

  @ParameterizedTest
  @MethodSource("refused")
  void refusesWhatNimbusRefuses(String text) {
    Class<? extends Throwable> nimbus =
        org.assertj.core.api.Assertions.catchThrowable(() -> JWK.parse(text)).getClass();

    assertThatThrownBy(() -> DynamoDbKeyRepository.publicJwk(text)).isInstanceOf(nimbus);
  }

  @Test
  void keepsTheRecordsKeyIdAlgorithmAndUse() throws Exception {
    JWK key = TestKeys.managed(TestKeys.generate(JWSAlgorithm.ES256)).publicJwk();

    JWK read = DynamoDbKeyRepository.publicJwk(key.toJSONString());

    assertThat(read.getKeyID()).isEqualTo(key.getKeyID());
    assertThat(read.getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
    assertThat(read.getKeyUse()).isEqualTo(key.getKeyUse());
  }
}
