package io.tokenbroker.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.jose.CompactJws;
import io.tokenbroker.jose.SignatureCheck;
import io.tokenbroker.revocation.CachedRevocations;
import io.tokenbroker.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * RFC 7515 A.2 (RS256) and A.3 (ES256): the published signatures verify with the published keys, on
 * a clock fixed before the examples' exp (2011-03-22). The full verifier then refuses the examples
 * for what they lack under RFC 9068, not for their signatures or their age.
 */
class Rfc7515ExamplesTest {

  static final String PAYLOAD =
      "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ";
  static final String A2_KEY =
      "{\"kty\":\"RSA\",\"alg\":\"RS256\",\"kid\":\"a2\",\"e\":\"AQAB\",\"n\":\"ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ\"}";
  static final String A2_JWS =
      "eyJhbGciOiJSUzI1NiJ9."
          + PAYLOAD
          + ".cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqvhJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrBp0igcN_IoypGlUPQGe77Rw";
  static final String A3_KEY =
      "{\"kty\":\"EC\",\"alg\":\"ES256\",\"kid\":\"a3\",\"crv\":\"P-256\",\"x\":\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU\",\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0\"}";
  static final String A3_JWS =
      "eyJhbGciOiJFUzI1NiJ9."
          + PAYLOAD
          + ".DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q";

  @ParameterizedTest(name = "{0}")
  @CsvSource({"A.2, RS256", "A.3, ES256"})
  void theExampleSignatureVerifiesAndTheProfileRefusesWhatIsMissing(String example, String alg)
      throws Exception {
    String jws = example.equals("A.2") ? A2_JWS : A3_JWS;
    JWK key = JWK.parse(example.equals("A.2") ? A2_KEY : A3_KEY);
    CompactJws parsed = CompactJws.parse(jws, 8192);

    assertThat(
            SignatureCheck.verifies(
                JWSAlgorithm.parse(alg), key, parsed.signingInput(), parsed.signature()))
        .isTrue();
    byte[] tampered = parsed.signingInput().clone();
    tampered[tampered.length - 1] ^= 1;
    assertThat(SignatureCheck.verifies(JWSAlgorithm.parse(alg), key, tampered, parsed.signature()))
        .isFalse();
    assertThat(new String(parsed.payload(), StandardCharsets.UTF_8)).contains("\"exp\":1300819380");

    MutableClock before = MutableClock.at("2011-03-22T18:00:00Z");
    AccessTokenVerifier verifier =
        new AccessTokenVerifier(
            new VerifierPolicy(
                "joe", "any", Set.of(JWSAlgorithm.parse(alg)), Duration.ZERO, Duration.ofDays(1)),
            new CachingKeyResolver(
                () -> List.of(key), before, Duration.ofMinutes(5), Duration.ofSeconds(30)),
            new CachedRevocations(
                new io.tokenbroker.testing.InMemoryRevocations(), before, Duration.ZERO, 10),
            before);
    assertThatThrownBy(() -> verifier.verify(jws))
        .isInstanceOf(RequestRejected.class)
        .satisfies(e -> assertThat(((RequestRejected) e).reason()).isEqualTo("typ_not_at_jwt"));
  }
}
