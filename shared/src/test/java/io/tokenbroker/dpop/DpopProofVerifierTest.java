package io.tokenbroker.dpop;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import io.tokenbroker.errors.OAuthError;
import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.testing.DpopProofs;
import io.tokenbroker.testing.InMemoryDpopReplayGuard;
import io.tokenbroker.testing.MutableClock;
import io.tokenbroker.testing.RejectionReasons;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class DpopProofVerifierTest {

  private static final String URL = "https://broker.example.com/token";
  private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
  private static final Duration MAX_AGE = Duration.ofSeconds(60);
  private static final Duration SKEW = Duration.ofSeconds(10);
  private static final String ACCESS_TOKEN = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln";

  private static final ECKey EC = DpopProofs.ecKey();
  private static final RSAKey RS = DpopProofs.rsaKey(JWSAlgorithm.RS256);
  private static final RSAKey PS = DpopProofs.rsaKey(JWSAlgorithm.PS256);
  private static final ECKey OTHER_EC = DpopProofs.ecKey();
  private static final Set<DpopReason> TABLED = EnumSet.noneOf(DpopReason.class);

  private final MutableClock clock = new MutableClock(NOW);
  private final InMemoryDpopReplayGuard replay = new InMemoryDpopReplayGuard();
  private final CountingMac mac = new CountingMac();
  private final DpopNonces nonces =
      new SlotNonces(mac, clock, Duration.ofMinutes(5), SlotNonces.Server.AUTHORIZATION);

  private DpopProofVerifier verifier(boolean withNonces) {
    return new DpopProofVerifier(
        new DpopPolicy(MAX_AGE, SKEW, withNonces ? Optional.of(nonces) : Optional.empty()),
        replay,
        clock);
  }

  private static DpopProofs proof() {
    return DpopProofs.by(EC, "POST", URL, NOW);
  }

  private static DpopRequest tokenRequest(String proof) {
    return DpopRequest.tokenRequest(
        List.of(proof), "POST", URL, Optional.empty(), DpopProofVerifier.ALGORITHMS);
  }

  /** RFC 7638 3.1, by hand: the required members in lexicographic order, no whitespace. */
  private static String thumbprint(ECKey key) throws Exception {
    String json =
        "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\""
            + key.getX()
            + "\",\"y\":\""
            + key.getY()
            + "\"}";
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(
            MessageDigest.getInstance("SHA-256").digest(json.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void acceptsAProofAndNamesItsKeyByItsRfc7638Thumbprint() throws Exception {
    DpopProofs proof = proof();

    DpopProof accepted = verifier(false).verify(tokenRequest(proof.sign()));

    assertThat(accepted.key().thumbprint()).isEqualTo(thumbprint(EC));
    assertThat(accepted.jti()).isEqualTo(proof.jti());
    assertThat(accepted.issuedAt()).isEqualTo(NOW);
  }

  /** Interoperability: a proof as Nimbus's OAuth SDK makes it for its DPoP clients. */
  @Test
  void acceptsAProofMadeByNimbusWithAthAndNonce() throws Exception {
    clock.set(Instant.now()); // the SDK stamps iat with the system clock
    SlotNonces live =
        new SlotNonces(mac, clock, Duration.ofMinutes(5), SlotNonces.Server.AUTHORIZATION);
    String nonce = live.current();
    String proof =
        new com.nimbusds.oauth2.sdk.dpop.DefaultDPoPProofFactory(EC, JWSAlgorithm.ES256)
            .createDPoPJWT(
                "GET",
                java.net.URI.create(URL),
                new com.nimbusds.oauth2.sdk.token.DPoPAccessToken(ACCESS_TOKEN),
                new com.nimbusds.openid.connect.sdk.Nonce(nonce))
            .serialize();
    String jkt =
        com.nimbusds.oauth2.sdk.dpop.JWKThumbprintConfirmation.of(EC).getValue().toString();

    DpopProof accepted =
        new DpopProofVerifier(new DpopPolicy(MAX_AGE, SKEW, Optional.of(live)), replay, clock)
            .verify(DpopRequest.resourceRequest(List.of(proof), "GET", URL, ACCESS_TOKEN, jkt));

    assertThat(accepted.key().thumbprint()).isEqualTo(jkt);
  }

  @ParameterizedTest
  @ValueSource(strings = {"RS256", "PS256", "ES256"})
  void acceptsEachAllowedAlgorithm(String alg) {
    JWK key =
        switch (alg) {
          case "RS256" -> RS;
          case "PS256" -> PS;
          default -> EC;
        };
    DpopProof accepted =
        verifier(false).verify(tokenRequest(DpopProofs.by(key, "POST", URL, NOW).sign()));

    assertThat(accepted.key().thumbprint()).hasSize(43);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://broker.example.com/token",
        "HTTPS://Broker.EXAMPLE.com/token",
        "https://broker.example.com:443/token",
        "https://broker.example.com/token?grant_type=x",
        "https://broker.example.com/token#frag",
        "https://broker.example.com/./token",
        "https://broker.example.com/a/../token",
        "https://broker.example.com/%74oken"
      })
  void comparesHtuAsRfc3986NormalizesIt(String htu) {
    DpopProof accepted = verifier(false).verify(tokenRequest(proof().claim("htu", htu).sign()));

    assertThat(accepted).isNotNull();
  }

  @Test
  void acceptsAProofAtTheEdgesOfItsWindow() {
    verifier(false)
        .verify(tokenRequest(proof().claim("iat", NOW.plus(SKEW).getEpochSecond()).sign()));
    verifier(false)
        .verify(
            tokenRequest(
                proof().claim("iat", NOW.minus(MAX_AGE).minus(SKEW).getEpochSecond()).sign()));
  }

  @Test
  void keepsAUsedProofUntilItsLastAcceptableInstant() {
    verifier(false).verify(tokenRequest(proof().sign()));

    assertThat(replay.writes()).isEqualTo(1);
    // The one id written is kept until iat + maxAge + skew.
    assertThat(replay.keptUntilAll()).containsExactly(NOW.plus(MAX_AGE).plus(SKEW));
  }

  @Test
  void bindsAProofToTheTokenAtAProtectedResource() {
    String proof = DpopProofs.by(EC, "GET", URL, NOW).ath(ACCESS_TOKEN).sign();

    DpopProof accepted =
        verifier(false)
            .verify(
                DpopRequest.resourceRequest(
                    List.of(proof), "GET", URL, ACCESS_TOKEN, thumbprintOf(EC)));

    assertThat(accepted.key().thumbprint()).isEqualTo(thumbprintOf(EC));
  }

  record Case(
      String name, DpopReason reason, Function<DpopProofVerifierTest, RequestRejected> run) {
    @Override
    public String toString() {
      return name;
    }
  }

  private RequestRejected refused(boolean withNonces, DpopRequest request) {
    try {
      verifier(withNonces).verify(request);
    } catch (RequestRejected rejected) {
      return rejected;
    }
    throw new AssertionError("accepted");
  }

  private RequestRejected refused(DpopProofs proof) {
    return refused(false, tokenRequest(proof.sign()));
  }

  private RequestRejected refusedHeaders(List<String> headers) {
    return refused(
        false,
        DpopRequest.tokenRequest(
            headers, "POST", URL, Optional.empty(), DpopProofVerifier.ALGORITHMS));
  }

  private static Case row(String name, DpopReason reason, Function<DpopProofs, DpopProofs> broken) {
    return new Case(name, reason, t -> t.refused(broken.apply(proof())));
  }

  static Stream<Case> rejections() throws Exception {
    RSAKey weak = new RSAKeyGenerator(1024, true).algorithm(JWSAlgorithm.RS256).generate();
    String good = proof().sign();
    return Stream.of(
        new Case("no DPoP header", DpopReason.PROOF_MISSING, t -> t.refusedHeaders(List.of())),
        new Case(
            "empty DPoP header", DpopReason.PROOF_MISSING, t -> t.refusedHeaders(List.of(" "))),
        new Case(
            "two DPoP headers",
            DpopReason.MULTIPLE_PROOFS,
            t -> t.refusedHeaders(List.of(good, proof().sign()))),
        new Case(
            "two proofs folded into one header",
            DpopReason.MULTIPLE_PROOFS,
            t -> t.refusedHeaders(List.of(good + ", " + proof().sign()))),
        new Case(
            "a proof over the size cap",
            DpopReason.PROOF_TOO_LARGE,
            t -> t.refusedHeaders(List.of("a".repeat(DpopProofVerifier.MAX_PROOF_LENGTH + 1)))),
        new Case(
            "not a JWS", DpopReason.PROOF_MALFORMED, t -> t.refusedHeaders(List.of("abc.def"))),
        new Case("a JWE", DpopReason.PROOF_MALFORMED, t -> t.refusedHeaders(List.of("a.b.c.d.e"))),
        row("header not JSON", DpopReason.HEADER_MALFORMED, p -> p.rawHeader("not json")),
        row("crit in header", DpopReason.CRIT_NOT_UNDERSTOOD, p -> p.header("crit", List.of("x"))),
        row("typ JWT", DpopReason.TYP_NOT_DPOP_JWT, p -> p.header("typ", "JWT")),
        row("typ in other case", DpopReason.TYP_NOT_DPOP_JWT, p -> p.header("typ", "DPoP+JWT")),
        row("typ missing", DpopReason.TYP_NOT_DPOP_JWT, p -> p.withoutHeader("typ")),
        row("alg missing", DpopReason.ALG_MISSING, p -> p.withoutHeader("alg")),
        row("alg none", DpopReason.ALG_NOT_ASYMMETRIC, p -> p.header("alg", "none")),
        row("alg HS256", DpopReason.ALG_NOT_ASYMMETRIC, p -> p.header("alg", "HS256")),
        row(
            "alg ES384 (not allow-listed)",
            DpopReason.ALG_NOT_ALLOWED,
            p -> p.header("alg", "ES384")),
        new Case(
            "alg not the client's",
            DpopReason.ALG_NOT_ALLOWED,
            t ->
                t.refused(
                    false,
                    DpopRequest.tokenRequest(
                        List.of(good),
                        "POST",
                        URL,
                        Optional.empty(),
                        List.of(JWSAlgorithm.RS256)))),
        row("jwk missing", DpopReason.JWK_MISSING, p -> p.withoutHeader("jwk")),
        row(
            "jwk with the private key",
            DpopReason.JWK_PRIVATE,
            p -> p.header("jwk", EC.toJSONObject())),
        row(
            "jwk with an RSA private member",
            DpopReason.JWK_PRIVATE,
            p ->
                DpopProofs.by(RS, "POST", URL, NOW)
                    .header("jwk", withMember(RS.toPublicJWK().toJSONObject(), "p", "AQAB"))),
        row(
            "jwk a symmetric key",
            DpopReason.JWK_PRIVATE,
            p -> p.header("jwk", Map.of("kty", "oct", "k", "c2VjcmV0"))),
        row("jwk a string", DpopReason.JWK_MALFORMED, p -> p.header("jwk", "key")),
        row(
            "jwk of an unsupported type",
            DpopReason.JWK_MALFORMED,
            p -> p.header("jwk", Map.of("kty", "OKP", "crv", "Ed25519", "x", "abc"))),
        row(
            "jwk EC point broken",
            DpopReason.JWK_MALFORMED,
            p -> p.header("jwk", withMember(EC.toPublicJWK().toJSONObject(), "x", "AAAA"))),
        row(
            "jwk RSA under ES256",
            DpopReason.JWK_UNFIT_FOR_ALG,
            p -> p.header("jwk", RS.toPublicJWK().toJSONObject())),
        row(
            "jwk RSA 1024",
            DpopReason.JWK_UNFIT_FOR_ALG,
            p -> DpopProofs.by(weak, "POST", URL, NOW)),
        row("signed by another key", DpopReason.BAD_SIGNATURE, p -> p.signedBy(OTHER_EC)),
        row("claims not JSON", DpopReason.CLAIMS_MALFORMED, p -> p.rawClaims("[1]")),
        row("jti missing", DpopReason.JTI_MISSING, p -> p.withoutClaim("jti")),
        row("jti empty", DpopReason.JTI_MISSING, p -> p.claim("jti", "")),
        row("jti too long", DpopReason.JTI_MISSING, p -> p.claim("jti", "j".repeat(257))),
        row("htm missing", DpopReason.HTM_MISSING, p -> p.withoutClaim("htm")),
        row("htu missing", DpopReason.HTU_MISSING, p -> p.withoutClaim("htu")),
        row("iat missing", DpopReason.IAT_MISSING, p -> p.withoutClaim("iat")),
        row("iat a string", DpopReason.IAT_MISSING, p -> p.claim("iat", "1764504000")),
        row("htm GET for a POST", DpopReason.HTM_MISMATCH, p -> p.claim("htm", "GET")),
        row("htm in lower case", DpopReason.HTM_MISMATCH, p -> p.claim("htm", "post")),
        row(
            "htu of another host",
            DpopReason.HTU_MISMATCH,
            p -> p.claim("htu", "https://evil.example.com/token")),
        row(
            "htu of another path",
            DpopReason.HTU_MISMATCH,
            p -> p.claim("htu", "https://broker.example.com/token/iam")),
        row(
            "htu over http",
            DpopReason.HTU_MISMATCH,
            p -> p.claim("htu", "http://broker.example.com/token")),
        row(
            "htu on another port",
            DpopReason.HTU_MISMATCH,
            p -> p.claim("htu", "https://broker.example.com:8443/token")),
        row("htu not a URL", DpopReason.HTU_MISMATCH, p -> p.claim("htu", "/token")),
        row(
            "htu with user info",
            DpopReason.HTU_MISMATCH,
            p -> p.claim("htu", "https://u@broker.example.com/token")),
        new Case(
            "nonce missing when required",
            DpopReason.NONCE_MISSING,
            t -> t.refused(true, tokenRequest(proof().sign()))),
        new Case(
            "nonce forged",
            DpopReason.NONCE_STALE,
            t -> t.refused(true, tokenRequest(proof().claim("nonce", "0.AAAA").sign()))),
        row(
            "iat too old",
            DpopReason.IAT_TOO_OLD,
            p -> p.claim("iat", NOW.minus(MAX_AGE).minus(SKEW).minusSeconds(1).getEpochSecond())),
        row(
            "iat in the future",
            DpopReason.IAT_IN_FUTURE,
            p -> p.claim("iat", NOW.plus(SKEW).plusSeconds(1).getEpochSecond())),
        new Case(
            "ath missing at a resource",
            DpopReason.ATH_MISSING,
            t ->
                t.refused(
                    false,
                    DpopRequest.resourceRequest(
                        List.of(proof().sign()), "POST", URL, ACCESS_TOKEN, thumbprintOf(EC)))),
        new Case(
            "ath of another token",
            DpopReason.ATH_MISMATCH,
            t ->
                t.refused(
                    false,
                    DpopRequest.resourceRequest(
                        List.of(proof().ath(ACCESS_TOKEN + "x").sign()),
                        "POST",
                        URL,
                        ACCESS_TOKEN,
                        thumbprintOf(EC)))),
        new Case(
            "key not the one the token is bound to",
            DpopReason.KEY_MISMATCH,
            t ->
                t.refused(
                    false,
                    DpopRequest.resourceRequest(
                        List.of(proof().ath(ACCESS_TOKEN).sign()),
                        "POST",
                        URL,
                        ACCESS_TOKEN,
                        thumbprintOf(OTHER_EC)))),
        new Case(
            "a replayed proof",
            DpopReason.PROOF_REPLAYED,
            t -> {
              String once = proof().sign();
              t.verifier(false).verify(tokenRequest(once));
              return t.refused(false, tokenRequest(once));
            }));
  }

  private static Map<String, Object> withMember(Map<String, Object> json, String name, Object v) {
    Map<String, Object> copy = new java.util.LinkedHashMap<>(json);
    copy.put(name, v);
    return copy;
  }

  private static String thumbprintOf(ECKey key) {
    try {
      return thumbprint(key);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rejections")
  void refuses(Case row) {
    int writesBefore = replay.writes();

    RequestRejected rejected = row.run().apply(this);

    assertThat(rejected.rejectionReason()).isEqualTo(row.reason());
    assertThat(rejected.error()).isEqualTo(row.reason().error());
    assertThat(rejected.status()).isEqualTo(400);
    assertThat(rejected.description()).isEqualTo(row.reason().description());
    if (row.reason() != DpopReason.PROOF_REPLAYED) {
      assertThat(replay.writes()).as("a refused proof costs no write").isEqualTo(writesBefore);
    }
    synchronized (TABLED) {
      TABLED.add(row.reason());
    }
  }

  @AfterAll
  static void everyReasonHasARow() {
    if (TABLED.isEmpty()) {
      return; // the table did not run (a single test was selected)
    }
    assertThat(TABLED).containsExactlyInAnyOrder(DpopReason.values());
  }

  @Test
  void logsEveryReasonUnderItsOwnSnakeCaseName() {
    RejectionReasons.assertDistinctAndSnakeCase(DpopReason.class);
  }

  @Test
  void asksForANonceWithTheCurrentOneInTheAnswer() {
    RequestRejected rejected = refused(true, tokenRequest(proof().sign()));

    assertThat(rejected.error()).isEqualTo(OAuthError.USE_DPOP_NONCE);
    assertThat(rejected.headers()).containsEntry("DPoP-Nonce", nonces.current());
  }

  @Test
  void acceptsAProofCarryingTheGivenNonceAndItsSuccessorSlot() {
    String nonce = refused(true, tokenRequest(proof().sign())).headers().get("DPoP-Nonce");

    verifier(true).verify(tokenRequest(proof().claim("nonce", nonce).sign()));
    clock.advance(Duration.ofMinutes(5));
    verifier(true)
        .verify(
            tokenRequest(
                DpopProofs.by(EC, "POST", URL, clock.instant()).claim("nonce", nonce).sign()));
    clock.advance(Duration.ofMinutes(5));
    RequestRejected stale =
        refused(
            true,
            tokenRequest(
                DpopProofs.by(EC, "POST", URL, clock.instant()).claim("nonce", nonce).sign()));

    assertThat(stale.rejectionReason()).isEqualTo(DpopReason.NONCE_STALE);
    assertThat(stale.headers().get("DPoP-Nonce")).isNotEqualTo(nonce);
  }

  @Test
  void refusesANonceOfAFarSlotWithoutAskingTheKey() {
    nonces.current();
    int calls = mac.calls;

    assertThat(nonces.accepts("12." + "A".repeat(43))).isFalse();
    assertThat(nonces.accepts("not-a-nonce")).isFalse();
    assertThat(mac.calls).isEqualTo(calls);
  }

  @Test
  void asksTheKeyOncePerSlot() {
    for (int i = 0; i < 10; i++) {
      nonces.accepts(nonces.current());
    }
    assertThat(mac.calls).isEqualTo(1);
  }

  /** An HMAC in the JVM, standing in for KMS, counting calls. */
  static final class CountingMac implements NonceMac {
    int calls;
    private final byte[] secret =
        "test-secret-of-32-bytes-length!!".getBytes(StandardCharsets.US_ASCII);

    @Override
    public byte[] mac(byte[] message) {
      calls++;
      try {
        javax.crypto.Mac hmac = javax.crypto.Mac.getInstance("HmacSHA256");
        hmac.init(new javax.crypto.spec.SecretKeySpec(secret, "HmacSHA256"));
        return hmac.doFinal(message);
      } catch (java.security.GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
