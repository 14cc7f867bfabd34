package io.tokenbroker.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.RSAKey;
import io.tokenbroker.clients.Client;
import io.tokenbroker.errors.OAuthError;
import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.errors.ServiceFailure;
import io.tokenbroker.testing.Clients;
import io.tokenbroker.testing.InMemoryOutsideTokenReplayGuard;
import io.tokenbroker.testing.MutableClock;
import io.tokenbroker.testing.OutsideTokens;
import io.tokenbroker.testing.RecordingTelemetry;
import io.tokenbroker.tokens.TokenDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Outside tokens under trust policies: what is accepted, and each rule that refuses. */
class OutsideTokenVerifierTest {

  static final String AUDIENCE = "https://broker.example.com";
  static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
  static final Duration SKEW = Duration.ofSeconds(60);

  final MutableClock clock = new MutableClock(NOW);
  final OutsideTokens.Keys keys =
      new OutsideTokens.Keys()
          .with(OutsideTokens.GITHUB, OutsideTokens.rsaKey(), OutsideTokens.ecKey());
  final InMemoryOutsideTokenReplayGuard replays = new InMemoryOutsideTokenReplayGuard();
  final RecordingTelemetry telemetry = new RecordingTelemetry();
  final OutsideTokenVerifier verifier =
      new OutsideTokenVerifier(keys, replays, clock, SKEW, telemetry);

  static Map<String, Object> githubPolicy() {
    Map<String, Object> policy = new LinkedHashMap<>();
    policy.put("name", "deploy-from-main");
    policy.put("issuer", OutsideTokens.GITHUB);
    policy.put("audience", AUDIENCE);
    policy.put("subject", "repo:acme/deployer:ref:refs/heads/main");
    policy.put(
        "claims",
        Map.of(
            "repository_owner_id",
            "1234567",
            "job_workflow_ref",
            Map.of(
                "pattern", "^acme/workflows/\\.github/workflows/deploy\\.yml@refs/heads/main$")));
    policy.put("algorithms", List.of("RS256", "ES256"));
    policy.put("max_token_age_seconds", 900);
    return policy;
  }

  static Client client(List<Map<String, Object>> policies) {
    Map<String, Object> json = Clients.json("deployer");
    json.put("trust_policies", policies);
    return Clients.parse(json);
  }

  static Map<String, Object> claims() {
    return OutsideTokens.githubClaims(AUDIENCE, NOW.minusSeconds(10));
  }

  OutsideTokenVerifier.Accepted verify(Client client, String token) {
    return verifier.verify(client.clientId(), client.trustPolicies(), token);
  }

  @Test
  void acceptsAGithubTokenMatchingThePolicyAndRecordsWhatItMatched() {
    String token = OutsideTokens.sign(claims());

    var accepted = verify(client(List.of(githubPolicy())), token);

    assertThat(accepted.policy().name()).isEqualTo("deploy-from-main");
    assertThat(accepted.identity().issuer()).isEqualTo(OutsideTokens.GITHUB);
    assertThat(accepted.identity().subject()).isEqualTo("repo:acme/deployer:ref:refs/heads/main");
    assertThat(accepted.identity().matchedClaims())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "repository_owner_id",
                "1234567",
                "job_workflow_ref",
                "acme/workflows/.github/workflows/deploy.yml@refs/heads/main"));
    assertThat(accepted.identity().tokenSha256()).isEqualTo(TokenDigest.sha256(token));
    assertThat(telemetry.named("federation.accepted").getFirst().fields())
        .containsEntry("policy", "deploy-from-main")
        .doesNotContainValue(token);
  }

  @Test
  void acceptsAnEs256TokenWhenThePolicyAllowsIt() {
    String token = OutsideTokens.sign(OutsideTokens.ecKey(), JWSAlgorithm.ES256, claims(), h -> {});

    assertThat(verify(client(List.of(githubPolicy())), token).policy().name())
        .isEqualTo("deploy-from-main");
  }

  @Test
  void theFirstMatchingPolicyInOrderWins() {
    Map<String, Object> other = githubPolicy();
    other.put("name", "other-repo");
    other.put("subject", "repo:acme/other:ref:refs/heads/main");
    Map<String, Object> broad = githubPolicy();
    broad.put("name", "any-acme-branch");
    broad.put("subject", Map.of("pattern", "^repo:acme/deployer:ref:refs/heads/.+$"));
    Map<String, Object> exact = githubPolicy();

    var accepted = verify(client(List.of(other, broad, exact)), OutsideTokens.sign(claims()));

    assertThat(accepted.policy().name()).isEqualTo("any-acme-branch");
    assertThat(telemetry.named("federation.accepted").getFirst().fields())
        .containsEntry("refused_before", "other-repo:federation_subject_mismatch");
  }

  @Test
  void aNameRepeatedInsideANestedClaimIsMalformedNotTheLastOneWins() throws Exception {
    Map<String, Object> policy = githubPolicy();
    policy.put(
        "claims", Map.of("repository_owner_id", "1234567", "/kubernetes.io/namespace", "payments"));
    Map<String, Object> claims = claims();
    claims.put("kubernetes.io", Map.of("namespace", "@NS@"));
    String json =
        com.nimbusds.jose.util.JSONObjectUtils.toJSONString(claims)
            .replace("\"@NS@\"", "\"x\",\"namespace\":\"payments\"");
    var jws =
        new com.nimbusds.jose.JWSObject(
            new com.nimbusds.jose.JWSHeader.Builder(JWSAlgorithm.RS256)
                .keyID(OutsideTokens.rsaKey().getKeyID())
                .build(),
            new com.nimbusds.jose.Payload(json));
    jws.sign(new com.nimbusds.jose.crypto.RSASSASigner(OutsideTokens.rsaKey()));
    assertThat(json).contains("{\"namespace\":\"x\",\"namespace\":\"payments\"}");

    assertRefused(
        () -> verify(client(List.of(policy)), jws.serialize()), FederationReason.MALFORMED);
  }

  @Test
  void matchesNestedClaimsByJsonPointerAndKeepsReusableTokens() {
    Map<String, Object> policy = new LinkedHashMap<>();
    policy.put("name", "payments-deployer");
    policy.put("issuer", "https://kubernetes.example.com");
    policy.put("audience", AUDIENCE);
    policy.put("subject", Map.of("pattern", "^system:serviceaccount:payments:[a-z-]+$"));
    policy.put(
        "claims",
        Map.of(
            "/kubernetes.io/namespace",
            "payments",
            "/kubernetes.io/serviceaccount/name",
            "deployer"));
    policy.put("single_use", false);
    keys.with("https://kubernetes.example.com", OutsideTokens.rsaKey());
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("iss", "https://kubernetes.example.com");
    claims.put("sub", "system:serviceaccount:payments:deployer");
    claims.put("aud", List.of("https://other.example.com", AUDIENCE));
    claims.put("iat", NOW.getEpochSecond() - 600);
    claims.put("exp", NOW.getEpochSecond() + 3000);
    claims.put("jti", "k8s-1");
    claims.put(
        "kubernetes.io",
        Map.of(
            "namespace", "payments", "serviceaccount", Map.of("name", "deployer", "uid", "8f0c")));
    String token = OutsideTokens.sign(OutsideTokens.rsaKey(), JWSAlgorithm.RS256, claims, h -> {});
    Client client = client(List.of(policy));

    var first = verify(client, token);
    var again = verify(client, token);

    assertThat(first.identity().matchedClaims())
        .containsEntry("/kubernetes.io/namespace", "payments")
        .containsEntry("/kubernetes.io/serviceaccount/name", "deployer");
    assertThat(again.policy().name()).isEqualTo("payments-deployer");
    assertThat(replays.writes()).isZero();
  }

  @Test
  void aSingleUseTokensJtiIsSpentOnceByItsHandleAndKeptUntilItExpires() {
    Map<String, Object> claims = claims();
    String token = OutsideTokens.sign(claims);
    Client client = client(List.of(githubPolicy()));

    var first = verify(client, token);
    var second = verify(client, token);
    assertThat(replays.writes()).as("verification writes nothing").isZero();
    first.singleUse().spend();

    assertThat(replays.keptUntilAll())
        .containsExactly(Instant.ofEpochSecond((Long) claims.get("exp")));
    assertRefused(() -> second.singleUse().spend(), FederationReason.REPLAYED);
    assertRefused(() -> verify(client, token).singleUse().spend(), FederationReason.REPLAYED);
  }

  @Test
  void anOutsideActorTokensRefusalNamesActorToken() {
    Client client = client(List.of(githubPolicy()));
    Map<String, Object> claims = claims();
    claims.put("aud", "https://elsewhere.example.com");

    assertThatThrownBy(
            () ->
                verifier.verify(
                    client.clientId(),
                    client.trustPolicies(),
                    OutsideTokens.sign(claims),
                    "actor_token"))
        .isInstanceOfSatisfying(
            RequestRejected.class,
            rejected ->
                assertThat(rejected.description()).isEqualTo("actor_token is not acceptable"));
  }

  @Test
  void aSingleUseTokenWithoutJtiPasses() {
    Map<String, Object> claims = claims();
    claims.remove("jti");
    Client client = client(List.of(githubPolicy()));
    String token = OutsideTokens.sign(claims);

    verify(client, token).singleUse().spend();
    verify(client, token).singleUse().spend();

    assertThat(replays.writes()).isZero();
  }

  @Test
  void anIssuerOutageIsAServiceFailureNotARefusal() {
    IssuerKeys down =
        (issuer, kid) -> {
          throw new ServiceFailure("outside-issuer", "JWKS unavailable", true, null);
        };
    var failing = new OutsideTokenVerifier(down, replays, clock, SKEW, telemetry);
    Client client = client(List.of(githubPolicy()));

    assertThatThrownBy(
            () ->
                failing.verify(
                    client.clientId(), client.trustPolicies(), OutsideTokens.sign(claims())))
        .isInstanceOf(ServiceFailure.class);
  }

  @Test
  void aPinnedJwksUriDownDoesNotStopTheIssuersNextPolicyAndDecidesOnlyWhenNoneMatches() {
    Map<String, Object> pinned = githubPolicy();
    pinned.put("name", "pinned-down");
    pinned.put("jwks_uri", "https://keys.example.com/jwks");
    Map<String, Object> discovered = githubPolicy();
    discovered.put("name", "discovered");
    IssuerKeys pinnedDown =
        (issuer, kid) -> {
          if (issuer.jwksUri().isPresent()) {
            throw new ServiceFailure("outside-issuer", "JWKS unavailable", true, null);
          }
          return keys.key(issuer, kid);
        };
    var verifying = new OutsideTokenVerifier(pinnedDown, replays, clock, SKEW, telemetry);
    Client client = client(List.of(pinned, discovered));

    var accepted =
        verifying.verify(client.clientId(), client.trustPolicies(), OutsideTokens.sign(claims()));

    assertThat(accepted.policy().name()).isEqualTo("discovered");
    // When no other policy matches, the one whose keys are down might have: an outage, not a no.
    Map<String, Object> other = claims();
    other.put("sub", "repo:acme/other:ref:refs/heads/main");
    assertThatThrownBy(
            () ->
                verifying.verify(
                    client.clientId(), client.trustPolicies(), OutsideTokens.sign(other)))
        .isInstanceOfSatisfying(ServiceFailure.class, f -> assertThat(f.retryable()).isTrue());
  }

  @Test
  void keysThatMayNotBeHadAtAllRefuseTheToken() {
    IssuerKeys refused =
        (issuer, kid) -> {
          throw new ServiceFailure("outside-issuer", "JWKS on a private address", false, null);
        };
    var verifying = new OutsideTokenVerifier(refused, replays, clock, SKEW, telemetry);
    Client client = client(List.of(githubPolicy()));

    assertRefused(
        () ->
            verifying.verify(
                client.clientId(), client.trustPolicies(), OutsideTokens.sign(claims())),
        FederationReason.ISSUER_KEYS_REFUSED);
  }

  @Test
  void theKeysOfAnIssuerAreAskedOncePerTokenWhateverTheNumberOfPolicies() {
    Map<String, Object> second = githubPolicy();
    second.put("name", "second");
    second.put("subject", "repo:acme/other:ref:refs/heads/main");
    Map<String, Object> third = githubPolicy();
    third.put("name", "third");
    third.put("subject", "repo:acme/third:ref:refs/heads/main");

    assertRefused(
        () -> verify(client(List.of(second, third)), OutsideTokens.sign(claims())),
        FederationReason.SUBJECT_MISMATCH);
    assertThat(keys.lookups()).isEqualTo(1);
  }

  static Stream<Arguments> refusals() {
    RSAKey attacker = OutsideTokens.rsa("rsa-1"); // same kid as the issuer's key
    List<Arguments> cases = new ArrayList<>();
    cases.add(
        refused(
            "wrong audience",
            c -> c.put("aud", "https://elsewhere.example.com"),
            FederationReason.AUDIENCE_MISMATCH));
    cases.add(
        refused(
            "audience only as a prefix",
            c -> c.put("aud", AUDIENCE + "/x"),
            FederationReason.AUDIENCE_MISMATCH));
    cases.add(refused("no audience", c -> c.remove("aud"), FederationReason.AUDIENCE_MISMATCH));
    cases.add(
        refused(
            "unknown issuer",
            c -> c.put("iss", "https://evil.example.com"),
            FederationReason.UNKNOWN_ISSUER));
    cases.add(
        refused(
            "issuer with a trailing slash",
            c -> c.put("iss", OutsideTokens.GITHUB + "/"),
            FederationReason.UNKNOWN_ISSUER));
    cases.add(refused("no issuer", c -> c.remove("iss"), FederationReason.UNKNOWN_ISSUER));
    cases.add(
        refused("expired", c -> c.put("exp", NOW.getEpochSecond() - 61), FederationReason.EXPIRED));
    cases.add(refused("no exp", c -> c.remove("exp"), FederationReason.EXPIRATION_MISSING));
    cases.add(refused("no iat", c -> c.remove("iat"), FederationReason.ISSUED_AT_MISSING));
    cases.add(
        refused(
            "iat in the future",
            c -> c.put("iat", NOW.getEpochSecond() + 61),
            FederationReason.ISSUED_IN_FUTURE));
    cases.add(
        refused(
            "nbf in the future",
            c -> c.put("nbf", NOW.getEpochSecond() + 61),
            FederationReason.NOT_YET_VALID));
    cases.add(
        refused(
            "older than max_token_age",
            c -> {
              c.put("iat", NOW.getEpochSecond() - 961);
              c.put("nbf", NOW.getEpochSecond() - 961);
            },
            FederationReason.TOO_OLD));
    cases.add(refused("no sub", c -> c.remove("sub"), FederationReason.SUBJECT_MISSING));
    cases.add(
        refused(
            "another branch",
            c -> c.put("sub", "repo:acme/deployer:ref:refs/heads/dev"),
            FederationReason.SUBJECT_MISMATCH));
    cases.add(
        refused(
            "subject with a suffix",
            c -> c.put("sub", "repo:acme/deployer:ref:refs/heads/main-x"),
            FederationReason.SUBJECT_MISMATCH));
    cases.add(
        refused(
            "another owner id",
            c -> c.put("repository_owner_id", "7654321"),
            FederationReason.CLAIM_MISMATCH));
    cases.add(
        refused(
            "a claim missing",
            c -> c.remove("repository_owner_id"),
            FederationReason.CLAIM_MISMATCH));
    cases.add(
        refused(
            "a claim as an array",
            c -> c.put("repository_owner_id", List.of("1234567")),
            FederationReason.CLAIM_MISMATCH));
    cases.add(
        refused(
            "pattern value inside a longer value",
            c -> c.put("job_workflow_ref", "evil/" + c.get("job_workflow_ref")),
            FederationReason.CLAIM_MISMATCH));
    cases.add(
        refused(
            "a string where a number is",
            c -> c.put("exp", "4102444800"),
            FederationReason.MALFORMED));
    cases.add(
        token(
            "HS256 with the public key as secret",
            c ->
                OutsideTokens.sign(
                    new com.nimbusds.jose.jwk.OctetSequenceKey.Builder(
                            OutsideTokens.rsaKey().toPublicJWK().toJSONString().getBytes())
                        .keyID("rsa-1")
                        .build(),
                    JWSAlgorithm.HS256,
                    c,
                    h -> {}),
            FederationReason.ALGORITHM_NOT_ALLOWED));
    cases.add(
        token(
            "alg outside the policy's list",
            c -> OutsideTokens.sign(OutsideTokens.rsaKey(), JWSAlgorithm.PS256, c, h -> {}),
            FederationReason.ALGORITHM_NOT_ALLOWED));
    cases.add(token("alg none", c -> unsigned(c), FederationReason.MALFORMED));
    cases.add(
        token(
            "forged signature",
            c -> OutsideTokens.sign(attacker, JWSAlgorithm.RS256, c, h -> {}),
            FederationReason.BAD_SIGNATURE));
    cases.add(
        token(
            "forged, with the attacker's key in jwk",
            c ->
                OutsideTokens.sign(
                    attacker, JWSAlgorithm.RS256, c, h -> h.jwk(attacker.toPublicJWK())),
            FederationReason.BAD_SIGNATURE));
    cases.add(
        token(
            "unknown kid",
            c -> OutsideTokens.sign(OutsideTokens.rsa("rsa-2"), JWSAlgorithm.RS256, c, h -> {}),
            FederationReason.KEY_UNKNOWN));
    cases.add(
        token(
            "no kid",
            c ->
                OutsideTokens.sign(
                    OutsideTokens.rsaKey(), JWSAlgorithm.RS256, c, h -> h.keyID(null)),
            FederationReason.KID_MISSING));
    cases.add(
        token(
            "crit",
            c ->
                OutsideTokens.sign(
                    OutsideTokens.rsaKey(),
                    JWSAlgorithm.RS256,
                    c,
                    h -> h.criticalParams(java.util.Set.of("exp")).customParam("exp", 1)),
            FederationReason.CRITICAL_HEADER));
    cases.add(
        token(
            "typ at+jwt",
            c ->
                OutsideTokens.sign(
                    OutsideTokens.rsaKey(),
                    JWSAlgorithm.RS256,
                    c,
                    h -> h.type(new com.nimbusds.jose.JOSEObjectType("at+jwt"))),
            FederationReason.TYP_NOT_ACCEPTED));
    cases.add(
        token(
            "ES256 signed, kid of the RSA key",
            c -> OutsideTokens.sign(OutsideTokens.ec("rsa-1"), JWSAlgorithm.ES256, c, h -> {}),
            FederationReason.KEY_UNFIT));
    cases.add(
        token(
            "a tampered payload",
            c -> tamper(OutsideTokens.sign(c)),
            FederationReason.BAD_SIGNATURE));
    cases.add(token("not a JWS", c -> "not.a-token", FederationReason.MALFORMED));
    return cases.stream();
  }

  static Arguments refused(
      String what, Consumer<Map<String, Object>> change, FederationReason reason) {
    return token(
        what,
        claims -> {
          change.accept(claims);
          return OutsideTokens.sign(claims);
        },
        reason);
  }

  static Arguments token(
      String what,
      java.util.function.Function<Map<String, Object>, String> mint,
      FederationReason reason) {
    return Arguments.of(what, mint, reason);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void refusesWithTheSameAnswerAndLogsTheReason(
      String what,
      java.util.function.Function<Map<String, Object>, String> mint,
      FederationReason reason) {
    String token = mint.apply(claims());

    assertRefused(() -> verify(client(List.of(githubPolicy())), token), reason);
    assertThat(telemetry.named("federation.refused").getFirst().fields())
        .containsEntry("reason", reason.logName());
    assertThat(telemetry.everything()).doesNotContain(token);
    assertThat(replays.writes()).isZero();
  }

  static void assertRefused(Runnable call, FederationReason reason) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            RequestRejected.class,
            rejected -> {
              assertThat(rejected.rejectionReason()).isEqualTo(reason);
              assertThat(rejected.error()).isEqualTo(OAuthError.INVALID_REQUEST);
              assertThat(rejected.description()).isEqualTo("subject_token is not acceptable");
            });
  }

  static String unsigned(Map<String, Object> claims) {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    return b64.encodeToString("{\"alg\":\"none\",\"kid\":\"rsa-1\"}".getBytes())
        + "."
        + b64.encodeToString(new com.nimbusds.jose.Payload(claims).toBytes())
        + ".";
  }

  static String tamper(String token) {
    String[] parts = token.split("\\.");
    String payload =
        new String(Base64.getUrlDecoder().decode(parts[1]))
            .replace("refs/heads/main\"", "refs/heads/mair\"");
    return parts[0]
        + "."
        + Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes())
        + "."
        + parts[2];
  }
}
