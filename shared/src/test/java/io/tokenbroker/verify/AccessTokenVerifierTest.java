package io.tokenbroker.verify;

import static io.tokenbroker.testing.TestTokens.b64;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.errors.ServiceFailure;
import io.tokenbroker.jose.Confirmation;
import io.tokenbroker.revocation.CachedRevocations;
import io.tokenbroker.testing.InMemoryRevocations;
import io.tokenbroker.testing.MutableClock;
import io.tokenbroker.testing.TestKeys;
import io.tokenbroker.testing.TestTokens;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** One row per attack or malformation; each asserts that the token is refused, and why. */
class AccessTokenVerifierTest {

  static final String ISSUER = "https://broker.example.com/prod";
  static final String AUDIENCE = "https://orders.example.com";
  static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
  static final RSAKey RSA = TestKeys.rsa();
  static final ECKey EC = TestKeys.ec();
  static final RSAKey ATTACKER = TestKeys.rsa();

  // Refresh-family ids in the form the broker mints (TokenId: 16 bytes, base64url).
  static final String FAMILY_1 = "ZmFtaWx5LTEtMDAwMDAwMA";
  static final String FAMILY_2 = "ZmFtaWx5LTItMDAwMDAwMA";

  private final MutableClock clock = new MutableClock(NOW);
  private final InMemoryRevocations revoked = new InMemoryRevocations();
  private AccessTokenVerifier verifier;

  @BeforeEach
  void setUp() {
    KeySource keys = () -> List.of(RSA.toPublicJWK(), EC.toPublicJWK());
    verifier =
        new AccessTokenVerifier(
            new VerifierPolicy(
                ISSUER,
                AUDIENCE,
                Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256),
                Duration.ofSeconds(60),
                Duration.ofHours(1)),
            new CachingKeyResolver(keys, clock, Duration.ofMinutes(5), Duration.ofSeconds(30)),
            new CachedRevocations(revoked, clock, Duration.ZERO, 100),
            clock);
  }

  static Map<String, Object> claims() {
    return TestTokens.claims(ISSUER, AUDIENCE, NOW);
  }

  static String token(
      JWK key, Consumer<Map<String, Object>> header, Consumer<Map<String, Object>> claims) {
    Map<String, Object> h = TestTokens.header(key);
    header.accept(h);
    Map<String, Object> c = claims();
    claims.accept(c);
    return TestTokens.token(key, h, c);
  }

  static String withHeader(Consumer<Map<String, Object>> header) {
    return token(RSA, header, c -> {});
  }

  /** An RFC 7638 thumbprint (RFC 7638 3.1's example key). */
  static final String JKT = "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs";

  static String withClaims(Consumer<Map<String, Object>> claims) {
    return token(RSA, h -> {}, claims);
  }

  static String good() {
    return token(RSA, h -> {}, c -> {});
  }

  static String[] parts(String token) {
    return token.split("\\.");
  }

  /** Header and payload text as given, signed properly with our RSA key. */
  static String rawSigned(String header, String payload) {
    return TestTokens.raw(RSA, header, payload);
  }

  static String rsaHeader() {
    return JSONObjectUtils.toJSONString(TestTokens.header(RSA));
  }

  static String payload() {
    return JSONObjectUtils.toJSONString(claims());
  }

  record Row(String name, Supplier<String> token, String reason) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Arguments row(String name, Supplier<String> token, String reason) {
    return Arguments.of(new Row(name, token, reason));
  }

  static Stream<Arguments> attacks() {
    return Stream.of(
        // structure and encoding
        row("empty token", () -> "", "token_empty"),
        row("huge token", () -> "a".repeat(9000), "token_too_large"),
        row("one segment", () -> "abc", "not_compact_jws"),
        row("two segments", () -> parts(good())[0] + "." + parts(good())[1], "not_compact_jws"),
        row("four segments", () -> good() + ".abc", "not_compact_jws"),
        row("JWE (five segments)", () -> "eyJhbGciOiJSU0EtT0FFUCJ9.a.b.c.d", "jwe_not_accepted"),
        row(
            "empty signature",
            () -> parts(good())[0] + "." + parts(good())[1] + ".",
            "signature_missing"),
        row(
            "empty payload segment",
            () -> parts(good())[0] + ".." + parts(good())[2],
            "empty_segment"),
        row("padding", () -> good() + "=", "non_canonical_base64url"),
        row("standard base64 alphabet", () -> good().replace('-', '+'), "non_canonical_base64url"),
        row(
            "whitespace inside",
            () -> {
              String t = good();
              return t.substring(0, 10) + " " + t.substring(10);
            },
            "non_canonical_base64url"),
        row(
            "newline inside",
            () -> {
              String t = good();
              return t.substring(0, 10) + "\n" + t.substring(10);
            },
            "non_canonical_base64url"),
        row(
            "non-canonical trailing bits",
            AccessTokenVerifierTest::nonCanonicalSignature,
            "non_canonical_base64url"),
        row(
            "impossible segment length",
            () -> parts(good())[0] + "." + parts(good())[1] + ".a",
            "non_canonical_base64url"),
        row(
            "invalid UTF-8 header",
            () ->
                Base64URL.encode(new byte[] {(byte) 0xC3, 0x28})
                    + "."
                    + parts(good())[1]
                    + "."
                    + parts(good())[2],
            "not_utf8"),
        // header
        row("header is JSON null", () -> rawSigned("null", payload()), "header_not_json_object"),
        row(
            "header is an array",
            () -> rawSigned("[" + rsaHeader() + "]", payload()),
            "header_not_json_object"),
        row(
            "header is not JSON",
            () -> rawSigned("alg=RS256", payload()),
            "header_not_json_object"),
        row(
            "duplicate alg member",
            () ->
                rawSigned(
                    "{\"alg\":\"none\",\"alg\":\"RS256\",\"typ\":\"at+jwt\",\"kid\":\""
                        + RSA.getKeyID()
                        + "\"}",
                    payload()),
            "header_not_json_object"),
        row(
            "alg none, no signature",
            () -> b64("{\"alg\":\"none\",\"typ\":\"at+jwt\"}") + "." + b64(payload()) + ".",
            "signature_missing"),
        row("alg none", () -> withHeader(h -> h.put("alg", "none")), "alg_not_allowed"),
        row("alg None", () -> withHeader(h -> h.put("alg", "None")), "alg_not_allowed"),
        row("alg NONE", () -> withHeader(h -> h.put("alg", "NONE")), "alg_not_allowed"),
        row("alg nOnE", () -> withHeader(h -> h.put("alg", "nOnE")), "alg_not_allowed"),
        row("alg rs256 (case)", () -> withHeader(h -> h.put("alg", "rs256")), "alg_not_allowed"),
        row(
            "alg RS512 not allowed",
            () -> withHeader(h -> h.put("alg", "RS512")),
            "alg_not_allowed"),
        row(
            "HS256 with the public key as secret",
            AccessTokenVerifierTest::keyConfusion,
            "alg_not_allowed"),
        row("alg missing", () -> withHeader(h -> h.remove("alg")), "alg_missing"),
        row("alg a number", () -> withHeader(h -> h.put("alg", 256)), "alg_missing"),
        row("typ missing", () -> withHeader(h -> h.remove("typ")), "typ_not_at_jwt"),
        row("typ JWT", () -> withHeader(h -> h.put("typ", "JWT")), "typ_not_at_jwt"),
        row("typ AT+JWT (case)", () -> withHeader(h -> h.put("typ", "AT+JWT")), "typ_not_at_jwt"),
        row(
            "embedded jwk",
            () -> withHeader(h -> h.put("jwk", ATTACKER.toPublicJWK().toJSONObject())),
            "embedded_key_not_trusted"),
        row(
            "jku",
            () -> withHeader(h -> h.put("jku", "https://attacker.example/jwks.json")),
            "embedded_key_not_trusted"),
        row(
            "x5u",
            () -> withHeader(h -> h.put("x5u", "https://attacker.example/cert.pem")),
            "embedded_key_not_trusted"),
        row(
            "x5c",
            () -> withHeader(h -> h.put("x5c", List.of("MIIB"))),
            "embedded_key_not_trusted"),
        row(
            "unknown crit",
            () -> withHeader(h -> h.put("crit", List.of("exp"))),
            "crit_not_understood"),
        row(
            "b64 false via crit",
            () ->
                withHeader(
                    h -> {
                      h.put("b64", false);
                      h.put("crit", List.of("b64"));
                    }),
            "unexpected_header_parameter"),
        row(
            "nested JWT (cty)",
            () -> withHeader(h -> h.put("cty", "JWT")),
            "nested_jwt_not_accepted"),
        row(
            "unexpected header member",
            () -> withHeader(h -> h.put("zip", "DEF")),
            "unexpected_header_parameter"),
        row("kid missing", () -> withHeader(h -> h.remove("kid")), "kid_missing"),
        row(
            "kid path traversal",
            () -> withHeader(h -> h.put("kid", "../../../etc/passwd")),
            "kid_malformed"),
        row(
            "kid SQL injection",
            () -> withHeader(h -> h.put("kid", "x' OR '1'='1")),
            "kid_malformed"),
        row("kid not a string", () -> withHeader(h -> h.put("kid", 7)), "kid_missing"),
        row("kid unknown", () -> withHeader(h -> h.put("kid", "bm90LW91ci1rZXk")), "unknown_kid"),
        // key and signature
        row(
            "attacker key with our kid",
            () ->
                TestTokens.token(
                    ATTACKER.toPublicJWK() == null ? null : withAlg(ATTACKER, RSA.getKeyID()),
                    TestTokens.header(RSA),
                    claims()),
            "bad_signature"),
        row(
            "ES256 header on our RSA kid",
            () -> withHeader(h -> h.put("alg", "ES256")),
            "alg_does_not_match_key"),
        row(
            "RS256 header on our EC kid",
            () -> token(EC, h -> h.put("alg", "RS256"), c -> {}),
            "alg_does_not_match_key"),
        row("tampered payload", AccessTokenVerifierTest::tampered, "bad_signature"),
        row(
            "zero signature",
            () -> parts(good())[0] + "." + parts(good())[1] + "." + Base64URL.encode(new byte[256]),
            "bad_signature"),
        row(
            "short signature",
            () -> parts(good())[0] + "." + parts(good())[1] + ".AAAA",
            "bad_signature"),
        row(
            "ES256 r=s=0",
            () -> {
              String t = token(EC, h -> {}, c -> {});
              return parts(t)[0] + "." + parts(t)[1] + "." + Base64URL.encode(new byte[64]);
            },
            "bad_signature"),
        row("ES256 DER signature", AccessTokenVerifierTest::derSignature, "bad_signature"),
        row(
            "signature of another token",
            () ->
                parts(good())[0]
                    + "."
                    + parts(good())[1]
                    + "."
                    + parts(withClaims(c -> c.put("scope", "x")))[2],
            "bad_signature"),
        // payload
        row(
            "payload not JSON",
            () -> rawSigned(rsaHeader(), "not json"),
            "payload_not_json_object"),
        row("payload JSON null", () -> rawSigned(rsaHeader(), "null"), "payload_not_json_object"),
        row(
            "duplicate sub claim",
            () -> rawSigned(rsaHeader(), payload().replace("{", "{\"sub\":\"admin\",")),
            "payload_not_json_object"),
        row(
            "nested object claim",
            () -> withClaims(c -> c.put("profile", Map.of("sub", "x"))),
            "claim_wrong_type"),
        // act (RFC 8693 4.1) and lineage: only the forms the broker mints
        row("act a string", () -> withClaims(c -> c.put("act", "agent")), "act_malformed"),
        row("act null", () -> withClaims(c -> c.put("act", null)), "act_malformed"),
        row("act without sub", () -> withClaims(c -> c.put("act", Map.of())), "act_malformed"),
        row(
            "act sub a number",
            () -> withClaims(c -> c.put("act", Map.of("sub", 7))),
            "act_malformed"),
        row(
            "act sub with a space",
            () -> withClaims(c -> c.put("act", Map.of("sub", "a b"))),
            "act_malformed"),
        row(
            "act with an unknown member",
            () -> withClaims(c -> c.put("act", Map.of("sub", "a", "may_act", "b"))),
            "act_malformed"),
        row(
            "act client_id malformed",
            () -> withClaims(c -> c.put("act", Map.of("sub", "a", "client_id", "-x"))),
            "act_malformed"),
        row(
            "nested act a string",
            () -> withClaims(c -> c.put("act", Map.of("sub", "a", "act", "b"))),
            "act_malformed"),
        row("act six deep", () -> withClaims(c -> c.put("act", chain(6))), "act_malformed"),
        row(
            "act with a duplicate sub",
            () ->
                rawSigned(
                    rsaHeader(), payload().replace("{", "{\"act\":{\"sub\":\"a\",\"sub\":\"b\"},")),
            "payload_not_json_object"),
        row(
            "lineage an object",
            () -> withClaims(c -> c.put("lineage", ancestor("jCAAAAAAAAAAAAAAAAAAAA", "user"))),
            "lineage_malformed"),
        row(
            "lineage empty",
            () -> withClaims(c -> c.put("lineage", List.of())),
            "lineage_malformed"),
        row(
            "lineage of strings",
            () -> withClaims(c -> c.put("lineage", List.of("jCAAAAAAAAAAAAAAAAAAAA"))),
            "lineage_malformed"),
        row(
            "lineage of seven",
            () ->
                withClaims(
                    c ->
                        c.put(
                            "lineage",
                            java.util.Collections.nCopies(
                                7, ancestor("jCAAAAAAAAAAAAAAAAAAAA", "user")))),
            "lineage_malformed"),
        row(
            "lineage entry without client_id",
            () ->
                withClaims(c -> c.put("lineage", List.of(Map.of("jti", "jCAAAAAAAAAAAAAAAAAAAA")))),
            "lineage_malformed"),
        row(
            "lineage entry with more",
            () ->
                withClaims(
                    c ->
                        c.put(
                            "lineage",
                            List.of(
                                Map.of(
                                    "jti",
                                    "jCAAAAAAAAAAAAAAAAAAAA",
                                    "client_id",
                                    "user",
                                    "sub",
                                    "x")))),
            "lineage_malformed"),
        row(
            "lineage jti malformed",
            () -> withClaims(c -> c.put("lineage", List.of(ancestor("j 1", "user")))),
            "lineage_malformed"),
        row(
            "lineage entry without iat",
            () -> withClaims(c -> c.put("lineage", List.of(ancestorWith("iat", null)))),
            "lineage_malformed"),
        row(
            "lineage iat a string",
            () -> withClaims(c -> c.put("lineage", List.of(ancestorWith("iat", "1800000000")))),
            "lineage_malformed"),
        row(
            "lineage iat negative",
            () -> withClaims(c -> c.put("lineage", List.of(ancestorWith("iat", -1)))),
            "lineage_malformed"),
        row(
            "lineage entry without kid",
            () -> withClaims(c -> c.put("lineage", List.of(ancestorWith("kid", null)))),
            "lineage_malformed"),
        row(
            "lineage kid malformed",
            () -> withClaims(c -> c.put("lineage", List.of(ancestorWith("kid", "../k")))),
            "lineage_malformed"),
        row(
            "lineage sid malformed",
            () -> withClaims(c -> c.put("lineage", List.of(ancestorWith("sid", "s 1")))),
            "lineage_malformed"),
        row(
            "lineage sid a number",
            () -> withClaims(c -> c.put("lineage", List.of(ancestorWith("sid", 7)))),
            "lineage_malformed"),
        // cnf (RFC 7800): exactly one jkt or x5t#S256 holding a SHA-256 thumbprint
        row("cnf a string", () -> withClaims(c -> c.put("cnf", JKT)), "cnf_malformed"),
        row("cnf empty", () -> withClaims(c -> c.put("cnf", Map.of())), "cnf_malformed"),
        row(
            "cnf with jkt and x5t#S256",
            () -> withClaims(c -> c.put("cnf", Map.of("jkt", JKT, "x5t#S256", JKT))),
            "cnf_malformed"),
        row(
            "cnf with an unknown member",
            () -> withClaims(c -> c.put("cnf", Map.of("jwk", JKT))),
            "cnf_malformed"),
        row(
            "cnf jkt one character short",
            () -> withClaims(c -> c.put("cnf", Map.of("jkt", JKT.substring(1)))),
            "cnf_malformed"),
        row(
            "cnf jkt padded",
            () -> withClaims(c -> c.put("cnf", Map.of("jkt", JKT + "="))),
            "cnf_malformed"),
        row(
            "cnf jkt with non-zero unused bits",
            () -> withClaims(c -> c.put("cnf", Map.of("jkt", JKT.substring(0, 42) + "B"))),
            "cnf_malformed"),
        row(
            "cnf jkt a number",
            () -> withClaims(c -> c.put("cnf", Map.of("jkt", 7))),
            "cnf_malformed"),
        row(
            "cnf null",
            () -> rawSigned(rsaHeader(), payload().replace("{", "{\"cnf\":null,")),
            "cnf_malformed"),
        row(
            "cnf with a duplicate jkt",
            () ->
                rawSigned(
                    rsaHeader(),
                    payload()
                        .replace(
                            "{", "{\"cnf\":{\"jkt\":\"" + JKT + "\",\"jkt\":\"" + JKT + "\"},")),
            "payload_not_json_object"),
        row(
            "wrong issuer",
            () -> withClaims(c -> c.put("iss", "https://evil.example.com")),
            "issuer_mismatch"),
        row(
            "issuer with trailing slash",
            () -> withClaims(c -> c.put("iss", ISSUER + "/")),
            "issuer_mismatch"),
        row("iss missing", () -> withClaims(c -> c.remove("iss")), "issuer_mismatch"),
        row(
            "wrong audience",
            () -> withClaims(c -> c.put("aud", "https://billing.example.com")),
            "audience_mismatch"),
        row(
            "empty audience list",
            () -> withClaims(c -> c.put("aud", List.of())),
            "audience_mismatch"),
        row("aud missing", () -> withClaims(c -> c.remove("aud")), "audience_mismatch"),
        row("exp missing", () -> withClaims(c -> c.remove("exp")), "exp_missing"),
        row(
            "expired beyond skew",
            () ->
                withClaims(
                    c -> {
                      c.put("iat", NOW.getEpochSecond() - 400);
                      c.put("exp", NOW.getEpochSecond() - 61);
                    }),
            "expired"),
        row("exp as string", () -> withClaims(c -> c.put("exp", "2030-01-01")), "claim_wrong_type"),
        row(
            "exp fractional",
            () -> withClaims(c -> c.put("exp", NOW.getEpochSecond() + 300.5)),
            "claim_wrong_type"),
        row(
            "exp absurdly large",
            () -> withClaims(c -> c.put("exp", Long.MAX_VALUE)),
            "claim_out_of_range"),
        row("iat missing", () -> withClaims(c -> c.remove("iat")), "iat_missing"),
        row(
            "iat in the future",
            () ->
                withClaims(
                    c -> {
                      c.put("iat", NOW.getEpochSecond() + 120);
                      c.put("exp", NOW.getEpochSecond() + 400);
                    }),
            "iat_in_future"),
        row(
            "nbf in the future",
            () -> withClaims(c -> c.put("nbf", NOW.getEpochSecond() + 120)),
            "not_yet_valid"),
        row(
            "lifetime over the maximum",
            () -> withClaims(c -> c.put("exp", NOW.getEpochSecond() + 3601)),
            "lifetime_out_of_bounds"),
        row(
            "exp before iat",
            () ->
                withClaims(
                    c -> {
                      c.put("iat", NOW.getEpochSecond());
                      c.put("exp", NOW.getEpochSecond() - 1);
                    }),
            "lifetime_out_of_bounds"),
        row("jti missing", () -> withClaims(c -> c.remove("jti")), "jti_missing"),
        row("jti empty", () -> withClaims(c -> c.put("jti", "")), "jti_missing"),
        row("sub missing", () -> withClaims(c -> c.remove("sub")), "sub_missing"),
        row("client_id missing", () -> withClaims(c -> c.remove("client_id")), "client_id_missing"),
        row(
            "scope with double space",
            () -> withClaims(c -> c.put("scope", "a  b")),
            "scope_malformed"),
        row(
            "scope not a string",
            () -> withClaims(c -> c.put("scope", List.of("a"))),
            "scope_malformed"),
        // identifiers and scopes the broker could never have minted (io.tokenbroker.identifiers)
        row("client_id with a space", () -> client("work load"), "client_id_malformed"),
        row("client_id with a trailing space", () -> client("workload "), "client_id_malformed"),
        row("client_id with a NUL", () -> client("workload\u0000"), "client_id_malformed"),
        row("client_id with a line break", () -> client("workload\n"), "client_id_malformed"),
        row("client_id with a Cyrillic o", () -> client("w\u043erkload"), "client_id_malformed"),
        row(
            "client_id in full-width letters",
            () -> client("\uff57orkload"),
            "client_id_malformed"),
        row("client_id starting with a dot", () -> client(".workload"), "client_id_malformed"),
        row("client_id starting with a dash", () -> client("-workload"), "client_id_malformed"),
        row("client_id with a slash", () -> client("workload/admin"), "client_id_malformed"),
        row("client_id with a percent", () -> client("work%6Coad"), "client_id_malformed"),
        row("client_id of 129 characters", () -> client("w".repeat(129)), "client_id_malformed"),
        row(
            "client_id a number",
            () -> withClaims(c -> c.put("client_id", 7)),
            "client_id_missing"),
        row("client_id empty", () -> client(""), "client_id_missing"),
        row("sub with a space", () -> withClaims(c -> c.put("sub", "work load")), "sub_malformed"),
        row("sub with a tab", () -> withClaims(c -> c.put("sub", "work\tload")), "sub_malformed"),
        row(
            "sub with a non-ASCII letter",
            () -> withClaims(c -> c.put("sub", "w\u00f6rkload")),
            "sub_malformed"),
        row("sub with DEL", () -> withClaims(c -> c.put("sub", "workload\u007f")), "sub_malformed"),
        row(
            "sub of 257 characters",
            () -> withClaims(c -> c.put("sub", "s".repeat(257))),
            "sub_malformed"),
        row("sub empty", () -> withClaims(c -> c.put("sub", "")), "sub_missing"),
        row("jti a UUID", () -> jti("0b6a6b8e-7a43-4c2e-9d9f-1d2f5f3a9b10"), "jti_malformed"),
        row("jti of 21 characters", () -> jti("cnNhLWp0aS0wMDAwMDAw"), "jti_malformed"),
        row("jti of 23 characters", () -> jti("cnNhLWp0aS0wMDAwMDAwMAA"), "jti_malformed"),
        row("jti with padding", () -> jti("cnNhLWp0aS0wMDAwMDAwMA=="), "jti_malformed"),
        row("jti in the base64 alphabet", () -> jti("cnNhLWp0aS0wMDAwMDA+MA"), "jti_malformed"),
        row(
            "jti with a non-canonical last character",
            () -> jti("cnNhLWp0aS0wMDAwMDAwMB"),
            "jti_malformed"),
        row("jti with a space", () -> jti("cnNhLWp0aS0wMDA wMDAwMA"), "jti_malformed"),
        row("jti of 256 characters", () -> jti("a".repeat(256)), "jti_malformed"),
        row("jti a number", () -> withClaims(c -> c.put("jti", 12345)), "jti_missing"),
        row("sid of another form", () -> sid("family-1"), "sid_malformed"),
        row("sid of 64 characters", () -> sid("A".repeat(64)), "sid_malformed"),
        row("sid non-canonical", () -> sid("ZmFtaWx5LTEtMDAwMDAwMB"), "sid_malformed"),
        row("sid empty", () -> sid(""), "sid_missing"),
        row("sid a number", () -> withClaims(c -> c.put("sid", 1)), "sid_missing"),
        row(
            "scope token of 129 characters",
            () -> withClaims(c -> c.put("scope", "orders:read " + "s".repeat(129))),
            "scope_malformed"),
        row("101 scopes", () -> withClaims(c -> c.put("scope", scopes(101))), "scope_malformed"),
        row(
            "a scope twice",
            () -> withClaims(c -> c.put("scope", "orders:read orders:read")),
            "scope_malformed"),
        row(
            "aud string with a space",
            () -> withClaims(c -> c.put("aud", AUDIENCE + " x")),
            "audience_malformed"),
        row(
            "aud list with a value outside the grammar",
            () -> withClaims(c -> c.put("aud", List.of(AUDIENCE, "https://a.example/\u00e9"))),
            "audience_malformed"),
        row(
            "aud list with an empty value",
            () -> withClaims(c -> c.put("aud", List.of(AUDIENCE, ""))),
            "audience_malformed"),
        row(
            "aud list with a value of 257 characters",
            () -> withClaims(c -> c.put("aud", List.of(AUDIENCE, "a".repeat(257)))),
            "audience_malformed"),
        row(
            "aud list of 11 values",
            () -> withClaims(c -> c.put("aud", audiences(11))),
            "audience_malformed"));
  }

  static String client(String clientId) {
    return withClaims(c -> c.put("client_id", clientId));
  }

  static String jti(String jti) {
    return withClaims(c -> c.put("jti", jti));
  }

  static String sid(String sid) {
    return withClaims(c -> c.put("sid", sid));
  }

  /** {@code n} distinct scope tokens. */
  static String scopes(int n) {
    return String.join(" ", java.util.stream.IntStream.range(0, n).mapToObj(i -> "s" + i).toList());
  }

  /** Ours and {@code n - 1} others. */
  static List<String> audiences(int n) {
    List<String> audiences = new java.util.ArrayList<>(List.of(AUDIENCE));
    for (int i = 1; i < n; i++) {
      audiences.add("https://api" + i + ".example.com");
    }
    return audiences;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("attacks")
  void refusesWithThePreciseReason(Row row) {
    String token = row.token().get();

    assertThatThrownBy(() -> verifier.verify(token))
        .isInstanceOf(RequestRejected.class)
        .satisfies(
            e -> {
              RequestRejected rejected = (RequestRejected) e;
              assertThat(rejected.reason()).isEqualTo(row.reason());
              assertThat(rejected.error().code()).isEqualTo("invalid_token");
              assertThat(rejected.status()).isEqualTo(401);
            });
  }

  @Test
  void acceptsAWellFormedTokenAndReportsItsFacts() {
    VerifiedToken token =
        verifier.verify(withClaims(c -> c.put("scope", "orders:read orders:write")));

    assertThat(token.subject()).isEqualTo("workload");
    assertThat(token.clientId()).isEqualTo("workload");
    assertThat(token.scopes()).containsExactly("orders:read", "orders:write");
    assertThat(token.kid()).isEqualTo(RSA.getKeyID());
    assertThat(token.expiresAt()).isEqualTo(NOW.plusSeconds(300));
  }

  static Map<String, Object> chain(int depth) {
    Map<String, Object> act = new java.util.LinkedHashMap<>();
    act.put("sub", "agent-" + depth);
    act.put("client_id", "agent-" + depth);
    if (depth > 1) {
      act.put("act", chain(depth - 1));
    }
    return act;
  }

  static final String ANCESTOR_KID = "ancestorKid1";

  /** A lineage entry as the broker mints it: the ancestor issued at NOW, without a sid. */
  static Map<String, Object> ancestor(String jti, String clientId) {
    return ancestor(jti, clientId, NOW, "sAAAAAAAAAAAAAAAAAAAAA");
  }

  static Map<String, Object> ancestor(String jti, String clientId, Instant iat, String sid) {
    Map<String, Object> entry = new java.util.LinkedHashMap<>();
    entry.put("jti", jti);
    entry.put("client_id", clientId);
    entry.put("iat", iat.getEpochSecond());
    entry.put("kid", ANCESTOR_KID);
    if (sid != null) {
      entry.put("sid", sid);
    }
    return entry;
  }

  static Map<String, Object> ancestorWith(String member, Object value) {
    Map<String, Object> entry = ancestor("jCAAAAAAAAAAAAAAAAAAAA", "user");
    if (value == null) {
      entry.remove(member);
    } else {
      entry.put(member, value);
    }
    return entry;
  }

  @Test
  void readsTheActChainAndTheLineageOfAnExchangedToken() {
    VerifiedToken token =
        verifier.verify(
            withClaims(
                c -> {
                  c.put("act", chain(5));
                  c.put(
                      "lineage",
                      List.of(
                          ancestor("jAAAAAAAAAAAAAAAAAAAAA", "user"),
                          ancestor("jBAAAAAAAAAAAAAAAAAAAA", "agent-5")));
                }));

    assertThat(token.delegationDepth()).isEqualTo(5);
    assertThat(token.actor().get().subject()).isEqualTo("agent-5");
    assertThat(token.actor().get().clientId()).contains("agent-5");
    assertThat(token.actor().get().previous().get().previous().get().subject())
        .isEqualTo("agent-3");
    assertThat(token.actor().get().claim()).isEqualTo(chain(5));
    assertThat(token.lineage())
        .containsExactly(
            new io.tokenbroker.jose.Ancestor(
                "jAAAAAAAAAAAAAAAAAAAAA",
                "user",
                NOW,
                ANCESTOR_KID,
                java.util.Optional.of("sAAAAAAAAAAAAAAAAAAAAA")),
            new io.tokenbroker.jose.Ancestor(
                "jBAAAAAAAAAAAAAAAAAAAA",
                "agent-5",
                NOW,
                ANCESTOR_KID,
                java.util.Optional.of("sAAAAAAAAAAAAAAAAAAAAA")));
    assertThat(verifier.verify(good()).delegationDepth()).isZero();
    assertThat(verifier.verify(good()).lineage()).isEmpty();
  }

  @ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"jti", "client", "key", "family"})
  void refusesATokenWhoseAncestorIsRevoked(String what) {
    String token =
        withClaims(
            c ->
                c.put(
                    "lineage",
                    List.of(
                        ancestor("jAAAAAAAAAAAAAAAAAAAAA", "user"),
                        ancestor("jBAAAAAAAAAAAAAAAAAAAA", "agent-1"))));
    assertThat(verifier.verify(token)).isNotNull();
    if (what.equals("jti")) {
      revoked.revokeToken("jAAAAAAAAAAAAAAAAAAAAA", NOW.plusSeconds(900), "test");
    } else if (what.equals("key")) {
      // The ancestors' signing key (not this token's) is compromised: the child goes too.
      revoked.revokeKey(ANCESTOR_KID, NOW.plusSeconds(900), "test");
    } else if (what.equals("family")) {
      // An ancestor's refresh family is revoked (a refresh token reused, or revoked).
      revoked.revokeFamily("sAAAAAAAAAAAAAAAAAAAAA", NOW.plusSeconds(900), "test");
    } else {
      // The parent's client revoked its tokens after this token's iat: the child goes too.
      revoked.revokeClientTokensBefore("agent-1", NOW.plusSeconds(1), NOW.plusSeconds(900));
    }

    assertThatThrownBy(() -> verifier.verify(token))
        .satisfies(
            e ->
                assertThat(((RequestRejected) e).reason())
                    .isEqualTo(
                        what.equals("client")
                            ? "ancestor_client_tokens_revoked"
                            : "ancestor_revoked"));
  }

  @Test
  void refusesAChildIssuedAfterItsAncestorsClientWatermarkWhenTheAncestorWasIssuedBeforeIt() {
    // The parent (iat NOW - 60) is revoked by a watermark at NOW - 30; the child, issued at NOW,
    // goes with it: the watermark applies to the parent's own iat.
    revoked.revokeClientTokensBefore("user", NOW.minusSeconds(30), NOW.plusSeconds(900));

    assertThatThrownBy(
            () ->
                verifier.verify(
                    withClaims(
                        c ->
                            c.put(
                                "lineage",
                                List.of(
                                    ancestor(
                                        "jAAAAAAAAAAAAAAAAAAAAA",
                                        "user",
                                        NOW.minusSeconds(60),
                                        null))))))
        .satisfies(
            e ->
                assertThat(((RequestRejected) e).reason())
                    .isEqualTo("ancestor_client_tokens_revoked"));
  }

  @Test
  void keepsATokenIssuedAfterItsAncestorsClientWatermark() {
    revoked.revokeClientTokensBefore("agent-1", NOW, NOW.plusSeconds(900));

    assertThat(
            verifier.verify(
                withClaims(
                    c -> c.put("lineage", List.of(ancestor("jAAAAAAAAAAAAAAAAAAAAA", "agent-1"))))))
        .isNotNull();
  }

  @Test
  void reportsTheBindingOfASenderConstrainedToken() {
    VerifiedToken dpop = verifier.verify(withClaims(c -> c.put("cnf", Map.of("jkt", JKT))));
    VerifiedToken mtls = verifier.verify(withClaims(c -> c.put("cnf", Map.of("x5t#S256", JKT))));

    assertThat(dpop.confirmation()).contains(new Confirmation.DpopKey(JKT));
    assertThat(dpop.isBearer()).isFalse();
    assertThat(mtls.confirmation()).contains(new Confirmation.ClientCertificate(JKT));
    assertThat(verifier.verify(good()).isBearer()).isTrue();
  }

  @Test
  void acceptsES256AndAnAudienceList() {
    VerifiedToken token =
        verifier.verify(token(EC, h -> {}, c -> c.put("aud", List.of("https://a", AUDIENCE))));

    assertThat(token.audiences()).containsExactly("https://a", AUDIENCE);
  }

  @Test
  void toleratesTheClockSkewAndNoMore() {
    String token = good();
    clock.set(NOW.plusSeconds(300 + 59));
    assertThat(verifier.verify(token)).isNotNull();

    clock.set(NOW.plusSeconds(300 + 60));
    assertThatThrownBy(() -> verifier.verify(token))
        .satisfies(e -> assertThat(((RequestRejected) e).reason()).isEqualTo("expired"));
  }

  /** The scope check accepts exactly RFC 6749 3.3's scope lists: the rule as a regex, per token. */
  @Test
  void acceptsExactlyTheScopeListsOfRfc6749() {
    java.util.regex.Pattern scopeToken =
        java.util.regex.Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]+");
    for (String scope :
        List.of(
            "",
            " ",
            "a",
            "a b",
            " a",
            "a ",
            "a  b",
            "a\"b",
            "a\\b",
            "a\tb",
            "a\u00e9",
            "a\u007fb",
            "!#[]~ x:y/z",
            "orders:read orders:write",
            "a\u0000",
            "\u0020\u0021")) {
      boolean rfc =
          java.util.Arrays.stream(scope.split(" ", -1))
              .allMatch(t -> scopeToken.matcher(t).matches());
      String token = withClaims(c -> c.put("scope", scope));
      boolean accepted;
      try {
        verifier.verify(token);
        accepted = true;
      } catch (RequestRejected refused) {
        assertThat(refused.reason()).isEqualTo("scope_malformed");
        accepted = false;
      }
      assertThat(accepted).as("scope [%s]", scope).isEqualTo(rfc);
    }
  }

  /**
   * A whole-list regex recursed per scope token and overflowed the stack on long lists. No token
   * carries more than 100 scopes (a client's most) or one scope twice, so such a list is refused,
   * by a check that still does not recurse.
   */
  @Test
  void checksALongScopeListWithoutExhaustingTheStack() {
    String many = String.join(" ", java.util.Collections.nCopies(2500, "a"));
    for (String scope : List.of(many, many + "  b")) {
      assertThatThrownBy(() -> verifier.verify(withClaims(c -> c.put("scope", scope))))
          .isInstanceOf(RequestRejected.class)
          .satisfies(e -> assertThat(((RequestRejected) e).reason()).isEqualTo("scope_malformed"));
    }
  }

  /** Every identifier at the edge of what the broker mints is accepted: no rule is tighter. */
  @Test
  void acceptsEveryIdentifierTheBrokerCanMintUpToItsLimits() {
    String clientId = "Ci.deployer_2:prod-" + "x".repeat(128 - 19);
    String subject =
        ("arn:aws:iam::123456789012:role/!#$%&'()*+,/<=>?@[]^`{|}~" + "s".repeat(256))
            .substring(0, 256);
    String longScope = "!#[]~:" + "s".repeat(122);
    String sid = "ZmFtaWx5LTEtMDAwMDAwMA";
    String jti = "_-_-_-_-_-_-_-_-_-_-_w";
    List<String> audiences = audiences(10);
    audiences.set(9, "a".repeat(256));

    VerifiedToken token =
        verifier.verify(
            withClaims(
                c -> {
                  c.put("client_id", clientId);
                  c.put("sub", subject);
                  c.put("scope", scopes(99) + " " + longScope);
                  c.put("sid", sid);
                  c.put("jti", jti);
                  c.put("aud", audiences);
                }));

    assertThat(token.clientId()).isEqualTo(clientId).hasSize(128);
    assertThat(token.subject()).isEqualTo(subject).hasSize(256);
    assertThat(token.scopes()).hasSize(100).contains(longScope);
    assertThat(token.sessionId()).contains(sid);
    assertThat(token.jti()).isEqualTo(jti);
    assertThat(token.audiences()).hasSize(10);
  }

  @Test
  void acceptsATokenWithoutScope() {
    assertThat(verifier.verify(withClaims(c -> c.remove("scope"))).scopes()).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("revocations")
  void refusesARevokedToken(String what, String reason) {
    Map<String, Object> c = claims();
    c.put("sid", FAMILY_1);
    String token = TestTokens.token(RSA, TestTokens.header(RSA), c);
    switch (what) {
      case "token" -> revoked.revokeToken((String) c.get("jti"), NOW.plusSeconds(900), "test");
      case "key" -> revoked.revokeKey(RSA.getKeyID(), NOW.plusSeconds(900), "test");
      case "family" -> revoked.revokeFamily(FAMILY_1, NOW.plusSeconds(900), "test");
      default ->
          revoked.revokeClientTokensBefore("workload", NOW.plusSeconds(1), NOW.plusSeconds(900));
    }

    assertThatThrownBy(() -> verifier.verify(token))
        .satisfies(e -> assertThat(((RequestRejected) e).reason()).isEqualTo(reason));
  }

  static Stream<Arguments> revocations() {
    return Stream.of(
        Arguments.of("token", "token_revoked"),
        Arguments.of("key", "signing_key_revoked"),
        Arguments.of("family", "refresh_family_revoked"),
        Arguments.of("client", "client_tokens_revoked"));
  }

  @Test
  void keepsATokenIssuedAfterTheClientsWatermark() {
    revoked.revokeClientTokensBefore("workload", NOW, NOW.plusSeconds(900));

    assertThat(verifier.verify(good())).isNotNull();
  }

  @Test
  void keepsATokenOfAnotherFamily() {
    revoked.revokeFamily(FAMILY_1, NOW.plusSeconds(900), "test");

    assertThat(verifier.verify(withClaims(c -> c.put("sid", FAMILY_2))).sessionId())
        .contains(FAMILY_2);
  }

  @Test
  void failsClosedWhenTheRevocationStoreIsDown() {
    AccessTokenVerifier cutOff =
        new AccessTokenVerifier(
            new VerifierPolicy(
                ISSUER, AUDIENCE, Set.of(JWSAlgorithm.RS256), Duration.ZERO, Duration.ofHours(1)),
            new CachingKeyResolver(
                () -> List.of(RSA.toPublicJWK()),
                clock,
                Duration.ofMinutes(5),
                Duration.ofSeconds(30)),
            new CachedRevocations(down(), clock, Duration.ofSeconds(5), 10),
            clock);

    assertThatThrownBy(() -> cutOff.verify(good())).isInstanceOf(ServiceFailure.class);
  }

  private static InMemoryRevocations down() {
    InMemoryRevocations store = new InMemoryRevocations();
    store.failing(true);
    return store;
  }

  private static Map<String, Object> tokenClaims(String token) {
    try {
      return JSONObjectUtils.parse(
          new String(Base64URL.from(parts(token)[1]).decode(), StandardCharsets.UTF_8));
    } catch (java.text.ParseException e) {
      throw new IllegalStateException(e);
    }
  }

  private static JWK withAlg(RSAKey key, String kid) {
    return new RSAKey.Builder(key).keyID(kid).algorithm(JWSAlgorithm.RS256).build();
  }

  private static String keyConfusion() {
    try {
      Map<String, Object> header = TestTokens.header(RSA);
      header.put("alg", "HS256");
      String signingInput = b64(JSONObjectUtils.toJSONString(header)) + "." + b64(payload());
      byte[] secret = RSA.toPublicJWK().toRSAPublicKey().getEncoded();
      byte[] mac =
          new MACSigner(secret)
              .sign(
                  new JWSHeader(JWSAlgorithm.HS256),
                  signingInput.getBytes(StandardCharsets.US_ASCII))
              .decode();
      return signingInput + "." + Base64URL.encode(mac);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String tampered() {
    String[] parts = parts(good());
    String payload = payload().replace("orders:read", "orders:admin");
    return parts[0] + "." + b64(payload) + "." + parts[2];
  }

  /** A signature whose last base64url character carries non-zero unused bits. */
  private static String nonCanonicalSignature() {
    String[] parts = parts(good());
    String signature = parts[2];
    // 256-byte RSA signature: 342 characters, the last carries 4 unused bits.
    char last = signature.charAt(signature.length() - 1);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    char bumped = alphabet.charAt(alphabet.indexOf(last) + 1);
    return parts[0]
        + "."
        + parts[1]
        + "."
        + signature.substring(0, signature.length() - 1)
        + bumped;
  }

  private static String derSignature() {
    String token = token(EC, h -> {}, c -> {});
    String[] parts = parts(token);
    byte[] concat = Base64URL.from(parts[2]).decode();
    try {
      byte[] der = com.nimbusds.jose.crypto.impl.ECDSA.transcodeSignatureToDER(concat);
      return parts[0] + "." + parts[1] + "." + Base64URL.encode(der);
    } catch (com.nimbusds.jose.JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  // Limits: each accepted at its value, refused one over.

  private String reasonRefused(String token) {
    try {
      verifier.verify(token);
    } catch (RequestRejected rejected) {
      assertThat(rejected.error().code()).isEqualTo("invalid_token");
      return rejected.reason();
    }
    throw new AssertionError("verified");
  }

  /** A valid RS256 token of exactly {@code length} characters, padded by a claim. */
  static String tokenOfLength(int length) {
    int signature = 342; // RS256 with a 2048-bit key: 256 bytes
    Map<String, Object> claims = claims();
    claims.put("pad", "");
    int empty = JSONObjectUtils.toJSONString(claims).length();
    for (int spaces = 0; spaces < 4; spaces++) {
      String header = rsaHeader().replace("}", " ".repeat(spaces) + "}");
      int rest = length - b64(header).length() - signature - 2;
      // base64url of n bytes has ceil(4n/3) characters; find the n that fills the rest exactly.
      for (int n = empty; (4 * n + 2) / 3 <= rest; n++) {
        if ((4 * n + 2) / 3 == rest) {
          claims.put("pad", "p".repeat(n - empty));
          String token = rawSigned(header, JSONObjectUtils.toJSONString(claims));
          assertThat(token).hasSize(length);
          return token;
        }
      }
    }
    throw new IllegalStateException("no token of length " + length);
  }

  @Test
  void verifiesATokenUpToTheSizeLimitAndNoLarger() {
    int limit = AccessTokenVerifier.MAX_TOKEN_LENGTH;

    assertThat(verifier.verify(tokenOfLength(limit)).clientId()).isEqualTo("workload");
    assertThat(reasonRefused(tokenOfLength(limit + 1))).isEqualTo("token_too_large");
  }

  /** JSON text with a member {@code deep} nested so the whole object is {@code depth} deep. */
  static String nestedTo(String json, int depth) {
    return "{\"deep\":" + "[".repeat(depth - 1) + "]".repeat(depth - 1) + "," + json.substring(1);
  }

  @Test
  void readsHeaderAndClaimsNestedUpToTheDepthLimitAndNoDeeper() {
    int limit = io.tokenbroker.json.Json.MAX_DEPTH;

    // At the limit the JSON is read, then refused for what it says; one deeper, before reading.
    assertThat(reasonRefused(rawSigned(rsaHeader(), nestedTo(payload(), limit))))
        .isEqualTo("claim_wrong_type");
    assertThat(reasonRefused(rawSigned(rsaHeader(), nestedTo(payload(), limit + 1))))
        .isEqualTo("json_too_deep");
    assertThat(reasonRefused(rawSigned(nestedTo(rsaHeader(), limit), payload())))
        .isEqualTo("unexpected_header_parameter");
    assertThat(reasonRefused(rawSigned(nestedTo(rsaHeader(), limit + 1), payload())))
        .isEqualTo("json_too_deep");
  }
}
