package io.tokenbroker.cli.console;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.tokenbroker.errors.ServiceFailure;
import io.tokenbroker.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The operator console: a page and a JSON API on 127.0.0.1 only, for one operator at a time.
 *
 * <p>A loopback port is reachable by every local process and, through the operator's browser, by
 * every web page they visit. So: a random session key, printed at start in the address's fragment
 * (which the browser never sends), is required in an {@code Authorization: Bearer} header by every
 * API call; the page's script keeps it in sessionStorage (per origin, so per port) and drops it
 * from the address bar. No cookie: browsers do not keep cookies apart by port, so another server on
 * 127.0.0.1 would receive one. A cross-site form cannot set that header, so it needs no CSRF token.
 * The Host header must name this loopback address (a DNS-rebinding page's requests carry its own
 * host name); a POST must also come from this very origin. The page, script and style carry no
 * secret and are served without the key. The page runs only its own scripts (strict CSP, no inline
 * code) and renders data as text; nothing is cached. Answers never carry a stack trace or a token;
 * an unexpected failure is named on the terminal and answered coarsely.
 */
public final class ConsoleServer implements AutoCloseable {

  private static final String CSP =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src"
          + " 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
  private static final Map<String, String> STATIC =
      Map.of(
          "/",
          "text/html; charset=utf-8",
          "/app.js",
          "text/javascript; charset=utf-8",
          "/app.css",
          "text/css; charset=utf-8");
  private static final Map<String, String> RESOURCES =
      Map.of("/", "index.html", "/app.js", "app.js", "/app.css", "app.css");

  /** What no identifier (client id, jti, kid) contains: `@` first would also name a file. */
  private static final Pattern NOT_AN_IDENTIFIER = Pattern.compile("^@|[\\s\\p{Cc}\\p{Cf}\\p{Z}]");

  private static final int MAX_BODY = 4096;
  private static final int MAX_TARGET = 512;

  private final Map<String, Supplier<Object>> views;
  private final CommandRunner runner;
  private final PrintStream terminal;
  private final String sessionKey;
  private final HttpServer server;
  private final ExecutorService executor;
  private final Set<String> hosts;

  /**
   * Binds 127.0.0.1:{@code port} (0: a free port); {@link #start} serves.
   *
   * @param views each {@code GET /api/<name>}, by name
   * @param runner runs the brokerctl command of each action
   * @param terminal where unexpected failures are named (the operator's terminal)
   */
  public ConsoleServer(
      int port,
      Map<String, Supplier<Object>> views,
      CommandRunner runner,
      PrintStream terminal,
      SecureRandom random)
      throws IOException {
    this.views = Map.copyOf(views);
    this.runner = runner;
    this.terminal = terminal;
    this.sessionKey = randomToken(random);
    // 127.0.0.1 itself: the loopback address Java picks may be ::1, which the address never names.
    this.server =
        HttpServer.create(
            new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), port), 0);
    int bound = server.getAddress().getPort();
    this.hosts = Set.of("127.0.0.1:" + bound, "localhost:" + bound);
    // One request at a time: actions never interleave, and one operator needs no more.
    this.executor = Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon().factory());
    server.setExecutor(executor);
    server.createContext("/", this::handle);
  }

  public void start() {
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /**
   * The address to open: it carries the session key in its fragment, which the browser never sends
   * to any server; it is printed only to the operator.
   */
  public URI address() {
    return URI.create("http://127.0.0.1:" + port() + "/#key=" + sessionKey);
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      Headers headers = exchange.getResponseHeaders();
      headers.set("Content-Security-Policy", CSP);
      headers.set("Cache-Control", "no-store");
      headers.set("X-Content-Type-Options", "nosniff");
      headers.set("Referrer-Policy", "no-referrer");
      headers.set("X-Frame-Options", "DENY");
      headers.set("Cross-Origin-Opener-Policy", "same-origin");
      headers.set("Cross-Origin-Resource-Policy", "same-origin");
      String host = exchange.getRequestHeaders().getFirst("Host");
      if (host == null || !hosts.contains(host)) {
        text(exchange, 421, "this console answers only at http://127.0.0.1:" + port() + "/");
        return;
      }
      try {
        route(exchange, host);
      } catch (ServiceFailure failure) {
        json(
            exchange,
            503,
            Map.of(
                "error",
                "unavailable",
                "message",
                failure.getMessage() + (failure.retryable() ? " (temporary; try again)" : "")));
      } catch (RuntimeException bug) {
        terminal.println(
            "brokerctl console: " + exchange.getRequestURI().getPath() + " failed: " + bug);
        json(
            exchange,
            500,
            Map.of("error", "internal", "message", "failed; the console's terminal says why"));
      }
    }
  }

  private void route(HttpExchange exchange, String host) throws IOException {
    String method = exchange.getRequestMethod();
    String path = exchange.getRequestURI().getPath();
    if (STATIC.containsKey(path)) {
      if (!method.equals("GET")) {
        text(exchange, 405, "GET only");
        return;
      }
      send(exchange, 200, STATIC.get(path), resource(RESOURCES.get(path)));
      return;
    }
    if (!path.startsWith("/api/")) {
      text(exchange, 404, "not found");
      return;
    }
    if (!hasSessionKey(exchange)) {
      json(exchange, 401, error("unauthorized", "open the address brokerctl console printed"));
      return;
    }
    if (path.startsWith("/api/actions/")) {
      if (!method.equals("POST")) {
        json(exchange, 405, error("method_not_allowed", "POST only"));
        return;
      }
      action(exchange, host, path.substring("/api/actions/".length()));
      return;
    }
    Supplier<Object> view = views.get(path.substring("/api/".length()));
    if (view == null) {
      json(exchange, 404, error("not_found", "no such view"));
    } else if (!method.equals("GET")) {
      json(exchange, 405, error("method_not_allowed", "GET only"));
    } else {
      json(exchange, 200, Map.of("view", view.get()));
    }
  }

  /** A POST from this page: its origin, a JSON body naming the target. */
  private void action(HttpExchange exchange, String host, String name) throws IOException {
    Headers request = exchange.getRequestHeaders();
    if (!("http://" + host).equals(request.getFirst("Origin"))) {
      json(exchange, 403, error("forbidden", "actions are taken from the console's own page"));
      return;
    }
    String type = Optional.ofNullable(request.getFirst("Content-Type")).orElse("");
    if (!type.startsWith("application/json")) {
      json(exchange, 415, error("unsupported_media_type", "send application/json"));
      return;
    }
    Optional<ConsoleAction> action = ConsoleAction.byPath(name);
    if (action.isEmpty()) {
      json(exchange, 404, error("not_found", "no such action"));
      return;
    }
    String target;
    try {
      Object value = Json.object(body(exchange)).get("target");
      target = value instanceof String s ? s.strip() : "";
    } catch (java.text.ParseException | IllegalArgumentException e) {
      json(exchange, 400, error("invalid_request", "the body must be a JSON object"));
      return;
    }
    if (action.get().takesTarget() && (target.isEmpty() || target.length() > MAX_TARGET)) {
      json(exchange, 400, error("invalid_request", "name what to act on (target)"));
      return;
    }
    if (NOT_AN_IDENTIFIER.matcher(target).find()) {
      json(
          exchange,
          400,
          error(
              "invalid_request",
              "no client id, jti or key id starts with @ or contains spaces or control"
                  + " characters"));
      return;
    }
    CommandRunner.Outcome outcome = runner.run(action.get().arguments(target));
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("done", outcome.done());
    answer.put("command", "brokerctl " + String.join(" ", action.get().arguments(target)));
    answer.put("message", message(outcome));
    json(exchange, outcome.done() ? 200 : outcome.exitCode() == 2 ? 400 : 409, answer);
  }

  /** What the command said: its output when done, else the first line of its error. */
  private static String message(CommandRunner.Outcome outcome) {
    String said = outcome.done() || outcome.err().isBlank() ? outcome.out() : outcome.err();
    said = said.strip();
    if (!outcome.done()) {
      said = said.lines().findFirst().orElse("refused");
    }
    return said.startsWith("brokerctl: ") ? said.substring("brokerctl: ".length()) : said;
  }

  private boolean hasSessionKey(HttpExchange exchange) {
    String given = exchange.getRequestHeaders().getFirst("Authorization");
    return given != null && same(given, "Bearer " + sessionKey);
  }

  private static String body(HttpExchange exchange) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      byte[] bytes = in.readNBytes(MAX_BODY + 1);
      if (bytes.length > MAX_BODY) {
        throw new IllegalArgumentException("body too large");
      }
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }

  private static boolean same(String given, String expected) {
    return MessageDigest.isEqual(
        given.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8));
  }

  private static Map<String, Object> error(String code, String message) {
    return Map.of("error", code, "message", message);
  }

  private static void json(HttpExchange exchange, int status, Map<String, Object> body)
      throws IOException {
    send(
        exchange,
        status,
        "application/json",
        JSONObjectUtils.toJSONString(body).getBytes(StandardCharsets.UTF_8));
  }

  private static void text(HttpExchange exchange, int status, String message) throws IOException {
    send(
        exchange,
        status,
        "text/plain; charset=utf-8",
        (message + "\n").getBytes(StandardCharsets.UTF_8));
  }

  private static void send(HttpExchange exchange, int status, String type, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, body.length);
    exchange.getResponseBody().write(body);
  }

  private static byte[] resource(String name) {
    try (InputStream in = ConsoleServer.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing console resource " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String randomToken(SecureRandom random) {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
