package io.tokenbroker.client;

import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.SignedJWT;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * A DPoP authorization and resource server on real HTTP (the JDK's server on loopback), as RFC 9449
 * describes them, until the broker's own DPoP support lands: it checks every proof with the
 * independent verifier ({@link DPoPVerifier}), asks for nonces when told to (sections 8 and 9),
 * binds refresh tokens to the proof key (section 5) and records what it saw. Client authentication
 * is not its concern: it takes any.
 */
final class DPoPTestServer implements AutoCloseable {

  /** One request: its path, grant type (token requests), the proof's claims, and the answer. */
  record Seen(
      String path, String grantType, Optional<String> nonce, Optional<String> jkt, int status) {}

  private static final SecureRandom RANDOM = new SecureRandom();

  private final HttpServer server;
  private final DPoPVerifier verifier = new DPoPVerifier();
  private final Map<String, String> boundAccessTokens = new ConcurrentHashMap<>();
  private final Map<String, String> boundRefreshTokens = new ConcurrentHashMap<>();
  private final List<Seen> seen = new CopyOnWriteArrayList<>();
  private final List<String> issued = new CopyOnWriteArrayList<>();
  private final List<String> tokenProofs = new CopyOnWriteArrayList<>();

  /** The token_type its token responses name. */
  volatile String tokenType = "DPoP";

  /** The nonce token requests must carry; none required while empty. */
  volatile Optional<String> tokenNonce = Optional.empty();

  /** Sent with every successful token response: the nonce to use from then on. */
  volatile Optional<String> tokenNonceOnSuccess = Optional.empty();

  /** Asks for a new nonce on every token request, whatever it carries. */
  volatile boolean neverSatisfied;

  /** The nonce API requests must carry; none required while empty. */
  volatile Optional<String> resourceNonce = Optional.empty();

  DPoPTestServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/token", this::token);
    server.createContext("/api", this::api);
    server.start();
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  List<Seen> seen() {
    return List.copyOf(seen);
  }

  /** Every proof token requests carried, valid or not. */
  List<String> tokenProofs() {
    return List.copyOf(tokenProofs);
  }

  /** Every access and refresh token it gave out. */
  List<String> issued() {
    return List.copyOf(issued);
  }

  List<Seen> seen(String pathPrefix) {
    return seen.stream().filter(s -> s.path().startsWith(pathPrefix)).toList();
  }

  private void token(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      Map<String, String> form =
          form(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      String grant = form.getOrDefault("grant_type", "");
      List<String> proofs = exchange.getRequestHeaders().getOrDefault("DPoP", List.of());
      if (proofs.size() != 1) {
        seen.add(new Seen(path, grant, Optional.empty(), Optional.empty(), 400));
        answer(exchange, 400, "{\"error\":\"invalid_dpop_proof\"}");
        return;
      }
      String proof = proofs.getFirst();
      tokenProofs.add(proof);
      Optional<String> carried = nonceOf(proof);
      Optional<String> wanted = tokenNonce;
      if (neverSatisfied || (wanted.isPresent() && !wanted.equals(carried))) {
        String next = neverSatisfied ? "as-" + random() : wanted.orElseThrow();
        exchange.getResponseHeaders().add("DPoP-Nonce", next);
        seen.add(new Seen(path, grant, carried, Optional.empty(), 400));
        answer(exchange, 400, "{\"error\":\"use_dpop_nonce\",\"error_description\":\"nonce\"}");
        return;
      }
      String jkt;
      try {
        jkt = verifier.tokenRequest(proof, URI.create(uri() + path), wanted);
      } catch (Exception e) {
        seen.add(new Seen(path, grant, carried, Optional.empty(), 400));
        answer(exchange, 400, "{\"error\":\"invalid_dpop_proof\"}");
        return;
      }
      if (grant.equals("refresh_token")) {
        // Section 5: a refresh token bound to a key is used with a proof of that key only.
        String bound = boundRefreshTokens.remove(form.getOrDefault("refresh_token", ""));
        if (!jkt.equals(bound)) {
          seen.add(new Seen(path, grant, carried, Optional.of(jkt), 400));
          answer(exchange, 400, "{\"error\":\"invalid_grant\"}");
          return;
        }
      }
      String access = random() + "." + random() + "." + random();
      String refresh = "tbr_" + random();
      issued.addAll(List.of(access, refresh));
      boundAccessTokens.put(access, jkt);
      boundRefreshTokens.put(refresh, jkt);
      tokenNonceOnSuccess.ifPresent(
          n -> {
            tokenNonce = Optional.of(n);
            exchange.getResponseHeaders().add("DPoP-Nonce", n);
          });
      seen.add(new Seen(path, grant, carried, Optional.of(jkt), 200));
      answer(
          exchange,
          200,
          "{\"access_token\":\""
              + access
              + "\",\"token_type\":\""
              + tokenType
              + "\",\"expires_in\":300,\"refresh_token\":\""
              + refresh
              + "\"}");
    }
  }

  private void api(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      byte[] body = exchange.getRequestBody().readAllBytes();
      String authorization = exchange.getRequestHeaders().getFirst("Authorization");
      List<String> proofs = exchange.getRequestHeaders().getOrDefault("DPoP", List.of());
      if (authorization == null || !authorization.startsWith("DPoP ") || proofs.size() != 1) {
        seen.add(new Seen(path, "", Optional.empty(), Optional.empty(), 401));
        exchange.getResponseHeaders().add("WWW-Authenticate", "DPoP algs=\"ES256\"");
        answer(exchange, 401, "");
        return;
      }
      String token = authorization.substring("DPoP ".length());
      String proof = proofs.getFirst();
      Optional<String> carried = nonceOf(proof);
      Optional<String> wanted = resourceNonce;
      if (wanted.isPresent() && !wanted.equals(carried)) {
        exchange
            .getResponseHeaders()
            .add("WWW-Authenticate", "DPoP error=\"use_dpop_nonce\", error_description=\"nonce\"");
        exchange.getResponseHeaders().add("DPoP-Nonce", wanted.orElseThrow());
        seen.add(new Seen(path, "", carried, Optional.empty(), 401));
        answer(exchange, 401, "");
        return;
      }
      String jkt = boundAccessTokens.getOrDefault(token, "unknown");
      try {
        verifier.resourceRequest(
            proof,
            exchange.getRequestMethod(),
            URI.create(uri() + exchange.getRequestURI().toString()),
            token,
            jkt,
            wanted);
      } catch (Exception e) {
        seen.add(new Seen(path, "", carried, Optional.empty(), 401));
        exchange.getResponseHeaders().add("WWW-Authenticate", "DPoP error=\"invalid_dpop_proof\"");
        answer(exchange, 401, "");
        return;
      }
      seen.add(new Seen(path, "", carried, Optional.of(jkt), 200));
      answer(
          exchange,
          200,
          exchange.getRequestMethod() + " " + new String(body, StandardCharsets.UTF_8));
    }
  }

  private static Optional<String> nonceOf(String proof) {
    try {
      return Optional.ofNullable(SignedJWT.parse(proof).getJWTClaimsSet().getStringClaim("nonce"));
    } catch (java.text.ParseException e) {
      return Optional.empty();
    }
  }

  private static Map<String, String> form(String body) {
    return java.util.Arrays.stream(body.split("&"))
        .filter(p -> p.contains("="))
        .collect(
            Collectors.toMap(
                p -> URLDecoder.decode(p.substring(0, p.indexOf('=')), StandardCharsets.UTF_8),
                p -> URLDecoder.decode(p.substring(p.indexOf('=') + 1), StandardCharsets.UTF_8),
                (a, b) -> a));
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
