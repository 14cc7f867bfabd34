package io.tokenbroker.verifier;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.ECKey;
import com.sun.net.httpserver.HttpServer;
import io.tokenbroker.local.LocalBroker;
import io.tokenbroker.testing.DpopProofs;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * DPoP-bound tokens (RFC 9449 7.1) through the filter on a real JDK HTTP server, for a service not
 * behind API Gateway: the token from the local broker's /token/iam with a proof of the key, the
 * request's proofs made with real keys ({@link DpopProofs}, Nimbus JOSE), the URL the filter passes
 * being the service's configured origin and the request's path.
 */
class VerifierFilterDpopIT {

  private static final AtomicInteger HANDLED = new AtomicInteger();
  private static HttpServer server;
  private static String origin;
  private static ECKey key;
  private static String token;
  private static LocalBroker broker;

  @BeforeAll
  static void start() throws Exception {
    broker = Brokers.shared();
    key = DpopProofs.ecKey();
    token = Brokers.dpopToken(broker, "demo:read", key);
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    origin = "http://127.0.0.1:" + server.getAddress().getPort();
    server.createContext("/plain", exchange -> exchange.close());
    protect("/api", verifier(true));
    protect("/nodpop", verifier(false));
    server.start();
  }

  private static TokenVerifier verifier(boolean dpop) {
    TokenVerifier.Builder builder =
        TokenVerifier.builder()
            .issuer(broker.issuer().toString())
            .audience(Brokers.audience(broker))
            .route("GET /api/*", "demo:read")
            .route("GET /nodpop/*", "demo:read");
    return (dpop ? builder.dpop(origin) : builder).build();
  }

  private static void protect(String path, TokenVerifier verifier) {
    VerifierFilter.protect(
        server.createContext(
            path,
            exchange -> {
              HANDLED.incrementAndGet();
              byte[] body = VerifierFilter.principal(exchange).orElseThrow().clientId().getBytes();
              exchange.sendResponseHeaders(200, body.length);
              try (exchange) {
                exchange.getResponseBody().write(body);
              }
            }),
        verifier);
  }

  @AfterAll
  static void stop() {
    server.stop(0);
  }

  private static DpopProofs proof(String method, String path) {
    return DpopProofs.by(key, method, origin + path, Instant.now()).ath(token);
  }

  private static HttpResponse<String> get(String path, String authorization, List<String> proofs)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(origin + path)).header("Authorization", authorization);
    proofs.forEach(p -> request.header("DPoP", p));
    return Brokers.HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> dpop(String path, String proof) throws Exception {
    return get(path, "DPoP " + token, List.of(proof));
  }

  private static void assertRefused(HttpResponse<String> response, String error) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
    assertThat(response.body()).isEqualTo("{\"error\":\"" + error + "\"}");
    assertThat(response.headers().firstValue("WWW-Authenticate"))
        .contains("DPoP error=\"" + error + "\", algs=\"ES256 PS256 RS256\"");
  }

  @Test
  void letsADpopBoundTokenThroughWithItsProof() throws Exception {
    HttpResponse<String> response = dpop("/api/a", proof("GET", "/api/a").sign());

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("local-workload");
  }

  @Test
  void refusesAMissingReplayedForeignOrMisdirectedProof() throws Exception {
    int handled = HANDLED.get();
    assertRefused(get("/api/a", "DPoP " + token, List.of()), "invalid_dpop_proof");
    String once = proof("GET", "/api/b").sign();
    assertThat(dpop("/api/b", once).statusCode()).isEqualTo(200);
    assertRefused(dpop("/api/b", once), "invalid_dpop_proof");
    assertRefused(
        dpop(
            "/api/a",
            DpopProofs.by(DpopProofs.ecKey(), "GET", origin + "/api/a", Instant.now())
                .ath(token)
                .sign()),
        "invalid_dpop_proof");
    assertRefused(dpop("/api/a", proof("GET", "/api/other").sign()), "invalid_dpop_proof");
    assertRefused(dpop("/api/a", proof("POST", "/api/a").sign()), "invalid_dpop_proof");
    assertRefused(
        dpop("/api/a", proof("GET", "/api/a").ath(token + "x").sign()), "invalid_dpop_proof");
    assertRefused(
        dpop(
            "/api/a",
            proof("GET", "/api/a")
                .claim("iat", Instant.now().minus(Duration.ofMinutes(10)).getEpochSecond())
                .sign()),
        "invalid_dpop_proof");
    assertRefused(
        get(
            "/api/a",
            "DPoP " + token,
            List.of(proof("GET", "/api/a").sign(), proof("GET", "/api/a").sign())),
        "invalid_dpop_proof");
    assertThat(HANDLED.get()).isEqualTo(handled + 1);
  }

  /** A replay store that cannot be reached is not the broker's keys: the log says which failed. */
  @Test
  void namesAnUnreachableReplayStoreAsSuch() {
    TokenVerifier verifier =
        TokenVerifier.builder()
            .issuer(broker.issuer().toString())
            .audience(Brokers.audience(broker))
            .route("GET /api/*", "demo:read")
            .dpop(origin)
            .dpopReplayGuard(
                (proofId, keepUntil) -> {
                  throw new io.tokenbroker.errors.ServiceFailure(
                      "dynamodb", "PutItem failed", true, null);
                })
            .build();

    Decision decision =
        verifier.verify(
            "GET",
            "/api/a",
            "DPoP " + token,
            java.util.List.of(proof("GET", "/api/a").sign()),
            origin + "/api/a");

    assertThat(decision)
        .isInstanceOfSatisfying(
            Decision.Refused.class,
            refused -> assertThat(refused.reason()).isEqualTo("dpop_replay_unavailable"));
  }

  @Test
  void refusesTheBoundTokenAsABearerTokenAndABearerTokenUnderTheDpopScheme() throws Exception {
    HttpResponse<String> asBearer =
        get("/api/a", "Bearer " + token, List.of(proof("GET", "/api/a").sign()));
    assertThat(asBearer.statusCode()).isEqualTo(401);
    assertThat(asBearer.headers().firstValue("WWW-Authenticate"))
        .contains("Bearer error=\"invalid_token\"");

    String bearer = Brokers.token(broker, "demo:read");
    assertRefused(
        get(
            "/api/a",
            "DPoP " + bearer,
            List.of(
                DpopProofs.by(key, "GET", origin + "/api/a", Instant.now()).ath(bearer).sign())),
        "invalid_token");
    assertThat(get("/api/a", "Bearer " + bearer, List.of()).statusCode()).isEqualTo(200);
  }

  @Test
  void refusesDpopBoundTokensWhereTheVerifierWasNotBuiltForDpop() throws Exception {
    assertThat(dpop("/nodpop/a", proof("GET", "/nodpop/a").sign()).statusCode()).isEqualTo(401);
    assertThat(get("/nodpop/a", "Bearer " + token, List.of()).statusCode()).isEqualTo(401);
  }
}
