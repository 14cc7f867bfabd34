package io.tokenbroker.verifier;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.util.JSONObjectUtils;
import io.tokenbroker.local.LocalBroker;
import io.tokenbroker.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The library against the real local server: tokens the broker issued, its JWKS, its key rotation.
 * Each refusal is checked for its status, its RFC 6750 challenge and its reason.
 */
class TokenVerifierIT {

  private static final String ROUTES =
      "{\"GET /orders/*\": [\"demo:read\"], \"POST /orders\": [\"demo:write\"],"
          + " \"GET /health\": []}";
  private static final String INVALID_TOKEN = "Bearer error=\"invalid_token\"";

  private static LocalBroker broker;
  private static String readToken;

  @BeforeAll
  static void start() throws Exception {
    broker = Brokers.shared();
    readToken = Brokers.token(broker, "demo:read");
  }

  private static TokenVerifier.Builder builder() {
    return TokenVerifier.builder()
        .issuer(broker.issuer().toString())
        .audience(Brokers.audience(broker))
        .routes(ROUTES);
  }

  private static TokenVerifier verifier() {
    return builder().build();
  }

  private static Decision.Refused refused(Decision decision) {
    assertThat(decision).isInstanceOf(Decision.Refused.class);
    return (Decision.Refused) decision;
  }

  private static void assertInvalidToken(Decision decision, String reason) {
    Decision.Refused refused = refused(decision);
    assertThat(refused.status()).isEqualTo(401);
    assertThat(refused.reason()).isEqualTo(reason);
    assertThat(refused.error()).isEqualTo("invalid_token");
    assertThat(refused.wwwAuthenticate()).contains(INVALID_TOKEN);
  }

  @Test
  void acceptsABrokerTokenOnARouteItsScopeGrantsAndSaysWhoCalled() throws Exception {
    Decision decision = verifier().verify("GET", "/orders/17", "Bearer " + readToken);

    assertThat(decision).isInstanceOf(Decision.Allowed.class);
    Principal principal = ((Decision.Allowed) decision).principal();
    Map<String, Object> claims = Tokens.claims(readToken);
    assertThat(principal.subject()).isEqualTo(claims.get("sub")).isEqualTo("local-workload");
    assertThat(principal.clientId()).isEqualTo("local-workload");
    assertThat(principal.scopes()).containsExactly("demo:read");
    assertThat(principal.jti()).isEqualTo(claims.get("jti"));
    assertThat(principal.expiresAt()).isEqualTo(Instant.ofEpochSecond((Long) claims.get("exp")));
    assertThat(principal.toString()).doesNotContain(readToken.split("\\.")[2]);
  }

  @Test
  void acceptsAnyValidTokenOnARouteThatNeedsNoScopeAndTheSchemeInAnyCase() {
    assertThat(verifier().verify("GET", "/health", "bearer " + readToken))
        .isInstanceOf(Decision.Allowed.class);
  }

  @Test
  void refusesAValidTokenWithoutTheScopeWith403NamingTheScope() {
    Decision.Refused refused = refused(verifier().verify("POST", "/orders", "Bearer " + readToken));

    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.error()).isEqualTo("insufficient_scope");
    assertThat(refused.reason()).isEqualTo("insufficient_scope");
    assertThat(refused.wwwAuthenticate())
        .contains("Bearer error=\"insufficient_scope\", scope=\"demo:write\"");
  }

  @Test
  void refusesAValidTokenOnARouteNoRuleMatchesWith403() {
    Decision.Refused refused =
        refused(verifier().verify("DELETE", "/orders/17", "Bearer " + readToken));

    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.reason()).isEqualTo("no_matching_route");
    assertThat(refused.wwwAuthenticate()).contains("Bearer error=\"insufficient_scope\"");
  }

  @Test
  void refusesATokenForAnotherAudience() {
    TokenVerifier billing = builder().audience("https://billing.example.com").build();

    assertInvalidToken(
        billing.verify("GET", "/orders/17", "Bearer " + readToken), "audience_mismatch");
  }

  @Test
  void refusesAnExpiredTokenOnTheInjectedClock() throws Exception {
    Instant exp = Instant.ofEpochSecond((Long) Tokens.claims(readToken).get("exp"));
    MutableClock clock = new MutableClock(exp.minusSeconds(1));
    TokenVerifier verifier = builder().clock(clock).build();
    assertThat(verifier.verify("GET", "/orders/17", "Bearer " + readToken))
        .isInstanceOf(Decision.Allowed.class);

    clock.set(exp.plus(Duration.ofSeconds(60))); // the default clock skew, used up

    assertInvalidToken(verifier.verify("GET", "/orders/17", "Bearer " + readToken), "expired");
  }

  @Test
  void refusesATamperedPayload() {
    String tampered =
        Tokens.withPayload(
            readToken, Tokens.payloadJson(readToken).replace("demo:read", "demo:write"));

    assertInvalidToken(verifier().verify("POST", "/orders", "Bearer " + tampered), "bad_signature");
  }

  @Test
  void refusesAlgNoneWithOrWithoutASignature() throws Exception {
    String none = header(h -> h.put("alg", "none"));
    String[] parts = Tokens.withHeader(readToken, none).split("\\.");

    assertInvalidToken(
        verifier().verify("GET", "/orders/1", "Bearer " + parts[0] + "." + parts[1] + "."),
        "signature_missing");
    assertInvalidToken(
        verifier().verify("GET", "/orders/1", "Bearer " + String.join(".", parts)),
        "alg_not_allowed");
  }

  @Test
  void refusesHs256SignedWithThePublishedPublicKeyAsSecret() throws Exception {
    String header = header(h -> h.put("alg", "HS256"));
    String signingInput = Tokens.b64(header) + "." + readToken.split("\\.")[1];
    byte[] secret = broker.signingKey().publicJwk().toJSONString().getBytes(StandardCharsets.UTF_8);
    String signature =
        new MACSigner(secret)
            .sign(
                new JWSHeader(JWSAlgorithm.HS256), signingInput.getBytes(StandardCharsets.US_ASCII))
            .toString();

    assertInvalidToken(
        verifier().verify("GET", "/orders/1", "Bearer " + signingInput + "." + signature),
        "alg_not_allowed");
  }

  @Test
  void refusesAKidTheBrokerDoesNotPublish() throws Exception {
    String unknown = Tokens.withHeader(readToken, header(h -> h.put("kid", "bm90LWEta2V5")));

    assertInvalidToken(verifier().verify("GET", "/orders/1", "Bearer " + unknown), "unknown_kid");
  }

  @Test
  void refusesAMissingOrBlankHeaderOrAnotherSchemeWithABareChallenge() {
    TokenVerifier verifier = verifier();
    for (String header : new String[] {null, "", "   ", "Basic bG9jYWw6c2VjcmV0"}) {
      Decision.Refused refused = refused(verifier.verify("GET", "/orders/1", header));
      assertThat(refused.status()).as(String.valueOf(header)).isEqualTo(401);
      assertThat(refused.reason()).isEqualTo("token_missing");
      assertThat(refused.wwwAuthenticate()).contains("Bearer");
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"Bearer", "Bearer ", "Bearer a b", "Bearer tok\tx", "Bearer x.y.z,Bearer x.y.z"})
  void refusesAMalformedBearerCredential(String header) {
    assertInvalidToken(verifier().verify("GET", "/orders/1", header), "authorization_malformed");
  }

  @Test
  void refusesSomethingThatIsNoJwsAndTwoTokensInOneHeader() {
    assertInvalidToken(verifier().verify("GET", "/orders/1", "Bearer abc"), "not_compact_jws");
    assertInvalidToken(
        verifier().verify("GET", "/orders/1", "Bearer " + readToken + "," + readToken),
        "authorization_malformed");
  }

  @Test
  void refusesAPathWithDotSegmentsBeforeMatchingRules() {
    Decision.Refused refused =
        refused(verifier().verify("GET", "/health/../orders/1", "Bearer " + readToken));

    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.reason()).isEqualTo("path_not_normalized");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/health/..;/orders/1", // Tomcat and Jetty drop ;params, then resolve ..
        "/health/.;x/orders/1",
        "/health/%2e%2e/orders/1", // still encoded: decoded again behind this check
        "/health/%2E./orders/1",
        "/health/.%2e/orders/1",
        "/health\\..\\orders/1", // a separator to some servers
        "/orders\\1"
      })
  void refusesDotSegmentsInDisguiseAndBackslashes(String path) {
    Decision.Refused refused = refused(verifier().verify("GET", path, "Bearer " + readToken));

    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.reason()).isEqualTo("path_not_normalized");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/orders/..a", "/orders/a;b", "/orders/.well", "/orders/%2e%2ex"})
  void acceptsSegmentsThatOnlyLookLikeDotSegments(String path) {
    assertThat(verifier().verify("GET", path, "Bearer " + readToken))
        .isInstanceOf(Decision.Allowed.class);
  }

  @Test
  void aParameterOrWildcardSpansSlashesAndAnyMatchingGrantedRuleAllows() {
    // As README and route(...) document it: {id} reads as *, which spans slashes (IAM semantics,
    // shared with the authorizer's policy), and a request is allowed if any matching rule is
    // granted: the broader rule lets a demo:read token reach the deeper, demo:write path.
    TokenVerifier shared =
        TokenVerifier.builder()
            .issuer(broker.issuer().toString())
            .audience(Brokers.audience(broker))
            .route("GET /orders/{id}", "demo:read")
            .route("GET /orders/*/invoices", "demo:write")
            .build();
    assertThat(shared.verify("GET", "/orders/1/invoices", "Bearer " + readToken))
        .isInstanceOf(Decision.Allowed.class);
    assertThat(shared.verify("GET", "/orders/1/items/2", "Bearer " + readToken))
        .isInstanceOf(Decision.Allowed.class);
    // Giving the broader rule the deeper path's scopes too closes it.
    TokenVerifier closed =
        TokenVerifier.builder()
            .issuer(broker.issuer().toString())
            .audience(Brokers.audience(broker))
            .route("GET /orders/{id}", "demo:read", "demo:write")
            .route("GET /orders/*/invoices", "demo:write")
            .build();
    assertThat(refused(closed.verify("GET", "/orders/1/invoices", "Bearer " + readToken)).status())
        .isEqualTo(403);
  }

  @Test
  void findsTheJwksThroughOpenIdDiscovery() {
    TokenVerifier discovering = builder().discoverJwksUri().build();

    assertThat(discovering.verify("GET", "/orders/1", "Bearer " + readToken))
        .isInstanceOf(Decision.Allowed.class);
  }

  @Test
  void refusesADiscoveryDocumentOfAnotherIssuerAsAMisconfiguration() {
    // localhost is another issuer string than the broker's 127.0.0.1, at the same server.
    String other = broker.issuer().toString().replace("127.0.0.1", "localhost");
    TokenVerifier misconfigured =
        TokenVerifier.builder()
            .issuer(other)
            .audience(Brokers.audience(broker))
            .routes(ROUTES)
            .discoverJwksUri()
            .build();

    Decision.Refused refused =
        refused(misconfigured.verify("GET", "/orders/1", "Bearer " + readToken));
    assertThat(refused.status()).isEqualTo(500);
    assertThat(refused.reason()).isEqualTo("keys_unavailable");
  }

  /** The token's own header with one change, as JSON. */
  private static String header(Consumer<Map<String, Object>> change) throws Exception {
    Map<String, Object> header = new LinkedHashMap<>(Tokens.header(readToken));
    change.accept(header);
    return JSONObjectUtils.toJSONString(header);
  }
}
