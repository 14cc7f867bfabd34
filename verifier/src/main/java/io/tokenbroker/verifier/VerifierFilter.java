package io.tokenbroker.verifier;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsExchange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * Protects a JDK {@link com.sun.net.httpserver.HttpServer} context with a {@link TokenVerifier}: a
 * request reaches the handler only if the verifier allows it, and the handler finds the caller with
 * {@link #principal}. Otherwise the filter answers (401, 403, 400, 503 or 500) with the RFC 6750
 * {@code WWW-Authenticate} challenge and a JSON {@code {"error": ...}} body, and logs the reason
 * (never the token). On an {@link com.sun.net.httpserver.HttpsServer} that wants or needs client
 * authentication, a certificate-bound token (RFC 8705) is checked against the client certificate of
 * the TLS session; on plain HTTP it is refused.
 *
 * <pre>{@code
 * HttpContext orders = server.createContext("/orders", handler);
 * VerifierFilter.protect(orders, verifier);
 * }</pre>
 */
public final class VerifierFilter extends Filter {

  private static final System.Logger LOG = System.getLogger(VerifierFilter.class.getName());
  private static final String PRINCIPAL = Principal.class.getName();

  private final TokenVerifier verifier;

  public VerifierFilter(TokenVerifier verifier) {
    this.verifier = verifier;
  }

  /** Adds the filter in front of every other filter of the context. */
  public static HttpContext protect(HttpContext context, TokenVerifier verifier) {
    context.getFilters().addFirst(new VerifierFilter(verifier));
    return context;
  }

  /** The caller the filter let through on this exchange (empty if it did not run). */
  public static Optional<Principal> principal(HttpExchange exchange) {
    return exchange.getAttribute(PRINCIPAL) instanceof Principal p
        ? Optional.of(p)
        : Optional.empty();
  }

  @Override
  public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
    List<String> authorization = exchange.getRequestHeaders().get("Authorization");
    // Sent more than once: joined, so the verifier refuses it as malformed.
    String header = authorization == null ? null : String.join(",", authorization);
    // DPoP (when the verifier checks it): every DPoP header's value, and the URL the client called
    // as the service's configured origin and the raw path (never the Host header).
    List<String> dpop = exchange.getRequestHeaders().get("DPoP");
    Decision decision =
        verifier.verify(
            exchange.getRequestMethod(),
            exchange.getRequestURI().getPath(),
            header,
            dpop == null ? List.of() : dpop,
            verifier
                .dpopOrigin()
                .map(origin -> origin + exchange.getRequestURI().getRawPath())
                .orElse(null),
            clientCertificate(exchange));
    switch (decision) {
      case Decision.Allowed allowed -> {
        exchange.setAttribute(PRINCIPAL, allowed.principal());
        chain.doFilter(exchange);
      }
      case Decision.Refused refused -> refuse(exchange, refused);
    }
  }

  /**
   * On an {@link com.sun.net.httpserver.HttpsServer}: the certificate the client authenticated TLS
   * with, if any.
   */
  static Optional<X509Certificate> clientCertificate(HttpExchange exchange) {
    if (!(exchange instanceof HttpsExchange https) || https.getSSLSession() == null) {
      return Optional.empty();
    }
    try {
      Certificate[] chain = https.getSSLSession().getPeerCertificates();
      return chain.length > 0 && chain[0] instanceof X509Certificate first
          ? Optional.of(first)
          : Optional.empty();
    } catch (SSLPeerUnverifiedException none) {
      return Optional.empty();
    }
  }

  private static void refuse(HttpExchange exchange, Decision.Refused refused) throws IOException {
    LOG.log(
        System.Logger.Level.INFO,
        "refused {0} {1}: {2} {3}",
        exchange.getRequestMethod(),
        exchange.getRequestURI().getRawPath(),
        refused.status(),
        refused.reason());
    // The body of a refused request is not read: closing the exchange drops what is left.
    try (exchange) {
      byte[] body = ("{\"error\":\"" + refused.error() + "\"}").getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.getResponseHeaders().set("Cache-Control", "no-store");
      refused
          .wwwAuthenticate()
          .ifPresent(v -> exchange.getResponseHeaders().set("WWW-Authenticate", v));
      boolean head = exchange.getRequestMethod().equals("HEAD");
      exchange.sendResponseHeaders(refused.status(), head ? -1 : body.length);
      if (!head) {
        exchange.getResponseBody().write(body);
      }
    }
  }

  @Override
  public String description() {
    return "token-broker access-token verifier";
  }
}
