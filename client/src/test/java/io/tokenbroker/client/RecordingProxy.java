package io.tokenbroker.client;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * A tiny HTTP proxy in front of the local server: records every request that came (its form and
 * when), forwards it, and can answer the next ones itself (a 503 with Retry-After) or hold each
 * answer a while. What reached the broker is what it forwarded.
 */
final class RecordingProxy implements AutoCloseable {

  /** A request the proxy saw, whether the broker saw it too, and the status the client got. */
  record Seen(Map<String, String> form, long nanoTime, boolean forwarded, int status) {
    String grantType() {
      return form.get("grant_type");
    }
  }

  /** An answer the proxy gives instead of forwarding, from the request's form. */
  record Canned(
      int status, Map<String, String> headers, Function<Map<String, String>, String> body) {}

  private final HttpServer server;
  private final URI target;
  private final HttpClient http = HttpClient.newHttpClient();
  private final ConcurrentLinkedQueue<Canned> canned = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<Canned> afterForward = new ConcurrentLinkedQueue<>();
  private final List<Seen> seen = new ArrayList<>();
  private volatile Duration hold = Duration.ZERO;

  RecordingProxy(URI target) throws IOException {
    this.target = target;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.start();
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** The next {@code count} requests get this answer instead of reaching the broker. */
  void answerNext(int count, Canned answer) {
    for (int i = 0; i < count; i++) {
      canned.add(answer);
    }
  }

  /**
   * The next {@code count} requests reach the broker, but the client gets this answer instead of
   * the broker's (a gateway timing out after the broker did the work).
   */
  void forwardThenAnswer(int count, Canned answer) {
    for (int i = 0; i < count; i++) {
      afterForward.add(answer);
    }
  }

  /** Each forwarded answer waits this long (so concurrent callers pile up behind it). */
  void hold(Duration duration) {
    this.hold = duration;
  }

  synchronized List<Seen> seen() {
    return List.copyOf(seen);
  }

  /** The grant types that reached the broker, in order. */
  synchronized List<String> forwardedGrants() {
    return seen.stream().filter(Seen::forwarded).map(Seen::grantType).toList();
  }

  private void handle(HttpExchange exchange) throws IOException {
    long arrived = System.nanoTime();
    byte[] body = exchange.getRequestBody().readAllBytes();
    Map<String, String> form = form(new String(body, StandardCharsets.UTF_8));
    Canned answer = canned.poll();
    try (exchange) {
      if (answer != null) {
        record(new Seen(form, arrived, false, answer.status()));
        answer.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        send(exchange, answer.status(), answer.body().apply(form).getBytes(StandardCharsets.UTF_8));
        return;
      }
      HttpRequest.Builder forward =
          HttpRequest.newBuilder(target.resolve(exchange.getRequestURI().getRawPath()))
              .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
      String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
      if (contentType != null) {
        forward.header("Content-Type", contentType);
      }
      HttpResponse<byte[]> response =
          http.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
      Canned instead = afterForward.poll();
      if (instead != null) {
        record(new Seen(form, arrived, true, instead.status()));
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        send(
            exchange,
            instead.status(),
            instead.body().apply(form).getBytes(StandardCharsets.UTF_8));
        return;
      }
      record(new Seen(form, arrived, true, response.statusCode()));
      Thread.sleep(hold);
      response
          .headers()
          .map()
          .forEach(
              (k, values) -> {
                if (!k.equalsIgnoreCase("content-length") && !k.equalsIgnoreCase(":status")) {
                  values.forEach(v -> exchange.getResponseHeaders().add(k, v));
                }
              });
      send(exchange, response.statusCode(), response.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private synchronized void record(Seen s) {
    seen.add(s);
  }

  private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private static Map<String, String> form(String body) {
    Map<String, String> form = new LinkedHashMap<>();
    if (body.isEmpty()) {
      return form;
    }
    for (String pair : body.split("&")) {
      int eq = pair.indexOf('=');
      form.put(
          URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
          eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return form;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
