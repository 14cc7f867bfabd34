package io.tokenbroker.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.tokenbroker.clients.Client;
import io.tokenbroker.discovery.BrokerEndpoints;
import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.json.Json;
import io.tokenbroker.testing.ClientAssertions;
import io.tokenbroker.testing.Clients;
import io.tokenbroker.testing.InMemoryClientRepository;
import io.tokenbroker.testing.InMemoryReplayGuard;
import io.tokenbroker.testing.MutableClock;
import io.tokenbroker.testing.TestKeys;
import io.tokenbroker.testing.TestTokens;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ClientAssertionVerifierTest {

  private static final String ISSUER = "https://broker.example.com";
  private static final String TOKEN_ENDPOINT = ISSUER + "/token";
  private static final RSAKey RSA = TestKeys.rsa();
  private static final ECKey EC = TestKeys.ec();
  private static final RSAKey STRANGER = TestKeys.rsa();

  /** Registered without an alg: verifies any RSA algorithm the broker accepts. */
  private static final RSAKey RSA_ANY_ALG = rsaWithoutAlg();

  private static final Optional<String> JWT_BEARER =
      Optional.of(ClientAssertionVerifier.JWT_BEARER);

  private final MutableClock clock = MutableClock.at("2026-11-28T12:00:00Z");
  private final InMemoryClientRepository clients = new InMemoryClientRepository();
  private ClientAssertionVerifier authenticator;

  @BeforeEach
  void setUp() {
    clients.add(Clients.withKey("workload", RSA, EC, RSA_ANY_ALG));
    clients.add(Clients.withRole("ci", "arn:aws:iam::123456789012:role/ci"));
    Client disabled = Clients.withKey("retired", RSA);
    clients.add(disabled.withEnabled(false).atVersion(0));
    authenticator =
        new ClientAssertionVerifier(
            clients,
            new InMemoryReplayGuard(),
            new BrokerEndpoints(URI.create(ISSUER)),
            clock,
            Duration.ofMinutes(5),
            Duration.ofSeconds(60));
  }

  private AuthenticatedClient present(String assertion) {
    return authenticator.verify(JWT_BEARER, Optional.of(assertion), Optional.empty());
  }

  private JWTClaimsSet.Builder claims() {
    return ClientAssertions.claims("workload", TOKEN_ENDPOINT, clock.instant());
  }

  @ParameterizedTest
  @ValueSource(strings = {"RS256", "PS256", "RS512", "ES256"})
  void acceptsAnAssertionSignedWithARegisteredKey(String alg) {
    JWSAlgorithm algorithm = JWSAlgorithm.parse(alg);
    // RSA is registered for RS256 only; other RSA algorithms need a key registered without alg.
    JWK key =
        JWSAlgorithm.Family.EC.contains(algorithm)
            ? EC
            : algorithm.equals(JWSAlgorithm.RS256) ? RSA : RSA_ANY_ALG;

    AuthenticatedClient client = present(ClientAssertions.sign(key, algorithm, claims().build()));

    assertThat(client.client().clientId()).isEqualTo("workload");
    assertThat(client.method()).isEqualTo(AuthMethod.PRIVATE_KEY_JWT);
    assertThat(client.callerIdentity()).isEqualTo("jwk:" + key.getKeyID());
  }

  @Test
  void acceptsTheIssuerAsAudienceAndAnAssertionWithoutKid() {
    String assertion =
        ClientAssertions.sign(
            EC,
            new JWSHeader.Builder(JWSAlgorithm.ES256).build(),
            ClientAssertions.claims("workload", ISSUER, clock.instant()).build());

    assertThat(present(assertion).client().clientId()).isEqualTo("workload");
  }

  static Stream<Arguments> badAssertions() {
    Instant now = Instant.parse("2026-11-28T12:00:00Z");
    Function<JWTClaimsSet.Builder, String> rsa =
        c -> ClientAssertions.sign(RSA, JWSAlgorithm.RS256, c.build());
    Function<String, JWTClaimsSet.Builder> base =
        aud -> ClientAssertions.claims("workload", aud, now);
    return Stream.of(
        bad(
            "expired",
            rsa.apply(base.apply(TOKEN_ENDPOINT).expirationTime(Date.from(now.minusSeconds(61)))),
            "assertion_expired"),
        bad(
            "exp too far ahead",
            rsa.apply(base.apply(TOKEN_ENDPOINT).expirationTime(Date.from(now.plusSeconds(3600)))),
            "assertion_lifetime_too_long"),
        bad(
            "no exp",
            rsa.apply(base.apply(TOKEN_ENDPOINT).expirationTime(null)),
            "assertion_missing_exp"),
        bad("no jti", rsa.apply(base.apply(TOKEN_ENDPOINT).jwtID(null)), "assertion_missing_jti"),
        bad(
            "nbf in the future",
            rsa.apply(base.apply(TOKEN_ENDPOINT).notBeforeTime(Date.from(now.plusSeconds(120)))),
            "assertion_not_yet_valid"),
        bad(
            "iat in the future",
            rsa.apply(base.apply(TOKEN_ENDPOINT).issueTime(Date.from(now.plusSeconds(120)))),
            "assertion_issued_in_future"),
        bad(
            "wrong audience",
            rsa.apply(base.apply("https://other.example.com/token")),
            "assertion_wrong_audience"),
        bad(
            "aud an array holding only the token endpoint",
            withRawAudience(List.of(TOKEN_ENDPOINT), now),
            "assertion_audience_not_a_single_string"),
        bad(
            "aud an array holding only the issuer",
            withRawAudience(List.of(ISSUER), now),
            "assertion_audience_not_a_single_string"),
        bad(
            "aud an array holding ours and another server's",
            withRawAudience(List.of(TOKEN_ENDPOINT, "https://other.example.com/token"), now),
            "assertion_audience_not_a_single_string"),
        bad(
            "aud the token endpoint with a trailing slash",
            rsa.apply(base.apply(TOKEN_ENDPOINT + "/")),
            "assertion_wrong_audience"),
        bad(
            "aud another endpoint of the broker",
            rsa.apply(base.apply(ISSUER + "/introspect")),
            "assertion_wrong_audience"),
        bad("aud missing", withRawAudience(null, now), "assertion_wrong_audience"),
        bad("aud a number", withRawAudience(42, now), "assertion_malformed"),
        bad(
            "PS256 on a key registered for RS256",
            ClientAssertions.sign(RSA, JWSAlgorithm.PS256, base.apply(TOKEN_ENDPOINT).build()),
            "assertion_alg_does_not_match_key"),
        bad(
            "RS512 on a key registered for RS256",
            ClientAssertions.sign(RSA, JWSAlgorithm.RS512, base.apply(TOKEN_ENDPOINT).build()),
            "assertion_alg_does_not_match_key"),
        bad(
            "iss differs from sub",
            rsa.apply(base.apply(TOKEN_ENDPOINT).subject("someone-else")),
            "assertion_issuer_subject_mismatch"),
        bad(
            "unknown client",
            rsa.apply(ClientAssertions.claims("nobody", TOKEN_ENDPOINT, now)),
            "unknown_client"),
        bad(
            "disabled client",
            rsa.apply(ClientAssertions.claims("retired", TOKEN_ENDPOINT, now)),
            "client_disabled"),
        bad(
            "signed by a stranger's key with our kid",
            ClientAssertions.sign(
                STRANGER,
                new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(RSA.getKeyID()).build(),
                base.apply(TOKEN_ENDPOINT).build()),
            "assertion_bad_signature"),
        bad(
            "signed by a stranger's key, its own kid",
            ClientAssertions.sign(STRANGER, JWSAlgorithm.RS256, base.apply(TOKEN_ENDPOINT).build()),
            "assertion_key_unknown"),
        bad(
            "ES256 header on an RSA kid",
            ClientAssertions.sign(
                EC,
                new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(RSA.getKeyID()).build(),
                base.apply(TOKEN_ENDPOINT).build()),
            "assertion_key_unknown"),
        bad(
            "HS256 with the public key as secret",
            hmacWithPublicKey(base.apply(TOKEN_ENDPOINT).build()),
            "assertion_algorithm_not_allowed"),
        bad(
            "alg none",
            new PlainJWT(base.apply(TOKEN_ENDPOINT).build()).serialize(),
            "assertion_unsigned"),
        bad(
            "an access token",
            ClientAssertions.sign(
                RSA,
                new JWSHeader.Builder(JWSAlgorithm.RS256)
                    .keyID(RSA.getKeyID())
                    .type(new JOSEObjectType("at+jwt"))
                    .build(),
                base.apply(TOKEN_ENDPOINT).build()),
            "assertion_is_an_access_token"),
        bad(
            "tampered payload",
            tamper(rsa.apply(base.apply(TOKEN_ENDPOINT))),
            "assertion_bad_signature"),
        bad("not a JWT", "not.a.jwt", "assertion_malformed"),
        bad(
            "payload is JSON null",
            ClientAssertions.sign(
                        RSA,
                        JWSAlgorithm.RS256,
                        ClientAssertions.claims("w", TOKEN_ENDPOINT, now).build())
                    .split("\\.")[0]
                + "."
                + Base64URL.encode("null")
                + ".c2ln",
            "assertion_malformed"),
        bad(
            "header is JSON null",
            Base64URL.encode("null") + "." + Base64URL.encode("{}") + ".c2ln",
            "assertion_malformed"),
        bad("oversized", "a".repeat(9000), "assertion_too_large"));
  }

  /** A valid RS256 assertion whose aud is exactly {@code aud} as JSON (absent if null). */
  private static String withRawAudience(Object aud, Instant now) {
    Map<String, Object> claims =
        new LinkedHashMap<>(
            ClientAssertions.claims("workload", ISSUER, now).build().toJSONObject());
    claims.remove("aud");
    if (aud != null) {
      claims.put("aud", aud);
    }
    return TestTokens.raw(
        RSA,
        "{\"alg\":\"RS256\",\"kid\":\"" + RSA.getKeyID() + "\"}",
        JSONObjectUtils.toJSONString(claims));
  }

  private static RSAKey rsaWithoutAlg() {
    try {
      return new RSAKeyGenerator(2048)
          .keyUse(KeyUse.SIGNATURE)
          .keyIDFromThumbprint(true)
          .generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Arguments bad(String name, String assertion, String reason) {
    return Arguments.of(name, assertion, reason);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badAssertions")
  void refusesABadAssertionWithInvalidClient(String name, String assertion, String reason) {
    assertThatThrownBy(() -> present(assertion))
        .isInstanceOf(RequestRejected.class)
        .satisfies(
            e -> {
              RequestRejected rejected = (RequestRejected) e;
              assertThat(rejected.reason()).isEqualTo(reason);
              assertThat(rejected.error().code()).isEqualTo("invalid_client");
              assertThat(rejected.status()).isEqualTo(401);
              var why = (ClientAuthenticationReason) rejected.rejectionReason();
              if (UNDISCLOSED.contains(why)) {
                assertThat(rejected.description()).isEqualTo("client authentication failed");
              } else {
                // A rule of the request itself, or one checked once the signature proved the key.
                assertThat(rejected.description())
                    .isNotEqualTo("client authentication failed")
                    .containsAnyOf("client_assertion", "client_id", "client authentication:");
              }
              switch (why) {
                case ASSERTION_LIFETIME_TOO_LONG ->
                    assertThat(rejected.description())
                        .isEqualTo("client_assertion exp must be at most 300 s ahead");
                case ASSERTION_WRONG_AUDIENCE ->
                    assertThat(rejected.description()).contains(ISSUER + "/token");
                default -> {}
              }
            });
  }

  /**
   * What a caller is never told, whatever it sends: whether a client exists or is enabled, which
   * keys it has, whether a signature failed, how IAM roles are bound, which certificates it
   * registered. Everything else is a rule of the request, checked before any lookup, or checked
   * after the signature proved the key.
   */
  private static final java.util.Set<ClientAuthenticationReason> UNDISCLOSED =
      java.util.EnumSet.of(
          ClientAuthenticationReason.IAM_IDENTITY_MISSING,
          ClientAuthenticationReason.IAM_CALLER_NOT_A_ROLE,
          ClientAuthenticationReason.IAM_ROLE_NOT_BOUND,
          ClientAuthenticationReason.CLIENT_ID_MALFORMED,
          ClientAuthenticationReason.UNKNOWN_CLIENT,
          ClientAuthenticationReason.CLIENT_DISABLED,
          ClientAuthenticationReason.DECOY_CLIENT, // a decoy is an unknown client to its caller
          ClientAuthenticationReason.ASSERTION_NO_MATCHING_KEY,
          ClientAuthenticationReason.ASSERTION_KEY_UNKNOWN,
          ClientAuthenticationReason.ASSERTION_ALG_DOES_NOT_MATCH_KEY,
          ClientAuthenticationReason.ASSERTION_BAD_SIGNATURE,
          // RFC 8705 2: which certificates or names a client registered
          ClientAuthenticationReason.CERTIFICATE_AUTH_NOT_REGISTERED,
          ClientAuthenticationReason.CERTIFICATE_SUBJECT_MISMATCH,
          ClientAuthenticationReason.CERTIFICATE_NOT_REGISTERED,
          ClientAuthenticationReason.CERTIFICATE_ISSUER_NOT_TRUSTED,
          ClientAuthenticationReason.SELF_SIGNED_CERTIFICATE_CAN_SIGN);

  @Test
  void disclosesNothingAboutClientsKeysOrSignatures() {
    for (ClientAuthenticationReason reason : ClientAuthenticationReason.values()) {
      assertThat(reason.disclosed()).as(reason.logName()).isEqualTo(!UNDISCLOSED.contains(reason));
      if (!reason.disclosed()) {
        assertThat(reason.description()).isEqualTo("client authentication failed");
      }
    }
  }

  /**
   * Found by fuzzing (TokenEndpointInputFuzzTest#formBody, input assertion-with-trailing-garbage):
   * Nimbus's decoder skips characters outside the base64url alphabet, so other spellings of a
   * signed assertion verified as the original.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "trailing garbage",
        "space inside",
        "padding",
        "line break inside",
        "non-canonical last character"
      })
  void refusesAnyButTheCanonicalSpellingOfASignedAssertion(String variant) {
    String assertion = ClientAssertions.sign(EC, JWSAlgorithm.ES256, claims().build());
    String signature = assertion.substring(assertion.lastIndexOf('.') + 1);
    String respelled =
        switch (variant) {
          case "trailing garbage" -> assertion + ";;;;";
          case "space inside" -> assertion.substring(0, 20) + " " + assertion.substring(20);
          case "padding" -> assertion + "==";
          case "line break inside" -> assertion.substring(0, 20) + "\r\n" + assertion.substring(20);
          default -> assertion.substring(0, assertion.length() - 1) + nonCanonical(signature);
        };
    assertThat(respelled).isNotEqualTo(assertion);

    assertThatThrownBy(() -> present(respelled))
        .isInstanceOf(RequestRejected.class)
        .satisfies(
            e -> assertThat(((RequestRejected) e).reason()).isEqualTo("assertion_malformed"));
    assertThat(present(assertion).client().clientId()).isEqualTo("workload");
  }

  /** The last character with an unused low bit set (an ES256 signature): the same bytes. */
  private static char nonCanonical(String segment) {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    return alphabet.charAt(alphabet.indexOf(segment.charAt(segment.length() - 1)) | 1);
  }

  @Test
  void acceptsAnAssertionOnce() {
    String assertion = ClientAssertions.sign(RSA, JWSAlgorithm.RS256, claims().build());
    present(assertion);

    assertThatThrownBy(() -> present(assertion))
        .satisfies(e -> assertThat(((RequestRejected) e).reason()).isEqualTo("assertion_replayed"));
  }

  @Test
  void refusesAClientIdThatDiffersFromTheAssertion() {
    String assertion = ClientAssertions.sign(RSA, JWSAlgorithm.RS256, claims().build());

    assertThatThrownBy(
            () -> authenticator.verify(JWT_BEARER, Optional.of(assertion), Optional.of("ci")))
        .satisfies(e -> assertThat(((RequestRejected) e).reason()).isEqualTo("client_id_mismatch"));
  }

  @Test
  void refusesAnotherAssertionType() {
    String assertion = ClientAssertions.sign(RSA, JWSAlgorithm.RS256, claims().build());

    assertThatThrownBy(
            () ->
                authenticator.verify(
                    Optional.of("urn:ietf:params:oauth:client-assertion-type:saml2-bearer"),
                    Optional.of(assertion),
                    Optional.empty()))
        .satisfies(
            e ->
                assertThat(((RequestRejected) e).reason()).isEqualTo("unsupported_assertion_type"));
  }

  @Test
  void refusesARequestWithoutClientAuthentication() {
    assertThatThrownBy(
            () -> authenticator.verify(Optional.empty(), Optional.empty(), Optional.empty()))
        .satisfies(
            e ->
                assertThat(((RequestRejected) e).reason())
                    .isEqualTo("client_authentication_missing"));
  }

  // Limits: each accepted at its value, refused one over, with invalid_client (401).

  private static void assertRefused(ThrowingCallable call, String reason) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            RequestRejected.class,
            e -> {
              assertThat(e.reason()).isEqualTo(reason);
              assertThat(e.error().code()).isEqualTo("invalid_client");
              assertThat(e.status()).isEqualTo(401);
            });
  }

  /** A valid ES256 assertion of exactly {@code length} characters, padded by a claim. */
  private String assertionOfLength(int length, JWTClaimsSet.Builder claims) {
    String signature = "x".repeat(86); // ES256: 64 bytes
    for (int spaces = 0; spaces < 4; spaces++) {
      String header =
          "{\"alg\":\"ES256\",\"kid\":\"" + EC.getKeyID() + "\"" + " ".repeat(spaces) + "}";
      String empty = JSONObjectUtils.toJSONString(claims.claim("pad", "").build().toJSONObject());
      int rest = length - TestTokens.b64(header).length() - signature.length() - 2;
      // base64url of n bytes has ceil(4n/3) characters; find the n that fills the rest exactly.
      for (int n = empty.length(); (4 * n + 2) / 3 <= rest; n++) {
        if ((4 * n + 2) / 3 == rest) {
          String payload =
              JSONObjectUtils.toJSONString(
                  claims.claim("pad", "p".repeat(n - empty.length())).build().toJSONObject());
          String assertion = TestTokens.raw(EC, header, payload);
          assertThat(assertion).hasSize(length);
          return assertion;
        }
      }
    }
    throw new IllegalStateException("no assertion of length " + length);
  }

  @Test
  void acceptsAnAssertionUpToTheSizeLimitAndNoLarger() {
    int limit = ClientAssertionVerifier.MAX_ASSERTION_LENGTH;

    assertThat(present(assertionOfLength(limit, claims())).client().clientId())
        .isEqualTo("workload");
    assertRefused(() -> present(assertionOfLength(limit + 1, claims())), "assertion_too_large");
  }

  /** Claims with a member nested so that the claims object is {@code depth} levels deep. */
  private static String claimsNested(JWTClaimsSet claims, int depth) {
    String json = JSONObjectUtils.toJSONString(claims.toJSONObject());
    return "{\"deep\":" + "[".repeat(depth - 1) + "]".repeat(depth - 1) + "," + json.substring(1);
  }

  @Test
  void acceptsAssertionJsonNestedUpToTheDepthLimitAndNoDeeper() {
    String header = "{\"alg\":\"ES256\",\"kid\":\"" + EC.getKeyID() + "\"}";
    JWTClaimsSet claims = claims().build();
    String tooDeep = TestTokens.raw(EC, header, claimsNested(claims, Json.MAX_DEPTH + 1));
    String deepHeader =
        TestTokens.raw(
            EC,
            header.replace(
                "{", "{\"x\":" + "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH) + ","),
            JSONObjectUtils.toJSONString(claims().build().toJSONObject()));

    assertRefused(() -> present(tooDeep), "assertion_too_deep");
    assertRefused(() -> present(deepHeader), "assertion_too_deep");
    // Refused before the replay guard saw its jti: the same jti at the limit is a first use.
    assertThat(
            present(TestTokens.raw(EC, header, claimsNested(claims, Json.MAX_DEPTH)))
                .client()
                .clientId())
        .isEqualTo("workload");
  }

  @Test
  void looksUpOnlyClientIdsAClientCanBeRegisteredUnder() {
    String longest = "c".repeat(128);
    clients.add(Clients.withKey(longest, EC));
    Function<String, String> assertionOf =
        id ->
            ClientAssertions.sign(
                EC,
                JWSAlgorithm.ES256,
                ClientAssertions.claims(id, TOKEN_ENDPOINT, clock.instant()).build());

    assertThat(present(assertionOf.apply(longest)).client().clientId()).isEqualTo(longest);
    assertRefused(() -> present(assertionOf.apply(longest + "c")), "client_id_malformed");
  }

  private static String hmacWithPublicKey(JWTClaimsSet claims) {
    try {
      SignedJWT jwt =
          new SignedJWT(
              new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(RSA.getKeyID()).build(), claims);
      jwt.sign(new MACSigner(RSA.toPublicJWK().toRSAPublicKey().getEncoded()));
      return jwt.serialize();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String tamper(String jwt) {
    String[] parts = jwt.split("\\.");
    String payload =
        Base64URL.from(parts[1]).decodeToString().replace("\"workload\"", "\"workloa\"");
    String forged = payload.replace("\"workloa\"", "\"workload\"").replace("}", ",\"x\":1}");
    return parts[0] + "." + Base64URL.encode(forged) + "." + parts[2];
  }
}
