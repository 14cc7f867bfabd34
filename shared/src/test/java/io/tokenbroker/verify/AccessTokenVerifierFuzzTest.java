package io.tokenbroker.verify;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import io.tokenbroker.errors.OAuthError;
import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.jose.CompactJws;
import io.tokenbroker.jose.SignatureCheck;
import io.tokenbroker.revocation.CachedRevocations;
import io.tokenbroker.testing.FuzzInput;
import io.tokenbroker.testing.InMemoryRevocations;
import io.tokenbroker.testing.MutableClock;
import io.tokenbroker.testing.TestKeys;
import io.tokenbroker.testing.TestTokens;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Hostile tokens at the authorizer's verifier (issue 7). The only allowed outcomes: {@link
 * RequestRejected} {@code invalid_token}, or a verified token that our own key really signed and
 * that meets the policy. Anything else (another exception, an acceptance of a token we did not
 * sign) is a finding.
 *
 * <p>Input ({@link FuzzInput}), by mode:
 *
 * <ol start="0">
 *   <li>the token as given;
 *   <li>{@code header \n payload} JSON, signed by our RSA key (RS256);
 *   <li>the same, signed by our EC key (ES256);
 *   <li>the same, signed by an attacker's RSA key: must be refused;
 *   <li>{@code header \n payload \n signature bytes}, encoded as given: must be refused.
 * </ol>
 *
 * {@code $RSA_KID} and {@code $EC_KID} stand for our keys' kids. The clock stands at {@link #NOW}
 * (epoch 1800000000); tokens with jti {@code revoked-jti} or client {@code revoked-client} are
 * revoked.
 */
class AccessTokenVerifierFuzzTest {

  static final String ISSUER = "https://broker.example.com/prod";
  static final String AUDIENCE = "https://orders.example.com";
  static final Instant NOW = Instant.ofEpochSecond(1_800_000_000L);
  static final Duration SKEW = Duration.ofSeconds(60);
  static final RSAKey RSA = TestKeys.rsa();
  static final ECKey EC = TestKeys.ec();
  static final RSAKey ATTACKER = attackerKey();
  static final Map<String, String> PLACEHOLDERS =
      Map.of("$RSA_KID", RSA.getKeyID(), "$EC_KID", EC.getKeyID());

  private static final MutableClock CLOCK = new MutableClock(NOW);
  private static final AccessTokenVerifier VERIFIER =
      new AccessTokenVerifier(
          new VerifierPolicy(
              ISSUER,
              AUDIENCE,
              Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256),
              SKEW,
              Duration.ofHours(1)),
          new CachingKeyResolver(
              () -> List.of(RSA.toPublicJWK(), EC.toPublicJWK()),
              CLOCK,
              Duration.ofMinutes(5),
              Duration.ofSeconds(30)),
          new CachedRevocations(revocations(), CLOCK, Duration.ZERO, 100),
          CLOCK);

  /** The attacker's key claims our RSA key's kid, as a forger would. */
  private static RSAKey attackerKey() {
    return new RSAKey.Builder(TestKeys.rsa()).keyID(RSA.getKeyID()).build();
  }

  /** jti "revoked-jti" and client "revoked-client" (watermark an hour ahead) are revoked. */
  private static InMemoryRevocations revocations() {
    InMemoryRevocations revocations = new InMemoryRevocations();
    revocations.revokeToken("revoked-jti", NOW.plusSeconds(3600), "fuzz");
    revocations.revokeClientTokensBefore(
        "revoked-client", NOW.plusSeconds(3600), NOW.plusSeconds(7200));
    return revocations;
  }

  @FuzzTest(maxDuration = "2m")
  void verify(byte[] data) {
    FuzzInput input = FuzzInput.of(data, 5);
    String[] lines = input.lines(3);
    String header = FuzzInput.substitute(lines[0], PLACEHOLDERS);
    String payload = FuzzInput.substitute(lines[1], PLACEHOLDERS);
    String token =
        switch (input.mode()) {
          case 1 -> TestTokens.raw(RSA, header, payload);
          case 2 -> TestTokens.raw(EC, header, payload);
          case 3 -> TestTokens.raw(ATTACKER, header, payload);
          case 4 ->
              TestTokens.b64(header)
                  + "."
                  + TestTokens.b64(payload)
                  + "."
                  + Base64.getUrlEncoder()
                      .withoutPadding()
                      .encodeToString(lines[2].getBytes(StandardCharsets.UTF_8));
          default -> FuzzInput.substitute(input.text(), PLACEHOLDERS);
        };
    VerifiedToken verified;
    try {
      verified = VERIFIER.verify(token);
    } catch (RequestRejected rejected) {
      assertThat(rejected.error()).isEqualTo(OAuthError.INVALID_TOKEN);
      return;
    }
    // Accepted: only a token our key signed, and only one the policy allows.
    assertThat(input.mode() == 1 || input.mode() == 2 || signedByUs(token))
        .as("accepted a token our keys did not sign")
        .isTrue();
    assertThat(verified.kid()).isIn(RSA.getKeyID(), EC.getKeyID());
    assertThat(verified.audiences()).contains(AUDIENCE);
    assertThat(verified.expiresAt()).isAfter(NOW.minus(SKEW));
    assertThat(verified.issuedAt()).isBeforeOrEqualTo(NOW.plus(SKEW));
    assertThat(verified.jti()).isNotEqualTo("revoked-jti");
    assertThat(verified.clientId()).isNotEqualTo("revoked-client");
  }

  /** An independent check: does the token's signature verify with one of our public keys? */
  static boolean signedByUs(String token) {
    CompactJws jws = CompactJws.parse(token, Integer.MAX_VALUE);
    for (JWK key : List.of(RSA.toPublicJWK(), EC.toPublicJWK())) {
      JWSAlgorithm alg = (JWSAlgorithm) key.getAlgorithm();
      if (SignatureCheck.verifies(alg, key, jws.signingInput(), jws.signature())) {
        return true;
      }
    }
    return false;
  }
}
