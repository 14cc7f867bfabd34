package io.tokenbroker.keys;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import io.tokenbroker.testing.TestKeys;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ManagedKeyTest {

  /** The oracle is Nimbus's own RFC 7638 computation, through its JSON writer. */
  @ParameterizedTest
  @ValueSource(strings = {"RS256", "ES256", "PS256"})
  void computesTheThumbprintNimbusComputes(String alg) throws Exception {
    JWK key = TestKeys.generate(JWSAlgorithm.parse(alg)).toPublicJWK();

    assertThat(ManagedKey.thumbprint(key)).isEqualTo(key.computeThumbprint().toString());
  }

  /** RFC 7638 3.1's example key and thumbprint. */
  @ParameterizedTest
  @ValueSource(strings = {"NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"})
  void computesRfc7638sExample(String expected) throws Exception {
    RSAKey key =
        new RSAKey.Builder(
                new Base64URL(
                    "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"),
                new Base64URL("AQAB"))
            .build();

    assertThat(ManagedKey.thumbprint(key)).isEqualTo(expected);
  }

  /** A value JSON would escape, or Nimbus's writer might: left to Nimbus, same answer. */
  @ParameterizedTest
  @ValueSource(strings = {"a=b", "a\"b", "a\\\\b", "a<b", "é", "a b", ""})
  void leavesUnusualValuesToNimbus(String n) throws Exception {
    RSAKey odd = new RSAKey.Builder(new Base64URL(n), new Base64URL("AQAB")).build();

    assertThat(ManagedKey.thumbprint(odd)).isEqualTo(odd.computeThumbprint().toString());
  }
}
