package io.tokenbroker.adapters.jwks;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import io.tokenbroker.errors.ServiceFailure;
import io.tokenbroker.verify.KeySource;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.util.List;

/**
 * The broker's keys fetched from its JWKS URL, for verifiers in another account. One GET with
 * connect and read timeouts, a size cap, no redirects; only signing keys that state their alg are
 * kept.
 */
public final class JwksUrlKeySource implements KeySource {

  private static final int MAX_BYTES = 64 * 1024;

  private final URI jwksUrl;
  private final Duration timeout;

  public JwksUrlKeySource(URI jwksUrl, Duration timeout) {
    this.jwksUrl = jwksUrl;
    this.timeout = timeout;
  }

  @Override
  public List<JWK> fetch() {
    HttpURLConnection connection = null;
    try {
      connection = (HttpURLConnection) jwksUrl.toURL().openConnection();
      connection.setInstanceFollowRedirects(false);
      connection.setConnectTimeout((int) timeout.toMillis());
      connection.setReadTimeout((int) timeout.toMillis());
      connection.setRequestProperty("Accept", "application/json");
      int status = connection.getResponseCode();
      if (status != 200) {
        throw new ServiceFailure("jwks", "GET jwks answered HTTP " + status, status >= 500, null);
      }
      byte[] body;
      try (InputStream in = connection.getInputStream()) {
        body = in.readNBytes(MAX_BYTES + 1);
      }
      if (body.length > MAX_BYTES) {
        throw new ServiceFailure("jwks", "JWKS larger than " + MAX_BYTES + " bytes", false, null);
      }
      return JWKSet.parse(new String(body, StandardCharsets.UTF_8)).getKeys().stream()
          .filter(k -> k.getKeyUse() == null || k.getKeyUse() == KeyUse.SIGNATURE)
          .filter(k -> k.getAlgorithm() != null)
          .map(JWK::toPublicJWK)
          .toList();
    } catch (IOException e) {
      throw new ServiceFailure("jwks", "GET jwks failed: " + e.getClass().getSimpleName(), true, e);
    } catch (ParseException e) {
      throw new ServiceFailure("jwks", "JWKS is not a valid JWK set", false, e);
    } finally {
      if (connection != null) {
        connection.disconnect();
      }
    }
  }
}
