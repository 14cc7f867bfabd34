package io.tokenbroker.testing;

import com.nimbusds.jose.jwk.JWK;
import io.tokenbroker.errors.ServiceFailure;
import io.tokenbroker.federation.IssuerKeys;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link IssuerKeys} in memory, held to {@code IssuerKeysContract} with the HTTPS adapter: keys by
 * issuer, published at once (no cache, no refresh interval); an issuer nothing was published for,
 * or one made unreachable, is a retryable {@link ServiceFailure}. A pinned JWKS URL is ignored.
 */
public final class InMemoryIssuerKeys implements IssuerKeys {

  private final Map<URI, Map<String, JWK>> issuers = new ConcurrentHashMap<>();
  private final Set<URI> unreachable = ConcurrentHashMap.newKeySet();

  /** Publishes the public part of {@code key} under {@code issuer}. */
  public InMemoryIssuerKeys publish(URI issuer, JWK key) {
    issuers
        .computeIfAbsent(issuer, i -> new ConcurrentHashMap<>())
        .put(key.getKeyID(), key.toPublicJWK());
    return this;
  }

  /** The issuer cannot be reached (an outage) until called again with {@code false}. */
  public void unreachable(URI issuer, boolean value) {
    if (value) {
      unreachable.add(issuer);
    } else {
      unreachable.remove(issuer);
    }
  }

  @Override
  public Optional<JWK> key(TrustedIssuer issuer, String kid) {
    Map<String, JWK> keys = issuers.get(issuer.issuer());
    if (keys == null || unreachable.contains(issuer.issuer())) {
      throw new ServiceFailure("issuer-keys", "keys of the issuer unavailable", true, null);
    }
    return Optional.ofNullable(keys.get(kid));
  }
}
