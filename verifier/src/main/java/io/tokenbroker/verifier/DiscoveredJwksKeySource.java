package io.tokenbroker.verifier;

import io.tokenbroker.adapters.jwks.JwksUrlKeySource;
import io.tokenbroker.errors.ServiceFailure;
import io.tokenbroker.json.Json;
import io.tokenbroker.verify.KeySource;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The broker's keys from the {@code jwks_uri} its OpenID discovery document names, read at the
 * first key read (and again after a failed one), so a service starts while the broker is
 * unreachable. The document must name our issuer exactly (OpenID Connect Discovery 4.3), and its
 * {@code jwks_uri} must be https (or http to a loopback host, for an http loopback issuer only): a
 * document that does not is a configuration error (500), one that cannot be read a retryable
 * failure (503).
 */
final class DiscoveredJwksKeySource implements KeySource {

  private static final String PATH = "/.well-known/openid-configuration";
  private static final int MAX_BYTES = 64 * 1024;

  private final URI issuer;
  private final Duration timeout;
  private volatile KeySource jwks;

  DiscoveredJwksKeySource(URI issuer, Duration timeout) {
    this.issuer = issuer;
    this.timeout = timeout;
  }

  @Override
  public List<com.nimbusds.jose.jwk.JWK> fetch() {
    KeySource source = jwks;
    if (source == null) {
      source = new JwksUrlKeySource(discover(), timeout);
      jwks = source;
    }
    return source.fetch();
  }

  private URI discover() {
    Map<String, Object> metadata;
    try {
      metadata = Json.object(read(URI.create(issuer + PATH)));
    } catch (ParseException e) {
      throw new ServiceFailure("discovery", "openid-configuration is not a JSON object", false, e);
    }
    return jwksUri(issuer, metadata);
  }

  /** The document's jwks_uri, if the document is one we may trust for this issuer. */
  static URI jwksUri(URI issuer, Map<String, Object> metadata) {
    if (!issuer.toString().equals(metadata.get("issuer"))) {
      throw new ServiceFailure(
          "discovery", "openid-configuration names another issuer than ours", false, null);
    }
    if (!(metadata.get("jwks_uri") instanceof String jwksUri)) {
      throw new ServiceFailure("discovery", "openid-configuration has no jwks_uri", false, null);
    }
    URI uri;
    try {
      uri = TokenVerifier.secureUrl(jwksUri, "jwks_uri");
    } catch (IllegalArgumentException e) {
      throw new ServiceFailure("discovery", e.getMessage(), false, null);
    }
    // Loopback http is for a local broker; an https issuer's keys never come over plain http.
    if ("https".equals(issuer.getScheme()) && !"https".equals(uri.getScheme())) {
      throw new ServiceFailure(
          "discovery",
          "openid-configuration of an https issuer names an http jwks_uri",
          false,
          null);
    }
    return uri;
  }

  /** One GET, as {@link JwksUrlKeySource} reads the JWKS: timeouts, size cap, no redirects. */
  private String read(URI uri) {
    HttpURLConnection connection = null;
    try {
      connection = (HttpURLConnection) uri.toURL().openConnection();
      connection.setInstanceFollowRedirects(false);
      connection.setConnectTimeout((int) timeout.toMillis());
      connection.setReadTimeout((int) timeout.toMillis());
      connection.setRequestProperty("Accept", "application/json");
      int status = connection.getResponseCode();
      if (status != 200) {
        throw new ServiceFailure(
            "discovery",
            "GET openid-configuration answered HTTP " + status,
            status >= 500 || status == 429, // throttled: asking again later helps
            null);
      }
      byte[] body;
      try (InputStream in = connection.getInputStream()) {
        body = in.readNBytes(MAX_BYTES + 1);
      }
      if (body.length > MAX_BYTES) {
        throw new ServiceFailure(
            "discovery", "openid-configuration larger than " + MAX_BYTES + " bytes", false, null);
      }
      return new String(body, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ServiceFailure(
          "discovery", "GET openid-configuration failed: " + e.getClass().getSimpleName(), true, e);
    } finally {
      if (connection != null) {
        connection.disconnect();
      }
    }
  }
}
