package io.tokenbroker.verifier.example;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.tokenbroker.verifier.Principal;
import io.tokenbroker.verifier.TokenVerifier;
import io.tokenbroker.verifier.VerifierFilter;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * A long-running service on the JDK's HTTP server, protected by the broker's tokens: what README's
 * example shows. {@code java OrdersService <issuer> <audience> <port>}.
 */
public final class OrdersService {

  private OrdersService() {}

  public static void main(String[] args) throws IOException {
    start(args[0], args[1], Integer.parseInt(args[2]));
  }

  public static HttpServer start(String issuer, String audience, int port) throws IOException {
    TokenVerifier verifier =
        TokenVerifier.builder()
            .issuer(issuer) // the broker's base URL; its JWKS is read from there
            .audience(audience) // the aud this service's tokens must carry
            .route("GET /orders/*", "demo:read")
            .route("POST /orders", "demo:write")
            .build();
    HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
    VerifierFilter.protect(server.createContext("/orders", OrdersService::handle), verifier);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.start();
    return server;
  }

  /** Reached only with a valid token that grants the route. */
  private static void handle(HttpExchange exchange) throws IOException {
    Principal caller = VerifierFilter.principal(exchange).orElseThrow();
    // A JSON library escapes what the caller put in the path (quotes, backslashes, controls).
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("path", exchange.getRequestURI().getPath());
    answer.put("client_id", caller.clientId());
    byte[] body = JSONObjectUtils.toJSONString(answer).getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, body.length);
    try (exchange) {
      exchange.getResponseBody().write(body);
    }
  }
}
