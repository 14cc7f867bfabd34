package io.tokenbroker.federation;

import com.nimbusds.jose.jwk.JWK;
import java.net.URI;
import java.util.Optional;

/**
 * Port: the signing keys of an outside issuer that some trust policy names, fetched from its OpenID
 * configuration's {@code jwks_uri} (or a JWKS URL the policy pins) over HTTPS with the fetcher's
 * SSRF guards, and cached: an unknown {@code kid} refreshes the set at most once per minimum
 * interval, and during an outage the last good set serves for a bounded time.
 */
public interface IssuerKeys {

  /**
   * Where an issuer's keys are: its issuer identifier (an https URL, compared exactly with the
   * OpenID configuration's {@code issuer}), and the JWKS URL when the policy pins one (no
   * discovery).
   */
  record TrustedIssuer(URI issuer, Optional<URI> jwksUri) {}

  /**
   * The issuer's public key with this kid, or empty when its current set (refreshed as above) has
   * none, or the kid is null or empty.
   *
   * @throws io.tokenbroker.errors.ServiceFailure when the keys cannot be had and no cached set is
   *     within its outage bound: {@link io.tokenbroker.errors.ServiceFailure#retryable() retryable}
   *     for an outage or a hiccup (timeout, refused connection, any status but 200, an answer that
   *     is not JSON, not UTF-8, oversized, or not a key set: a 503), not retryable only when the
   *     issuer is not to be trusted (an address that is not public, an OpenID configuration naming
   *     another issuer or a jwks_uri that is not https, a redirect, a certificate not trusted),
   *     which the caller reports as the token's issuer being refused
   */
  Optional<JWK> key(TrustedIssuer issuer, String kid);
}
