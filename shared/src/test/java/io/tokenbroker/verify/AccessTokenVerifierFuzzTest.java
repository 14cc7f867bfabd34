package io.tokenbroker.verify;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import io.tokenbroker.errors.OAuthError;
import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.revocation.CachedRevocations;
import io.tokenbroker.testing.FuzzInput;
import io.tokenbroker.testing.InMemoryRevocations;
import io.tokenbroker.testing.Minted;
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
 * RequestRejected} {@code invalid_token}, or a verified token that meets the policy and whose exact
 * bytes this test minted ({@link Minted}: the oracle is the record of what the test signed, never a
 * signature check, which would share the verifier's bugs). Anything else (another exception, an
 * acceptance of any other token) is a finding.
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
 * (epoch 1800000000); tokens with jti {@code revokedJtiAAAAAAAAAAAA} or client {@code
 * revoked-client} are revoked.
 */
class AccessTokenVerifierFuzzTest {

  static final String ISSUER = "https://broker.example.com/prod";
  static final String AUDIENCE = "https://orders.example.com";
  static final Instant NOW = Instant.ofEpochSecond(1_800_000_000L);
  static final Duration SKEW = Duration.ofSeconds(60);

  /**
   * A jti in the form the broker mints, so that the seed naming it reaches the revocation check.
   */
  static final String REVOKED_JTI = "revokedJtiAAAAAAAAAAAA";

  static final RSAKey RSA = TestKeys.rsa();
  static final ECKey EC = TestKeys.ec();
  static final RSAKey ATTACKER = attackerKey();

  /** Every token this test signed with our keys: the only ones the verifier may accept. */
  static final Minted MINTED = new Minted();

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

  /** jti {@link #REVOKED_JTI} and client "revoked-client" (watermark an hour ahead) are revoked. */
  private static InMemoryRevocations revocations() {
    InMemoryRevocations revocations = new InMemoryRevocations();
    revocations.revokeToken(REVOKED_JTI, NOW.plusSeconds(3600), "fuzz");
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
          case 1 -> MINTED.add(TestTokens.raw(RSA, header, payload));
          case 2 -> MINTED.add(TestTokens.raw(EC, header, payload));
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
    // Accepted: only a token whose exact bytes we minted, and only one the policy allows.
    assertThat(MINTED.contains(token)).as("accepted a token this test did not mint").isTrue();
    assertThat(verified.kid()).isIn(RSA.getKeyID(), EC.getKeyID());
    assertThat(verified.audiences()).contains(AUDIENCE);
    assertThat(verified.expiresAt()).isAfter(NOW.minus(SKEW));
    assertThat(verified.issuedAt()).isBeforeOrEqualTo(NOW.plus(SKEW));
    assertThat(verified.jti()).isNotEqualTo(REVOKED_JTI);
    assertThat(verified.clientId()).isNotEqualTo("revoked-client");
  }
}
