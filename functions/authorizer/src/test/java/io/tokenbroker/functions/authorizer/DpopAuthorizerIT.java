package io.tokenbroker.functions.authorizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import io.tokenbroker.adapters.dynamodb.DynamoDbAssertionReplayGuard;
import io.tokenbroker.adapters.dynamodb.DynamoDbDpopReplayGuard;
import io.tokenbroker.clients.Client;
import io.tokenbroker.config.Env;
import io.tokenbroker.devsupport.LocalAws;
import io.tokenbroker.devsupport.MotoExtension;
import io.tokenbroker.dpop.DpopPolicy;
import io.tokenbroker.dpop.DpopProofVerifier;
import io.tokenbroker.dpop.SlotNonces;
import io.tokenbroker.jose.Confirmation;
import io.tokenbroker.telemetry.TelemetryEvent;
import io.tokenbroker.testing.Clients;
import io.tokenbroker.testing.DpopProofs;
import io.tokenbroker.testing.EventFiles;
import io.tokenbroker.testing.MotoBroker;
import io.tokenbroker.testing.RecordingTelemetry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The authorizer enforcing DPoP (RFC 9449 7.1) on API Gateway's own event shapes ({@code
 * events/authorizer}: a REST API on a custom domain with the base path {@code shop}, an HTTP API on
 * a custom domain), wired from its environment against moto: tokens bound by {@code cnf.jkt} minted
 * by the real token service (KMS signatures), proofs made with real keys by {@link DpopProofs}
 * (Nimbus JOSE, not the code under test), single use across containers in the real table.
 */
@ExtendWith(MotoExtension.class)
class DpopAuthorizerIT {

  private static final String ROUTES =
      """
      {"GET /orders/*": ["orders:read"], "POST /orders": ["orders:write"]}
      """;

  /** The URL the client used, as the REST sample's custom domain and base path make it. */
  private static final String URL = "https://api.example.com/shop/orders/42";

  private static MotoBroker broker;
  private static TokenAuthorizer authorizer;
  private static final RecordingTelemetry TELEMETRY = new RecordingTelemetry();
  private static ECKey key;
  private static String token;

  @BeforeAll
  static void setUp(LocalAws local) {
    broker = new MotoBroker(local);
    authorizer = wired(environment(Map.of()), TELEMETRY);
    key = DpopProofs.ecKey();
    token = boundToken(key, "orders:read");
  }

  private static Env environment(Map<String, String> more) {
    return broker
        .env
        .with(
            Map.of(
                "AUDIENCE", "https://orders.example.com",
                "ROUTE_SCOPES", ROUTES,
                "AUTHORIZER_RESULT_TTL_SECONDS", "0"))
        .with(more);
  }

  private static TokenAuthorizer wired(Env env, RecordingTelemetry telemetry) {
    AuthorizerWiring wiring = AuthorizerWiring.fromEnvironment(env, Clock.systemUTC(), telemetry);
    return new TokenAuthorizer(
        wiring.verifier(), wiring.dpop(), wiring.config().routes(), wiring.handlerTelemetry());
  }

  private static String jkt(JWK jwk) {
    try {
      return jwk.computeThumbprint().toString();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String boundToken(JWK jwk, String scope) {
    Client client =
        Clients.withRole("dpop-" + scope.replace(':', '-'), "arn:aws:iam::123456789012:role/dpop");
    return broker
        .issue(client, "&scope=" + scope, Optional.of(new Confirmation.DpopKey(jkt(jwk))))
        .accessToken();
  }

  private static String bearerToken(String scope) {
    Client client = Clients.withRole("bearer", "arn:aws:iam::123456789012:role/bearer");
    return broker.issue(client, "&scope=" + scope).accessToken();
  }

  /** A valid proof of {@link #key} for GET {@link #URL} with {@link #token}, made now. */
  private static DpopProofs proof() {
    return DpopProofs.by(key, "GET", URL, Instant.now()).ath(token);
  }

  /** The REST sample (custom domain, base path) with this Authorization and these DPoP values. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> restEvent(String authorization, List<String> proofs) {
    Map<String, Object> event = EventFiles.load("authorizer/rest-request-custom-domain-dpop.json");
    Map<String, Object> headers = (Map<String, Object>) event.get("headers");
    Map<String, Object> multi = (Map<String, Object>) event.get("multiValueHeaders");
    headers.put("Authorization", authorization);
    multi.put("Authorization", List.of(authorization));
    headers.remove("DPoP");
    multi.remove("DPoP");
    if (!proofs.isEmpty()) {
      headers.put("DPoP", proofs.getLast()); // as API Gateway: the last value
      multi.put("DPoP", proofs);
    }
    return event;
  }

  private static Map<String, Object> restEvent(String proof) {
    return restEvent("DPoP " + token, List.of(proof));
  }

  /** The HTTP API sample (custom domain, stage mapped at its root) with these headers. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> httpEvent(String authorization, String proof) {
    Map<String, Object> event = EventFiles.load("authorizer/http-api-v2-custom-domain-dpop.json");
    Map<String, Object> headers = (Map<String, Object>) event.get("headers");
    headers.put("authorization", authorization);
    headers.put("dpop", proof);
    event.put("identitySource", List.of(authorization));
    return event;
  }

  private static Map<String, Object> invoke(TokenAuthorizer handler, Map<String, Object> event) {
    return EventFiles.invoke((in, out) -> handler.handleRequest(in, out, null), event);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> statement(Map<String, Object> response) {
    Map<String, Object> policy = (Map<String, Object>) response.get("policyDocument");
    return ((List<Map<String, Object>>) policy.get("Statement")).getFirst();
  }

  /** The reason of the denial {@code refused} causes, which must be a 401. */
  private static String refusedWith(
      TokenAuthorizer handler, RecordingTelemetry telemetry, Map<String, Object> event) {
    int before = telemetry.named("authorizer.denied").size();
    assertThatThrownBy(() -> invoke(handler, event))
        .isInstanceOf(TokenAuthorizer.Unauthorized.class)
        .hasMessage("Unauthorized");
    List<TelemetryEvent> denied = telemetry.named("authorizer.denied");
    assertThat(denied).hasSize(before + 1);
    return String.valueOf(denied.getLast().fields().get("reason"));
  }

  private static String refusedWith(Map<String, Object> event) {
    return refusedWith(authorizer, TELEMETRY, event);
  }

  @Test
  void allowsADpopBoundTokenWithItsProofOnARestCustomDomainWithABasePath() {
    Map<String, Object> response = invoke(authorizer, restEvent(proof().sign()));

    assertThat(statement(response)).containsEntry("Effect", "Allow");
    assertThat(response.get("principalId")).isEqualTo("dpop-orders-read");
    assertThat(TELEMETRY.everything()).doesNotContain(token);
  }

  @Test
  void allowsADpopBoundTokenWithItsProofOnAnHttpApiCustomDomain() {
    String url = "https://api.example.com/orders/42";
    String proof = DpopProofs.by(key, "GET", url, Instant.now()).ath(token).sign();

    assertThat(invoke(authorizer, httpEvent("DPoP " + token, proof)))
        .containsEntry("isAuthorized", true);
    // The REST sample's URL (with its base path) is not this request's.
    String other = DpopProofs.by(key, "GET", URL, Instant.now()).ath(token).sign();
    assertThat(invoke(authorizer, httpEvent("DPoP " + token, other)))
        .containsEntry("isAuthorized", false);
    assertThat(TELEMETRY.named("authorizer.denied").getLast().fields())
        .containsEntry("reason", "dpop_htu_mismatch");
  }

  /** Each check of RFC 9449 4.3 (and 7.1's binding) as the edge sees it: one broken rule a row. */
  enum Broken {
    NO_PROOF("dpop_proof_missing", p -> null),
    TWO_PROOFS("dpop_multiple_proofs", p -> p.sign()),
    TYP_JWT("dpop_typ_not_dpop_jwt", p -> p.header("typ", "JWT").sign()),
    ALG_NONE("dpop_alg_not_asymmetric", p -> p.header("alg", "none").sign()),
    ALG_HS256("dpop_alg_not_asymmetric", p -> p.header("alg", "HS256").sign()),
    ALG_ES512("dpop_alg_not_allowed", p -> p.header("alg", "ES512").sign()),
    NO_JWK("dpop_jwk_missing", p -> p.withoutHeader("jwk").sign()),
    PRIVATE_JWK("dpop_jwk_private", p -> p.header("jwk", key.toJSONObject()).sign()),
    NOT_SIGNED_BY_ITS_JWK("dpop_bad_signature", p -> p.signedBy(DpopProofs.ecKey()).sign()),
    NO_JTI("dpop_jti_missing", p -> p.withoutClaim("jti").sign()),
    NO_HTM("dpop_htm_missing", p -> p.withoutClaim("htm").sign()),
    NO_HTU("dpop_htu_missing", p -> p.withoutClaim("htu").sign()),
    NO_IAT("dpop_iat_missing", p -> p.withoutClaim("iat").sign()),
    HTM_POST("dpop_htm_mismatch", p -> p.claim("htm", "POST").sign()),
    HTU_ANOTHER_HOST(
        "dpop_htu_mismatch", p -> p.claim("htu", "https://evil.example/shop/orders/42").sign()),
    HTU_ANOTHER_BASE_PATH(
        "dpop_htu_mismatch", p -> p.claim("htu", "https://api.example.com/mall/orders/42").sign()),
    HTU_WITHOUT_BASE_PATH(
        "dpop_htu_mismatch", p -> p.claim("htu", "https://api.example.com/orders/42").sign()),
    HTU_HTTP(
        "dpop_htu_mismatch", p -> p.claim("htu", "http://api.example.com/shop/orders/42").sign()),
    STALE_IAT(
        "dpop_iat_too_old",
        p -> p.claim("iat", Instant.now().minus(Duration.ofMinutes(10)).getEpochSecond()).sign()),
    FUTURE_IAT(
        "dpop_iat_in_future",
        p -> p.claim("iat", Instant.now().plus(Duration.ofMinutes(10)).getEpochSecond()).sign()),
    NO_ATH("dpop_ath_missing", p -> p.withoutClaim("ath").sign()),
    ATH_OF_ANOTHER_TOKEN("dpop_ath_mismatch", p -> p.ath(token + "x").sign()),
    ANOTHER_KEYS_PROOF(
        "dpop_key_mismatch",
        p -> DpopProofs.by(DpopProofs.ecKey(), "GET", URL, Instant.now()).ath(token).sign());

    final String reason;
    final Function<DpopProofs, String> proof;

    Broken(String reason, Function<DpopProofs, String> proof) {
      this.reason = reason;
      this.proof = proof;
    }
  }

  @ParameterizedTest
  @EnumSource(Broken.class)
  void refusesAProofThatBreaksOneRule(Broken broken) {
    String proof = broken.proof.apply(proof());
    List<String> proofs =
        switch (broken) {
          case NO_PROOF -> List.of();
          case TWO_PROOFS -> List.of(proof, proof().sign());
          default -> List.of(proof);
        };

    assertThat(refusedWith(restEvent("DPoP " + token, proofs))).isEqualTo(broken.reason);
  }

  @Test
  void acceptsAProofOnceAcrossContainers() {
    String proof = proof().sign();
    TokenAuthorizer otherContainer = wired(environment(Map.of()), new RecordingTelemetry());

    assertThat(statement(invoke(authorizer, restEvent(proof)))).containsEntry("Effect", "Allow");
    assertThat(refusedWith(restEvent(proof))).isEqualTo("dpop_proof_replayed");
    RecordingTelemetry other = new RecordingTelemetry();
    assertThat(refusedWith(wired(environment(Map.of()), other), other, restEvent(proof)))
        .isEqualTo("dpop_proof_replayed");
    // A new proof of the same key is fine anywhere.
    assertThat(statement(invoke(otherContainer, restEvent(proof().sign()))))
        .containsEntry("Effect", "Allow");
  }

  @Test
  void refusesADpopBoundTokenUsedAsABearerToken() {
    // RFC 9449 7.2: with or without a proof beside it, the Bearer scheme is a downgrade.
    assertThat(refusedWith(restEvent("Bearer " + token, List.of(proof().sign()))))
        .isEqualTo("bound_token_not_proven");
    assertThat(refusedWith(restEvent("Bearer " + token, List.of())))
        .isEqualTo("bound_token_not_proven");
  }

  @Test
  void refusesABearerTokenPresentedWithTheDpopScheme() {
    String bearer = bearerToken("orders:read");
    String proof = DpopProofs.by(key, "GET", URL, Instant.now()).ath(bearer).sign();

    assertThat(refusedWith(restEvent("DPoP " + bearer, List.of(proof))))
        .isEqualTo("dpop_token_not_bound");
    // The bearer token still works as one.
    assertThat(statement(invoke(authorizer, restEvent("Bearer " + bearer, List.of()))))
        .containsEntry("Effect", "Allow");
  }

  @Test
  void refusesDpopBoundTokensWhereApiGatewayMayCacheTheAnswer() {
    for (Map<String, String> cached :
        List.of(
            Map.of("AUTHORIZER_RESULT_TTL_SECONDS", "300"),
            Map.of("AUTHORIZER_RESULT_TTL_SECONDS", ""))) {
      RecordingTelemetry telemetry = new RecordingTelemetry();
      TokenAuthorizer behindCache = wired(environment(cached), telemetry);

      assertThat(refusedWith(behindCache, telemetry, restEvent(proof().sign())))
          .isEqualTo("dpop_behind_result_cache");
      // Bearer tokens are unaffected.
      assertThat(
              statement(
                  invoke(
                      behindCache, restEvent("Bearer " + bearerToken("orders:read"), List.of()))))
          .containsEntry("Effect", "Allow");
    }
  }

  @Test
  void refusesTheDpopSchemeInATokenAuthorizerEventWhichHasNoUrl() {
    Map<String, Object> event = EventFiles.load("authorizer/rest-token.json");
    event.put("authorizationToken", "DPoP " + token);

    assertThat(refusedWith(event)).isEqualTo("dpop_url_unknown");
  }

  @Test
  void refusesForTheScopeAsForABearerToken() {
    String writer = boundToken(key, "orders:write");
    String proof = DpopProofs.by(key, "GET", URL, Instant.now()).ath(writer).sign();

    Map<String, Object> response = invoke(authorizer, restEvent("DPoP " + writer, List.of(proof)));

    assertThat(statement(response)).containsEntry("Effect", "Allow");
    // The policy allows POST /orders only: API Gateway answers 403 for GET /orders/42.
    assertThat(statement(response).get("Resource"))
        .isEqualTo(
            List.of("arn:aws:execute-api:us-east-1:123456789012:orders1234/prod/POST/orders"));
  }

  /**
   * With server nonces (RFC 9449 9) a proof without the current one is a Deny whose context holds
   * the challenge and the nonce, which template.yaml's 403 gateway response sends as headers; the
   * retry with the nonce is allowed.
   */
  @Test
  @SuppressWarnings("unchecked")
  void answersAMissingNonceWithADenyCarryingTheChallengeAndTheNonce() throws Exception {
    Mac hmac = Mac.getInstance("HmacSHA256");
    hmac.init(new SecretKeySpec(new byte[32], "HmacSHA256"));
    SlotNonces nonces =
        new SlotNonces(
            message -> {
              synchronized (hmac) {
                return hmac.doFinal(message);
              }
            },
            Clock.systemUTC(),
            Duration.ofMinutes(5),
            SlotNonces.Server.RESOURCE);
    AuthorizerWiring wiring =
        AuthorizerWiring.fromEnvironment(
            environment(Map.of()), Clock.systemUTC(), new RecordingTelemetry());
    Duration skew = wiring.config().policy().clockSkew();
    DpopProofVerifier withNonces =
        new DpopProofVerifier(
            new DpopPolicy(Duration.ofMinutes(1), skew, Optional.of(nonces)),
            new DynamoDbDpopReplayGuard(
                new DynamoDbAssertionReplayGuard(
                    broker.aws.dynamoDb, broker.aws.tables.assertions(), skew)),
            Clock.systemUTC());
    TokenAuthorizer handler =
        new TokenAuthorizer(
            wiring.verifier(),
            new DpopAuthorization(wiring.verifier(), Optional.of(withNonces)),
            wiring.config().routes(),
            new RecordingTelemetry());

    Map<String, Object> challenged = invoke(handler, restEvent(proof().sign()));

    assertThat(statement(challenged))
        .containsEntry("Effect", "Deny")
        .containsEntry("Resource", "arn:aws:execute-api:us-east-1:123456789012:orders1234/prod/*");
    Map<String, Object> context = (Map<String, Object>) challenged.get("context");
    String nonce = (String) context.get("dpop_nonce");
    assertThat(nonce).isEqualTo(nonces.current());
    assertThat((String) context.get("www_authenticate"))
        .startsWith("DPoP error=\"use_dpop_nonce\", error_description=\"")
        .endsWith("algs=\"ES256 PS256 RS256\"");
    assertThat(statement(invoke(handler, restEvent(proof().claim("nonce", nonce).sign()))))
        .containsEntry("Effect", "Allow");
    // An HTTP API answer carries no challenge: a plain no.
    assertThat(
            invoke(
                handler,
                httpEvent(
                    "DPoP " + token,
                    DpopProofs.by(key, "GET", "https://api.example.com/orders/42", Instant.now())
                        .ath(token)
                        .sign())))
        .isEqualTo(Map.of("isAuthorized", false, "context", Map.of()));
  }
}
