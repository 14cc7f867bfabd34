package io.tokenbroker.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.ECKey;
import io.tokenbroker.adapters.http.Form;
import io.tokenbroker.adapters.wiring.TokenWiring;
import io.tokenbroker.auth.AuthMethod;
import io.tokenbroker.auth.AuthenticatedClient;
import io.tokenbroker.jose.Confirmation;
import io.tokenbroker.json.Json;
import io.tokenbroker.testing.DpopProofs;
import io.tokenbroker.testing.RecordingTelemetry;
import io.tokenbroker.tokens.RequestOrigin;
import io.tokenbroker.tokens.TokenRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
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
 * <p>The bound token is minted by the broker's own token service on the local server's tables and
 * key (the token endpoint's DPoP minting is a separate piece); proofs are made with real keys by
 * {@link DpopProofs} (Nimbus JOSE). The local server stands for API Gateway, which serves HTTPS
 * only, so the URL a proof names is {@code https://} and the host the client called.
 */
class LocalDpopFlowIT {

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static LocalBroker broker;
  private static ECKey key;
  private static String token;

  @BeforeAll
  static void start() throws JOSEException {
    broker = LocalBroker.start(LocalBrokerOptions.onPort(0));
    key = DpopProofs.ecKey();
    token = boundToken(key.computeThumbprint().toString());
  }

  @AfterAll
  static void stop() {
    broker.close();
  }

  /** A token for the demo workload bound to {@code jkt}, signed by the local server's key. */
  private static String boundToken(String jkt) {
    URI issuer = broker.issuer();
    TokenWiring wiring =
        TokenWiring.fromEnvironment(
            LocalBroker.environment(
                broker.awsEndpoint(), "us-east-1", issuer, broker.tables(), true),
            Clock.systemUTC(),
            new RecordingTelemetry());
    return wiring
        .tokens()
        .issue(
            new AuthenticatedClient(LocalDemo.client(issuer), AuthMethod.AWS_IAM, LocalDemo.ROLE),
            TokenRequest.from(Form.parse("grant_type=client_credentials&scope=demo:read")),
            new RequestOrigin("127.0.0.1", "LocalDpopFlowIT"),
            Optional.of(new Confirmation.DpopKey(jkt)))
        .accessToken();
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
            DpopProofs.by(key, "GET", "https://localhost:1/demo/items/1", Instant.now())
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
}
