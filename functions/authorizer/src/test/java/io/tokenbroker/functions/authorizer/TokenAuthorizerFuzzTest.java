package io.tokenbroker.functions.authorizer;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import io.tokenbroker.access.RouteRules;
import io.tokenbroker.json.Json;
import io.tokenbroker.revocation.CachedRevocations;
import io.tokenbroker.testing.FuzzInput;
import io.tokenbroker.testing.MutableClock;
import io.tokenbroker.testing.RecordingTelemetry;
import io.tokenbroker.testing.TestKeys;
import io.tokenbroker.testing.TestTokens;
import io.tokenbroker.verify.AccessTokenVerifier;
import io.tokenbroker.verify.CachingKeyResolver;
import io.tokenbroker.verify.VerifierPolicy;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Hostile events at the authorizer (issue 7): whatever bytes API Gateway (or anyone who can invoke
 * the function) hands it, the only allowed outcomes are a JSON answer, or {@link
 * TokenAuthorizer.Unauthorized} (REST's 401). Any other exception becomes a 500 in API Gateway; an
 * Allow (or {@code isAuthorized: true}) for a token our key did not sign is a breach.
 *
 * <p>Input: the event's bytes, given as they are. If they contain placeholders, they are read as
 * text and {@code $RSA_TOKEN} / {@code $EC_TOKEN} become valid tokens (scope {@code orders:read}),
 * {@code $ADMIN_TOKEN} a valid token with scope {@code admin}, {@code $FORGED_TOKEN} one signed by
 * an attacker's key under our kid, and {@code $RSA_KID} our key's kid.
 */
class TokenAuthorizerFuzzTest {

  static final String ISSUER = "https://broker.example.com/prod";
  static final String AUDIENCE = "https://orders.example.com";
  static final Instant NOW = Instant.ofEpochSecond(1_800_000_000L);
  static final RSAKey RSA = TestKeys.rsa();
  static final ECKey EC = TestKeys.ec();
  static final RSAKey ATTACKER = new RSAKey.Builder(TestKeys.rsa()).keyID(RSA.getKeyID()).build();

  // jti values in the form the broker mints (TokenId: 16 bytes, base64url).
  static final String RSA_JTI = "cnNhLWp0aS0wMDAwMDAwMA";
  static final String EC_JTI = "ZWMtanRpLTAwMDAwMDAwMA";
  static final String ADMIN_JTI = "YWRtaW4tanRpLTAwMDAwMA";

  /** Tokens our keys really signed, by jti: the only ones that may ever be allowed. */
  static final Map<String, String> GENUINE =
      Map.of(
          RSA_JTI, token(RSA, RSA_JTI, "orders:read"),
          EC_JTI, token(EC, EC_JTI, "orders:read"),
          ADMIN_JTI, token(RSA, ADMIN_JTI, "admin"));

  static final Map<String, String> PLACEHOLDERS =
      Map.of(
          "$RSA_TOKEN", GENUINE.get(RSA_JTI),
          "$EC_TOKEN", GENUINE.get(EC_JTI),
          "$ADMIN_TOKEN", GENUINE.get(ADMIN_JTI),
          "$FORGED_TOKEN", token(ATTACKER, "Zm9yZ2VkLWp0aS0wMDAwMA", "orders:read admin"),
          "$RSA_KID", RSA.getKeyID());

  private static final MutableClock CLOCK = new MutableClock(NOW);
  private static final TokenAuthorizer AUTHORIZER =
      new TokenAuthorizer(
          new AccessTokenVerifier(
              new VerifierPolicy(
                  ISSUER,
                  AUDIENCE,
                  Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256),
                  Duration.ofSeconds(60),
                  Duration.ofHours(1)),
              new CachingKeyResolver(
                  () -> List.of(RSA.toPublicJWK(), EC.toPublicJWK()),
                  CLOCK,
                  Duration.ofMinutes(5),
                  Duration.ofSeconds(30)),
              new CachedRevocations(
                  new io.tokenbroker.testing.InMemoryRevocations(), CLOCK, Duration.ZERO, 100),
              CLOCK),
          RouteRules.parse(
              """
              {"GET /orders/*": ["orders:read"], "POST /orders": ["orders:write"],
               "* /admin/*": ["admin"], "* /health": []}
              """),
          new RecordingTelemetry());

  static String token(JWK key, String jti, String scope) {
    Map<String, Object> claims = TestTokens.claims(ISSUER, AUDIENCE, NOW);
    claims.put("jti", jti);
    claims.put("scope", scope);
    return TestTokens.token(key, TestTokens.header(key), claims);
  }

  @FuzzTest(maxDuration = "2m")
  void handleRequest(byte[] data) throws IOException, ParseException {
    byte[] event = data;
    String text = new String(data, StandardCharsets.UTF_8);
    if (text.indexOf('$') >= 0) {
      event = FuzzInput.substitute(text, PLACEHOLDERS).getBytes(StandardCharsets.UTF_8);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      AUTHORIZER.handleRequest(new ByteArrayInputStream(event), out, null);
    } catch (TokenAuthorizer.Unauthorized unauthorized) {
      assertThat(unauthorized).hasMessage("Unauthorized");
      assertThat(out.size()).isZero();
      return;
    }
    Map<String, Object> answer = Json.object(out.toString(StandardCharsets.UTF_8));
    boolean allowed =
        Boolean.TRUE.equals(answer.get("isAuthorized"))
            || policyAllows(answer.get("policyDocument"));
    if (allowed) {
      // Allowed: the context names a token our keys signed, and the event carried that token.
      assertThat(answer.get("context")).isInstanceOf(Map.class);
      Object jti = ((Map<?, ?>) answer.get("context")).get("jti");
      assertThat(GENUINE).containsKey(String.valueOf(jti));
      assertThat(new String(event, StandardCharsets.UTF_8)).contains(GENUINE.get(jti));
    }
  }

  private static boolean policyAllows(Object policy) {
    if (!(policy instanceof Map<?, ?> document)
        || !(document.get("Statement") instanceof List<?> statements)) {
      return false;
    }
    return statements.stream()
        .anyMatch(s -> s instanceof Map<?, ?> m && !"Deny".equals(m.get("Effect")));
  }
}
