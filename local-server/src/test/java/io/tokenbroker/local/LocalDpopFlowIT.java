package io.tokenbroker.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.ECKey;
import io.tokenbroker.json.Json;
import io.tokenbroker.testing.DpopProofs;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * End to end over the local server: a DPoP-bound token (cnf.jkt) in front of the demo API, through
 * the API Gateway emulator (REST REQUEST authorizer, the path the client used, the gateway
 * responses of template.yaml) and the real authorizer with its replay store on moto. It works with
 * its proof, and is refused (401, with the DPoP challenge) without one, with another key's proof, a
 * replayed proof, a wrong htm, htu or ath, a stale iat, and as a bearer token.
 *
 * <p>The bound token comes from the local server's /token/iam with a proof of the key; proofs are
 * made with real keys by {@link DpopProofs} (Nimbus JOSE). The demo API stands for an API behind
 * API Gateway, which serves HTTPS only: the URL a proof for it names is {@code https://} and the
 * host the client called.
 */
class LocalDpopFlowIT {

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static LocalBroker broker;
  private static ECKey key;
  private static String token;

  @BeforeAll
  static void start() throws Exception {
    broker = LocalBroker.start(LocalBrokerOptions.onPort(0));
    key = DpopProofs.ecKey();
    token = boundToken(key);
  }

  @AfterAll
  static void stop() {
    broker.close();
  }

  /**
   * A token for the demo workload bound to {@code key}: POST /token/iam (SigV4, as its role) with a
   * DPoP proof of the key for the broker's own URL of the endpoint.
   */
  private static String boundToken(ECKey key) throws Exception {
    URI endpoint = URI.create(broker.issuer() + "/token/iam");
    HttpRequest request =
        SignedPosts.post(
                endpoint, LocalDemo.IDENTITY, "grant_type=client_credentials&scope=demo:read")
            .header("DPoP", DpopProofs.by(key, "POST", endpoint.toString(), Instant.now()).sign())
            .build();
    HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    Map<String, Object> body = Json.object(response.body());
    assertThat(body).containsEntry("token_type", "DPoP");
    return (String) body.get("access_token");
  }

  /** The URL a client names in htu for {@code path}: API Gateway's scheme, the host it called. */
  private static String htu(String path) {
    return "https://127.0.0.1:" + broker.issuer().getPort() + path;
  }

  private static DpopProofs proof(String method, String path) {
    return DpopProofs.by(key, method, htu(path), Instant.now()).ath(token);
  }

  private static HttpResponse<String> call(
      String method, String path, String authorization, List<String> proofs) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(broker.issuer() + path))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .header("Authorization", authorization);
    proofs.forEach(p -> request.header("DPoP", p));
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> dpop(String path, String proof) throws Exception {
    return call("GET", path, "DPoP " + token, List.of(proof));
  }

  private static void assertRefused(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
    assertThat(response.body()).isEqualTo("{\"message\":\"Unauthorized\"}");
    assertThat(response.headers().firstValue("WWW-Authenticate"))
        .contains("Bearer, DPoP algs=\"ES256 RS256 PS256\"");
  }

  @Test
  void letsADpopBoundTokenThroughWithItsProof() throws Exception {
    HttpResponse<String> response = dpop("/demo/items/1", proof("GET", "/demo/items/1").sign());

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    @SuppressWarnings("unchecked")
    Map<String, Object> authorizer =
        (Map<String, Object>) Json.object(response.body()).get("authorizer");
    assertThat(authorizer)
        .containsEntry("client_id", LocalDemo.CLIENT_ID)
        .containsEntry("scope", "demo:read");
  }

  @Test
  void refusesItWithoutAProof() throws Exception {
    assertRefused(call("GET", "/demo/items/1", "DPoP " + token, List.of()));
  }

  @Test
  void refusesItWithAnotherKeysProof() throws Exception {
    String other =
        DpopProofs.by(DpopProofs.ecKey(), "GET", htu("/demo/items/1"), Instant.now())
            .ath(token)
            .sign();

    assertRefused(dpop("/demo/items/1", other));
  }

  @Test
  void refusesAReplayedProof() throws Exception {
    String proof = proof("GET", "/demo/items/2").sign();

    assertThat(dpop("/demo/items/2", proof).statusCode()).isEqualTo(200);
    assertRefused(dpop("/demo/items/2", proof));
  }

  @Test
  void refusesAWrongMethodUrlOrTokenHash() throws Exception {
    assertRefused(dpop("/demo/items/1", proof("POST", "/demo/items/1").sign()));
    assertRefused(dpop("/demo/items/1", proof("GET", "/demo/items/9").sign()));
    assertRefused(
        dpop(
            "/demo/items/1",
            // Another host name on the same port: only the host differs.
            DpopProofs.by(
                    key,
                    "GET",
                    "https://localhost:" + broker.issuer().getPort() + "/demo/items/1",
                    Instant.now())
                .ath(token)
                .sign()));
    assertRefused(dpop("/demo/items/1", proof("GET", "/demo/items/1").ath(token + "x").sign()));
  }

  @Test
  void refusesAStaleProof() throws Exception {
    String stale =
        proof("GET", "/demo/items/1")
            .claim("iat", Instant.now().minus(Duration.ofMinutes(10)).getEpochSecond())
            .sign();

    assertRefused(dpop("/demo/items/1", stale));
  }

  @Test
  void refusesItAsABearerToken() throws Exception {
    assertRefused(
        call(
            "GET",
            "/demo/items/1",
            "Bearer " + token,
            List.of(proof("GET", "/demo/items/1").sign())));
    assertRefused(call("GET", "/demo/items/1", "Bearer " + token, List.of()));
  }

  @Test
  void refusesTwoProofHeaders() throws Exception {
    assertRefused(
        call(
            "GET",
            "/demo/items/1",
            "DPoP " + token,
            List.of(proof("GET", "/demo/items/1").sign(), proof("GET", "/demo/items/1").sign())));
  }

  /**
   * With server nonces (BROKER_DPOP_NONCES=required: the token endpoint and the authorizer share
   * the nonce key), a proof without the current nonce gets a 403 whose WWW-Authenticate and
   * DPoP-Nonce headers come from the authorizer's Deny context, as template.yaml's ACCESS_DENIED
   * gateway response maps them (a REST API's 401 cannot carry them); the retry with it passes.
   */
  @Test
  void answersAMissingNonceWithA403CarryingTheChallengeAndTheNonce() throws Exception {
    try (LocalBroker withNonces =
        LocalBroker.start(
            new LocalBrokerOptions(
                    0,
                    Optional.of(broker.awsEndpoint()),
                    "tb-nonce-",
                    Optional.empty(),
                    Duration.ZERO)
                .withDpopNonces(true))) {
      URI endpoint = URI.create(withNonces.issuer() + "/token/iam");
      HttpResponse<String> first = tokenRequest(endpoint, null);
      assertThat(first.statusCode()).as(first.body()).isEqualTo(400);
      String nonce = first.headers().firstValue("DPoP-Nonce").orElseThrow();
      HttpResponse<String> issued = tokenRequest(endpoint, nonce);
      assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
      String bound = (String) Json.object(issued.body()).get("access_token");
      String url = "https://127.0.0.1:" + withNonces.issuer().getPort() + "/demo/items/1";

      HttpResponse<String> challenged =
          callOn(withNonces, bound, DpopProofs.by(key, "GET", url, Instant.now()).ath(bound));

      assertThat(challenged.statusCode()).as(challenged.body()).isEqualTo(403);
      assertThat(challenged.headers().firstValue("WWW-Authenticate").orElseThrow())
          .startsWith("DPoP error=\"use_dpop_nonce\"");
      String resourceNonce = challenged.headers().firstValue("DPoP-Nonce").orElseThrow();
      HttpResponse<String> retried =
          callOn(
              withNonces,
              bound,
              DpopProofs.by(key, "GET", url, Instant.now())
                  .ath(bound)
                  .claim("nonce", resourceNonce));
      assertThat(retried.statusCode()).as(retried.body()).isEqualTo(200);
    }
  }

  /**
   * With API Gateway's authorizer cache on (keyed by the Authorization header), a cached Allow
   * would let a stolen DPoP-bound token in without a proof: the authorizer, told the TTL, refuses
   * every DPoP-bound token there, even with a valid proof; bearer tokens still pass.
   */
  @Test
  void refusesDpopBoundTokensBehindTheAuthorizerCache() throws Exception {
    try (LocalBroker caching =
        LocalBroker.start(
            new LocalBrokerOptions(
                0,
                Optional.of(broker.awsEndpoint()),
                "tb-dcache-",
                Optional.empty(),
                Duration.ofMinutes(5)))) {
      URI endpoint = URI.create(caching.issuer() + "/token/iam");
      HttpResponse<String> issued = tokenRequest(endpoint, null);
      assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
      String bound = (String) Json.object(issued.body()).get("access_token");
      String url = "https://127.0.0.1:" + caching.issuer().getPort() + "/demo/items/1";

      HttpResponse<String> refused =
          callOn(caching, bound, DpopProofs.by(key, "GET", url, Instant.now()).ath(bound));

      assertThat(refused.statusCode()).as(refused.body()).isEqualTo(401);
      HttpResponse<String> bearer =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(caching.issuer() + "/demo/items/1"))
                  .header(
                      "Authorization",
                      "Bearer " + LocalAuthorizerFlowIT.demoToken(caching, "demo:read"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(bearer.statusCode()).as(bearer.body()).isEqualTo(200);
    }
  }

  private static HttpResponse<String> tokenRequest(URI endpoint, String nonce) throws Exception {
    DpopProofs proof = DpopProofs.by(key, "POST", endpoint.toString(), Instant.now());
    if (nonce != null) {
      proof.claim("nonce", nonce);
    }
    return HTTP.send(
        SignedPosts.post(
                endpoint, LocalDemo.IDENTITY, "grant_type=client_credentials&scope=demo:read")
            .header("DPoP", proof.sign())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> callOn(LocalBroker on, String bound, DpopProofs proof)
      throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(on.issuer() + "/demo/items/1"))
            .header("Authorization", "DPoP " + bound)
            .header("DPoP", proof.sign())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
