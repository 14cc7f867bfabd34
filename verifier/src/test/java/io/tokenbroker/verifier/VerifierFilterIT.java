package io.tokenbroker.verifier;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.tokenbroker.local.LocalBroker;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The filter on a real JDK HTTP server: what reaches the handler, and what the caller sees. */
class VerifierFilterIT {

  private static final AtomicInteger HANDLED = new AtomicInteger();
  private static HttpServer server;
  private static String token;

  @BeforeAll
  static void start() throws Exception {
    LocalBroker broker = Brokers.shared();
    token = Brokers.token(broker, "demo:read");
    TokenVerifier verifier =
        TokenVerifier.builder()
            .issuer(broker.issuer().toString())
            .audience(Brokers.audience(broker))
            .route("GET /api/*", "demo:read")
            .route("HEAD /api/*", "demo:write")
            .build();
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    VerifierFilter.protect(
        server.createContext(
            "/api",
            exchange -> {
              HANDLED.incrementAndGet();
              byte[] body = VerifierFilter.principal(exchange).orElseThrow().jti().getBytes();
              exchange.sendResponseHeaders(200, body.length);
              try (exchange) {
                exchange.getResponseBody().write(body);
              }
            }),
        verifier);
    server.start();
  }

  @AfterAll
  static void stop() {
    server.stop(0);
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return Brokers.HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpRequest.Builder request(String method, String path) {
    return HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path))
        .method(method, HttpRequest.BodyPublishers.noBody());
  }

  @Test
  void handsTheHandlerTheVerifiedCaller() throws Exception {
    HttpResponse<String> response =
        send(request("GET", "/api/a").header("Authorization", "Bearer " + token));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(Tokens.claims(token).get("jti"));
  }

  @Test
  void refusesTwoAuthorizationHeadersEvenWhenBothHoldTheToken() throws Exception {
    int handled = HANDLED.get();
    HttpResponse<String> response =
        send(
            request("GET", "/api/a")
                .header("Authorization", "Bearer " + token)
                .header("Authorization", "Bearer " + token));

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("WWW-Authenticate"))
        .contains("Bearer error=\"invalid_token\"");
    assertThat(response.body()).isEqualTo("{\"error\":\"invalid_token\"}");
    assertThat(response.headers().firstValue("Cache-Control")).contains("no-store");
    assertThat(HANDLED.get()).isEqualTo(handled);
  }

  @Test
  void refusesAHeadRequestWithTheChallengeAndNoBody() throws Exception {
    int handled = HANDLED.get();
    HttpResponse<String> response =
        send(request("HEAD", "/api/a").header("Authorization", "Bearer " + token));

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(response.headers().firstValue("WWW-Authenticate"))
        .contains("Bearer error=\"insufficient_scope\", scope=\"demo:write\"");
    assertThat(response.body()).isEmpty();
    assertThat(HANDLED.get()).isEqualTo(handled);
  }

  @Test
  void refusesAPathThatDotSegmentsWouldTakeElsewhere() throws Exception {
    int handled = HANDLED.get();
    HttpResponse<String> response =
        send(request("GET", "/api/a/../../admin").header("Authorization", "Bearer " + token));

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).isEqualTo("{\"error\":\"invalid_request\"}");
    assertThat(HANDLED.get()).isEqualTo(handled);
  }
}
