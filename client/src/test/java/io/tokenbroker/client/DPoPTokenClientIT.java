package io.tokenbroker.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * The client's DPoP flows over real HTTP against {@link DPoPTestServer}, which checks every proof
 * with an independent verifier: binding, the broker's nonces, refresh with the same key, the
 * token_type check, and API calls with ath and the API's nonces.
 */
class DPoPTokenClientIT {

  private static final Set<String> READ = Set.of("demo:read");

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final HttpClient http = HttpClient.newHttpClient();
  private DPoPTestServer server;

  @BeforeEach
  void start() throws Exception {
    server = new DPoPTestServer();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private TokenClient.Builder client(ClientAuthentication authentication) {
    return TokenClient.builder(server.uri(), authentication)
        .clock(clock)
        .retryPolicy(
            new RetryPolicy(
                Duration.ofMillis(10),
                Duration.ofMillis(20),
                Duration.ofSeconds(2),
                Duration.ofSeconds(5)));
  }

  private static ClientAuthentication privateKeyJwt() throws Exception {
    return PrivateKeyJwt.signedBy(
        "c1",
        new ECDSASigner(new ECKeyGenerator(Curve.P_256).generate()),
        JWSAlgorithm.ES256,
        null);
  }

  private static ClientAuthentication iam() {
    return IamAuthentication.with(
        StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret")),
        Region.US_EAST_1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"/token", "/token/iam"})
  void everyTokenRequestCarriesAProofOfTheClientsKeyAndTheTokenIsBoundToIt(String path)
      throws Exception {
    DPoPKey key = DPoPKey.generate();
    TokenClient tokens = client(path.equals("/token") ? privateKeyJwt() : iam()).dpop(key).build();

    AccessToken token = tokens.token(READ);

    assertThat(server.seen())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.path()).isEqualTo(path);
              assertThat(s.status()).isEqualTo(200);
              assertThat(s.jkt()).contains(key.thumbprint());
            });
    assertThat(token.tokenType()).isEqualTo("DPoP");
    assertThat(token.authorizationHeader()).isEqualTo("DPoP " + token.value());
    assertThat(token.toString()).contains("DPoP").doesNotContain(token.value());
  }

  @Test
  void throughAnotherEndpointBaseTheProofStillNamesTheIssuersTokenUrl() throws Exception {
    TokenClient tokens =
        TokenClient.builder(URI.create("https://broker.example.com/"), privateKeyJwt())
            .endpointBase(server.uri())
            .dpop()
            .build();

    // The test server checks htu against its own URL, so it refuses the request.
    assertThatThrownBy(() -> tokens.token(READ)).isInstanceOf(TokenRequestRejected.class);
    assertThat(
            com.nimbusds.jwt.SignedJWT.parse(server.tokenProofs().getFirst())
                .getJWTClaimsSet()
                .getStringClaim("htu"))
        .isEqualTo("https://broker.example.com/token");
  }

  @Test
  void aClientWithoutAKeyOfItsOwnGeneratesOne() throws Exception {
    TokenClient one = client(privateKeyJwt()).dpop().build();
    TokenClient two = client(privateKeyJwt()).dpop().build();

    one.token(READ);
    two.token(READ);

    List<DPoPTestServer.Seen> seen = server.seen();
    assertThat(seen).hasSize(2).allSatisfy(s -> assertThat(s.status()).isEqualTo(200));
    assertThat(seen.get(0).jkt()).isNotEqualTo(seen.get(1).jkt());
  }

  @Test
  void followsTheBrokersNonceOnceAndKeepsTheLatestFromAnyAnswer() throws Exception {
    server.tokenNonce = Optional.of("as-1");
    TokenClient tokens = client(privateKeyJwt()).dpop().build();

    tokens.token(READ);

    assertThat(server.seen())
        .extracting(DPoPTestServer.Seen::status, DPoPTestServer.Seen::nonce)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(400, Optional.empty()),
            org.assertj.core.groups.Tuple.tuple(200, Optional.of("as-1")));
    // The next token request carries the nonce from the start.
    tokens.token(Set.of("demo:write"));
    assertThat(server.seen().get(2).status()).isEqualTo(200);
    assertThat(server.seen().get(2).nonce()).contains("as-1");
    // A nonce in a successful answer replaces it (section 8.2).
    server.tokenNonceOnSuccess = Optional.of("as-2");
    tokens.token(Set.of("demo:admin"));
    server.tokenNonceOnSuccess = Optional.empty();
    tokens.token(Set.of("demo:other"));
    assertThat(server.seen().getLast().nonce()).contains("as-2");
    assertThat(server.seen().getLast().status()).isEqualTo(200);
    assertThat(server.seen()).hasSize(5);
  }

  @Test
  void asksOnlyOnceMoreWhenTheBrokerKeepsAskingForANewNonce() throws Exception {
    server.neverSatisfied = true;
    TokenClient tokens = client(privateKeyJwt()).dpop().build();

    Throwable refused = catchThrowable(() -> tokens.token(READ));

    assertThat(refused)
        .isInstanceOfSatisfying(
            TokenRequestRejected.class, r -> assertThat(r.error()).isEqualTo("use_dpop_nonce"));
    assertThat(server.seen()).hasSize(2);
  }

  @Test
  void theRefreshGrantProvesTheSameKeyAndFollowsANewNonceWithoutSpendingTheRefreshToken()
      throws Exception {
    DPoPKey key = DPoPKey.generate();
    TokenClient tokens = client(privateKeyJwt()).dpop(key).build();
    AccessToken first = tokens.token(READ);

    server.tokenNonce = Optional.of("as-rotated"); // the client has not heard of it yet
    clock.advance(Duration.ofSeconds(226)); // past the latest refresh point
    AccessToken second = tokens.token(READ);

    assertThat(second.value()).isNotEqualTo(first.value());
    assertThat(server.seen())
        .extracting(DPoPTestServer.Seen::grantType, DPoPTestServer.Seen::status)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("client_credentials", 200),
            org.assertj.core.groups.Tuple.tuple("refresh_token", 400),
            org.assertj.core.groups.Tuple.tuple("refresh_token", 200));
    // The server accepted the refresh grant only with a proof of the key it bound the token to.
    assertThat(server.seen().getLast().jkt()).contains(key.thumbprint());
  }

  @Test
  void refusesATokenTheBrokerDidNotBindRatherThanUseItAsABearerToken() throws Exception {
    server.tokenType = "Bearer";
    TokenClient tokens = client(privateKeyJwt()).dpop().build();

    assertThatThrownBy(() -> tokens.token(READ))
        .isInstanceOf(TokenUnavailable.class)
        .hasMessageContaining("token_type Bearer, not DPoP")
        .hasMessageContaining("refused rather than used as a bearer token")
        .satisfies(e -> assertThat(server.issued()).noneMatch(e.getMessage()::contains));
    // A token_type that could be a secret echoed back is not quoted.
    server.tokenType = "tbr_0123456789abcdefghijklmnopqrstuvwxyz";
    assertThatThrownBy(() -> tokens.token(Set.of("demo:write")))
        .hasMessageContaining("token_type missing or malformed, not DPoP")
        .hasMessageNotContaining(server.tokenType);
  }

  @Test
  void aClientWithoutDpopSendsNoProof() throws Exception {
    TokenClient tokens = client(privateKeyJwt()).build();

    // The test server refuses a token request without exactly one proof.
    assertThatThrownBy(() -> tokens.token(READ))
        .isInstanceOfSatisfying(
            TokenRequestRejected.class, r -> assertThat(r.error()).isEqualTo("invalid_dpop_proof"));
  }

  @Test
  void callsAnApiWithAProofOfTheTokenAndFollowsTheApisNonce() throws Exception {
    server.tokenNonce = Optional.of("as-1");
    server.resourceNonce = Optional.of("rs-1");
    DPoPKey key = DPoPKey.generate();
    AccessToken token = client(privateKeyJwt()).dpop(key).build().token(READ);
    URI orders = URI.create(server.uri() + "/api/orders?id=7");

    HttpResponse<String> answer =
        token.send(
            http,
            HttpRequest.newBuilder(orders).POST(HttpRequest.BodyPublishers.ofString("order 7")),
            HttpResponse.BodyHandlers.ofString());

    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.body()).isEqualTo("POST order 7"); // the body went again with the retry
    assertThat(server.seen("/api"))
        .extracting(DPoPTestServer.Seen::status, DPoPTestServer.Seen::nonce)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(401, Optional.empty()),
            org.assertj.core.groups.Tuple.tuple(200, Optional.of("rs-1")));
    assertThat(server.seen("/api").getLast().jkt()).contains(key.thumbprint());
    // The next call carries the API's nonce at once; token requests keep the broker's.
    token.send(http, HttpRequest.newBuilder(orders), HttpResponse.BodyHandlers.ofString());
    assertThat(server.seen("/api").getLast().status()).isEqualTo(200);
    assertThat(server.seen("/api")).hasSize(3);
    client(privateKeyJwt()).dpop(key).build().token(READ);
    assertThat(server.seen("/token").getLast().nonce()).isNotEqualTo(Optional.of("rs-1"));
  }

  /**
   * Another token request may replace the client's broker nonce (here with an older one) between a
   * 400 use_dpop_nonce and its retry: the retry carries that 400's own nonce. The other request is
   * run at exactly that point by a clock the client reads there (the retry's send time), and its
   * answer brings a nonce the server no longer takes.
   */
  @Test
  void theTokenRequestsRetryUsesItsOwnAnswersNonceWhateverAnotherRequestLearnedMeanwhile()
      throws Exception {
    server.tokenNonce = Optional.of("as-new");
    server.tokenNonceOnSuccess = Optional.of("as-old");
    java.util.concurrent.atomic.AtomicBoolean fired =
        new java.util.concurrent.atomic.AtomicBoolean();
    java.util.concurrent.atomic.AtomicReference<TokenClient> tokens =
        new java.util.concurrent.atomic.AtomicReference<>();
    java.time.Clock interleaving =
        new java.time.Clock() {
          @Override
          public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
          }

          @Override
          public java.time.Clock withZone(java.time.ZoneId zone) {
            return this;
          }

          @Override
          public Instant instant() {
            List<DPoPTestServer.Seen> seen = server.seen("/token");
            if (seen.size() == 1
                && seen.getFirst().status() == 400
                && fired.compareAndSet(false, true)) {
              // The other request, whose answer is a late one: its nonce is older than the
              // server's current, which stays "as-new".
              tokens.get().token(Set.of("demo:write"));
              server.tokenNonce = Optional.of("as-new");
              server.tokenNonceOnSuccess = Optional.empty();
            }
            return clock.instant();
          }
        };
    tokens.set(client(privateKeyJwt()).clock(interleaving).dpop().build());

    AccessToken token = tokens.get().token(READ);

    assertThat(token.tokenType()).isEqualTo("DPoP");
    assertThat(server.seen("/token"))
        .extracting(DPoPTestServer.Seen::status, DPoPTestServer.Seen::nonce)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(400, Optional.empty()),
            org.assertj.core.groups.Tuple.tuple(200, Optional.of("as-new")),
            org.assertj.core.groups.Tuple.tuple(200, Optional.of("as-new")));
  }

  /**
   * Another thread's answer may replace the origin's nonce (with an older one) between this call's
   * challenge and its retry: the retry uses the challenge's own nonce. The interleaving is made
   * deterministic by a challenged body whose close, which send does between the two, lets the other
   * answer in.
   */
  @Test
  void theRetryUsesTheChallengesOwnNonceWhateverAnotherCallLearnedMeanwhile() throws Exception {
    AccessToken token = client(privateKeyJwt()).dpop().build().token(READ);
    URI orders = URI.create(server.uri() + "/api/orders");
    server.resourceNonce = Optional.of("rs-new");
    HttpHeaders older = HttpHeaders.of(Map.of("DPoP-Nonce", List.of("rs-old")), (k, v) -> true);
    HttpResponse.BodyHandler<java.io.Closeable> body =
        info -> {
          HttpResponse.BodySubscriber<String> text =
              HttpResponse.BodySubscribers.ofString(java.nio.charset.StandardCharsets.UTF_8);
          return HttpResponse.BodySubscribers.mapping(
              text, t -> () -> token.dpopNonceChallenge(orders, 200, older)); // the other call
        };

    HttpResponse<java.io.Closeable> answer = token.send(http, HttpRequest.newBuilder(orders), body);

    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(server.seen("/api"))
        .extracting(DPoPTestServer.Seen::status, DPoPTestServer.Seen::nonce)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(401, Optional.empty()),
            org.assertj.core.groups.Tuple.tuple(200, Optional.of("rs-new")));
  }

  @Test
  void aProofForOneRequestIsRefusedForAnother() throws Exception {
    AccessToken token = client(privateKeyJwt()).dpop().build().token(READ);
    URI orders = URI.create(server.uri() + "/api/orders");
    String proof = token.dpopProof("GET", URI.create(server.uri() + "/api/other"));

    HttpResponse<String> answer =
        http.send(
            HttpRequest.newBuilder(orders)
                .header("Authorization", token.authorizationHeader())
                .header("DPoP", proof)
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(answer.statusCode()).isEqualTo(401);
    // Not a nonce challenge: nothing to retry.
    assertThat(token.dpopNonceChallenge(orders, answer.statusCode(), answer.headers())).isFalse();
  }

  @Test
  void onlyADpopUseNonceChallengeWithANonceIsOne() throws Exception {
    AccessToken token = client(privateKeyJwt()).dpop().build().token(READ);
    URI api = URI.create("https://api.example.com/x");

    assertThat(challenge(token, api, 401, "DPoP error=\"use_dpop_nonce\"", "n1")).isTrue();
    assertThat(challenge(token, api, 401, "Bearer realm=\"x\", DPoP error=use_dpop_nonce", "n1"))
        .isTrue();
    assertThat(challenge(token, api, 401, "DPoP error=\"use_dpop_nonce\"", null)).isFalse();
    assertThat(challenge(token, api, 401, "DPoP error=\"invalid_token\"", "n1")).isFalse();
    assertThat(challenge(token, api, 401, "Bearer error=\"use_dpop_nonce\"", "n1")).isFalse();
    assertThat(challenge(token, api, 400, "DPoP error=\"use_dpop_nonce\"", "n1")).isFalse();
    assertThat(challenge(token, api, 401, "DPoP error=\"use_dpop_nonce\"", "bad \"nonce\""))
        .isFalse();
  }

  private static boolean challenge(
      AccessToken token, URI url, int status, String wwwAuthenticate, String nonce) {
    Map<String, List<String>> headers =
        nonce == null
            ? Map.of("WWW-Authenticate", List.of(wwwAuthenticate))
            : Map.of("WWW-Authenticate", List.of(wwwAuthenticate), "DPoP-Nonce", List.of(nonce));
    return token.dpopNonceChallenge(url, status, HttpHeaders.of(headers, (a, b) -> true));
  }

  @Test
  void aBearerTokenMakesNoProof() throws Exception {
    server.tokenType = "Bearer";
    AccessToken bearer = new AccessToken("abc.def.ghi", READ, Instant.now());

    assertThat(bearer.authorizationHeader()).isEqualTo("Bearer abc.def.ghi");
    assertThatThrownBy(() -> bearer.dpopProof("GET", URI.create("https://api.example.com/")))
        .isInstanceOf(IllegalStateException.class);
  }
}
