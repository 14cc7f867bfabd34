package io.tokenbroker.discovery;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import io.tokenbroker.errors.ServiceFailure;
import io.tokenbroker.keys.ConfirmedKeys;
import io.tokenbroker.keys.PublishedKeys;
import io.tokenbroker.keys.SigningKey;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Serves the JWKS (published public keys) and the authorization server metadata. The JWKS holds
 * only keys KMS confirms ({@link ConfirmedKeys}): a key-table record someone else wrote is left
 * out. If a published key cannot be checked now (KMS failing), the JWKS is not answered (a
 * retryable failure) rather than answered without it: verifiers would cache the short set for its
 * max-age, while on a failed fetch they keep the set they have.
 */
public final class DiscoveryService {

  private final PublishedKeys keys;
  private final ConfirmedKeys confirmed;
  private final ServerMetadata metadata;
  private final Duration jwksMaxAge;

  /**
   * @param jwksMaxAge how long verifiers may cache the JWKS (HTTP max-age); key rotation publishes
   *     keys at least this long before they sign
   */
  public DiscoveryService(
      PublishedKeys keys, ConfirmedKeys confirmed, ServerMetadata metadata, Duration jwksMaxAge) {
    this.keys = keys;
    this.confirmed = confirmed;
    this.metadata = metadata;
    this.jwksMaxAge = jwksMaxAge;
  }

  /**
   * The published public keys KMS confirms, oldest first.
   *
   * @throws ServiceFailure if the key table cannot be read or a published key cannot be checked
   */
  public JWKSet jwks() {
    ConfirmedKeys.Result result = confirmed.confirm(keys.current());
    if (!result.complete()) {
      throw new ServiceFailure("kms", "a published key could not be checked", true, null);
    }
    List<JWK> published =
        result.keys().stream()
            .sorted(Comparator.comparing(SigningKey::createdAt).thenComparing(SigningKey::kid))
            .map(SigningKey::publicJwk)
            .toList();
    return new JWKSet(published);
  }

  public Map<String, Object> metadata() {
    return metadata.toJson();
  }

  /**
   * The metadata as OpenID Connect Discovery's document ({@link
   * ServerMetadata#toOpenIdConfiguration}).
   */
  public Map<String, Object> openIdConfiguration() {
    return metadata.toOpenIdConfiguration();
  }

  public Duration jwksMaxAge() {
    return jwksMaxAge;
  }
}
