package io.tokenbroker.discovery;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import io.tokenbroker.keys.PublishedKeys;
import io.tokenbroker.keys.SigningKey;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** Serves the JWKS (published public keys) and the authorization server metadata. */
public final class DiscoveryService {

  private final PublishedKeys keys;
  private final ServerMetadata metadata;
  private final Duration jwksMaxAge;

  /**
   * @param jwksMaxAge how long verifiers may cache the JWKS (HTTP max-age); key rotation publishes
   *     keys at least this long before they sign
   */
  public DiscoveryService(PublishedKeys keys, ServerMetadata metadata, Duration jwksMaxAge) {
    this.keys = keys;
    this.metadata = metadata;
    this.jwksMaxAge = jwksMaxAge;
  }

  /** The published public keys, oldest first. */
  public JWKSet jwks() {
    List<JWK> published =
        keys.current().stream()
            .sorted(Comparator.comparing(SigningKey::createdAt).thenComparing(SigningKey::kid))
            .map(SigningKey::publicJwk)
            .toList();
    return new JWKSet(published);
  }

  public Map<String, Object> metadata() {
    return metadata.toJson();
  }

  public Duration jwksMaxAge() {
    return jwksMaxAge;
  }
}
