package io.tokenbroker.client;

import com.nimbusds.jose.util.Base64URL;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * Real HTTP on loopback standing in for the broker's {@code POST /token} (token exchange, RFC 8693)
 * and for GitHub Actions' ID-token endpoint ({@code GET
 * /github/idtoken?api-version=2.0&audience=}): records every request exactly as it arrived, answers
 * the next ones from a queue, and otherwise the way each real one does (a token response with
 * {@code issued_token_type}; {@code {"value": <a new JWT>}}).
 */
final class ExchangeTestServer implements AutoCloseable {

  /** A request as it arrived: method, raw path and query, headers, and its form (in order). */
  record Seen(
      String method,
      String path,
      String rawQuery,
      Map<String, List<String>> headers,
      Map<String, String> form,
      int status) {

    String header(String name) {
      return headers.entrySet().stream()
          .filter(e -> e.getKey().equalsIgnoreCase(name))
          .map(e -> e.getValue().getFirst())
          .findFirst()
          .orElse(null);
    }
  }

  /** An answer given instead of the default one, from the request's form. */
  record Canned(
      int status, Map<String, String> headers, Function<Map<String, String>, String> body) {}

  private static final SecureRandom RANDOM = new SecureRandom();

  private final HttpServer server;
  private final List<Seen> broker = new CopyOnWriteArrayList<>();
  private final List<Seen> github = new CopyOnWriteArrayList<>();
  private final ConcurrentLinkedQueue<Canned> brokerAnswers = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<Canned> githubAnswers = new ConcurrentLinkedQueue<>();
  private final List<String> githubTokens = new CopyOnWriteArrayList<>();
  private final List<String> issued = new CopyOnWriteArrayList<>();

  /** Each broker answer waits this long first (a slow broker, concurrent callers piling up). */
  volatile Duration hold = Duration.ZERO;

  /** Whether a successful exchange also gives a refresh token (the broker never does). */
  volatile boolean withRefreshToken;

  ExchangeTestServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/token", this::token);
    server.createContext("/github/idtoken", this::idToken);
    server.createContext("/api", this::api);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.start();
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** What a GitHub runner sets ACTIONS_ID_TOKEN_REQUEST_URL to (it carries a query already). */
  String githubRequestUrl() {
    return uri() + "/github/idtoken?api-version=2.0";
  }

  List<Seen> brokerRequests() {
    return List.copyOf(broker);
  }

  List<Seen> githubRequests() {
    return List.copyOf(github);
  }

  /** Every ID token the GitHub endpoint gave, in order. */
  List<String> githubTokens() {
    return List.copyOf(githubTokens);
  }

  /** Every access and refresh token the broker gave. */
  List<String> issued() {
    return List.copyOf(issued);
  }

  void answerBroker(int count, Canned answer) {
    for (int i = 0; i < count; i++) {
      brokerAnswers.add(answer);
    }
  }

  void answerGitHub(int count, Canned answer) {
    for (int i = 0; i < count; i++) {
      githubAnswers.add(answer);
    }
  }

  /** A JWT-shaped token (its signature random: the client never verifies outside tokens). */
  static String jwt(String issuer, String subject) {
    return Base64URL.encode("{\"alg\":\"RS256\",\"kid\":\"k1\",\"typ\":\"JWT\"}")
        + "."
        + Base64URL.encode(
            "{\"iss\":\"" + issuer + "\",\"sub\":\"" + subject + "\",\"jti\":\"" + random() + "\"}")
        + "."
        + random()
        + random();
  }

  private void token(HttpExchange exchange) throws IOException {
    try (exchange) {
      Map<String, String> form = form(exchange);
      Duration wait = hold;
      if (!wait.isZero()) {
        try {
          Thread.sleep(wait);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      Canned canned = brokerAnswers.poll();
      if (canned != null) {
        broker.add(seen(exchange, form, canned.status()));
        canned.headers().forEach(exchange.getResponseHeaders()::add);
        answer(exchange, canned.status(), canned.body().apply(form));
        return;
      }
      String access = jwt(uri().toString(), form.getOrDefault("client_id", "c"));
      issued.add(access);
      StringBuilder body =
          new StringBuilder("{\"access_token\":\"")
              .append(access)
              .append("\",\"token_type\":\"Bearer\",\"expires_in\":300")
              .append(",\"issued_token_type\":\"urn:ietf:params:oauth:token-type:access_token\"");
      if (form.containsKey("scope")) {
        body.append(",\"scope\":\"").append(form.get("scope")).append('"');
      }
      if (withRefreshToken) {
        String refresh = "tbr_" + random();
        issued.add(refresh);
        body.append(",\"refresh_token\":\"").append(refresh).append('"');
      }
      broker.add(seen(exchange, form, 200));
      answer(exchange, 200, body.append('}').toString());
    }
  }

  private void idToken(HttpExchange exchange) throws IOException {
    try (exchange) {
      Canned canned = githubAnswers.poll();
      if (canned != null) {
        github.add(seen(exchange, Map.of(), canned.status()));
        answer(exchange, canned.status(), canned.body().apply(Map.of()));
        return;
      }
      String token = jwt("https://token.actions.githubusercontent.com", "repo:acme/app:ref:main");
      githubTokens.add(token);
      github.add(seen(exchange, Map.of(), 200));
      answer(exchange, 200, "{\"count\":1,\"value\":\"" + token + "\"}");
    }
  }

  /** An API: 200 for a token this server issued, sent as a bearer token; else 401. */
  private void api(HttpExchange exchange) throws IOException {
    try (exchange) {
      String authorization = exchange.getRequestHeaders().getFirst("Authorization");
      boolean known =
          authorization != null
              && authorization.startsWith("Bearer ")
              && issued.contains(authorization.substring("Bearer ".length()));
      answer(exchange, known ? 200 : 401, known ? "{\"hello\":\"workload\"}" : "");
    }
  }

  private static Seen seen(HttpExchange exchange, Map<String, String> form, int status) {
    return new Seen(
        exchange.getRequestMethod(),
        exchange.getRequestURI().getRawPath(),
        exchange.getRequestURI().getRawQuery(),
        Map.copyOf(exchange.getRequestHeaders()),
        form,
        status);
  }

  /** The form in its order; a repeated name is kept as "a,b" so a test sees it. */
  private static Map<String, String> form(HttpExchange exchange) throws IOException {
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    Map<String, String> form = new LinkedHashMap<>();
    for (String pair : body.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name =
          URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value =
          eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      form.merge(name, value, (a, b) -> a + "," + b);
    }
    return form;
  }

  private static String random() {
    byte[] bytes = new byte[18];
    RANDOM.nextBytes(bytes);
    return Base64URL.encode(bytes).toString();
  }

  private static void answer(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
