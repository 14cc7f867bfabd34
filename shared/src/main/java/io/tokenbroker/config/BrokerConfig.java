package io.tokenbroker.config;

import io.tokenbroker.discovery.BrokerEndpoints;
import io.tokenbroker.errors.ConfigException;
import io.tokenbroker.identifiers.Scope;
import io.tokenbroker.identifiers.ScopeSet;
import io.tokenbroker.jose.ClientCertificates;
import io.tokenbroker.verify.VerifierPolicy;
import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Settings every broker endpoint shares, read once at init. Each variable is parsed here and only
 * here; the functions that need only some of them (the authorizer, key rotation) call the parser of
 * each, so a variable has one name, one default and one range everywhere.
 *
 * @param endpoints the broker's URLs, from ISSUER
 * @param maxTokenLifetime ACCESS_TOKEN_MAX_LIFETIME_SECONDS: no token lives longer (default 900)
 * @param issuanceRetention ISSUANCE_RETENTION_DAYS: records kept this long after expiry (90)
 * @param keyTableCache KEY_TABLE_CACHE_SECONDS: reuse of the last key-table read (default 30)
 * @param clockSkew CLOCK_SKEW_SECONDS: tolerance for clients' clocks (default 60)
 * @param maxAssertionLifetime CLIENT_ASSERTION_MAX_LIFETIME_SECONDS: latest exp of a client
 *     assertion, from now (default 300)
 * @param jwksMaxAge JWKS_MAX_AGE_SECONDS: how long verifiers may cache the JWKS (default 300)
 * @param publishedScopes PUBLISHED_SCOPES: the scopes the metadata lists as {@code
 *     scopes_supported} (default none: the member is left out)
 * @param mtlsEndpoints MTLS_BASE_URL: where the broker's endpoints answer over mutual TLS (RFC 8705
 *     section 5's {@code mtls_endpoint_aliases}), if a mutual TLS domain is configured
 * @param tlsClientAuthCas TLS_CLIENT_AUTH_CA_CERTS: the CA certificates (PEM) that may issue the
 *     certificates of {@code tls_client_auth} clients (default none: that method is refused)
 * @param tokenReuse TOKEN_REUSE_SECONDS: how long an identical client_credentials request may get
 *     the same access token again instead of a new signature (default 0: never)
 */
public record BrokerConfig(
    BrokerEndpoints endpoints,
    Duration maxTokenLifetime,
    Duration issuanceRetention,
    Duration keyTableCache,
    Duration clockSkew,
    Duration maxAssertionLifetime,
    Duration jwksMaxAge,
    List<String> publishedScopes,
    Optional<BrokerEndpoints> mtlsEndpoints,
    List<X509Certificate> tlsClientAuthCas,
    Duration tokenReuse) {

  /** TOKEN_REUSE_SECONDS is at most this, whatever the token lifetime. */
  public static final Duration MAX_TOKEN_REUSE = Duration.ofMinutes(5);

  /**
   * TOKEN_REUSE_SECONDS is at most this fraction of ACCESS_TOKEN_MAX_LIFETIME_SECONDS, and a token
   * is re-served for at most this fraction of its own lifetime: so a token handed out again has at
   * least three quarters of its life left, and a client that renews at 75% of what it was given
   * (the client library's default) asks again after the window, when it gets a new token.
   */
  public static final int TOKEN_REUSE_LIFETIME_DIVISOR = 4;

  public BrokerConfig {
    publishedScopes = List.copyOf(publishedScopes);
    tlsClientAuthCas = List.copyOf(tlsClientAuthCas);
  }

  public static BrokerConfig from(Env env) {
    Duration maxTokenLifetime = maxTokenLifetime(env);
    return new BrokerConfig(
        new BrokerEndpoints(issuer(env)),
        maxTokenLifetime,
        Duration.ofDays(env.integer("ISSUANCE_RETENTION_DAYS", 90, 1, 3650)),
        keyTableCache(env),
        clockSkew(env),
        maxAssertionLifetime(env),
        jwksMaxAge(env),
        publishedScopes(env),
        mtlsEndpoints(env),
        tlsClientAuthCas(env),
        tokenReuse(env, maxTokenLifetime));
  }

  /**
   * TOKEN_REUSE_SECONDS, in [0, {@link #MAX_TOKEN_REUSE}] and at most a quarter of {@code
   * maxTokenLifetime} (default 0: every request gets a new token).
   */
  public static Duration tokenReuse(Env env, Duration maxTokenLifetime) {
    Duration reuse =
        env.seconds("TOKEN_REUSE_SECONDS", Duration.ZERO, Duration.ZERO, MAX_TOKEN_REUSE);
    Duration bound = maxTokenLifetime.dividedBy(TOKEN_REUSE_LIFETIME_DIVISOR);
    if (reuse.compareTo(bound) > 0) {
      throw new ConfigException(
          "environment variable TOKEN_REUSE_SECONDS must be at most a quarter of"
              + " ACCESS_TOKEN_MAX_LIFETIME_SECONDS (%d), was %d"
                  .formatted(bound.toSeconds(), reuse.toSeconds()));
    }
    return reuse;
  }

  /**
   * TLS_CLIENT_AUTH_CA_CERTS: PEM CA certificates (line breaks may be spaces), each a CA; unset: no
   * {@code tls_client_auth}. Only these vouch for registered names, not every truststore anchor.
   */
  public static List<X509Certificate> tlsClientAuthCas(Env env) {
    String name = "TLS_CLIENT_AUTH_CA_CERTS";
    return env.optional(name)
        .filter(text -> !text.isBlank())
        .map(
            text -> {
              try {
                List<X509Certificate> cas = ClientCertificates.parseBundle(text);
                if (cas.stream().anyMatch(ca -> ca.getBasicConstraints() < 0)) {
                  throw new ConfigException(
                      "environment variable " + name + " must hold CA certificates only");
                }
                return cas;
              } catch (ClientCertificates.Malformed e) {
                throw new ConfigException(
                    "environment variable "
                        + name
                        + " must be PEM certificates: "
                        + e.getMessage());
              }
            })
        .orElse(List.of());
  }

  /** MTLS_BASE_URL: an https URL (http only on loopback), or unset when there is no mTLS domain. */
  public static Optional<BrokerEndpoints> mtlsEndpoints(Env env) {
    return env.secureUrl("MTLS_BASE_URL").map(BrokerEndpoints::new);
  }

  /**
   * CLIENT_ASSERTION_MAX_LIFETIME_SECONDS, in [30, 3600] (default 300): brokerctl warns when it
   * signs an assertion that lives longer.
   */
  public static Duration maxAssertionLifetime(Env env) {
    return env.seconds(
        "CLIENT_ASSERTION_MAX_LIFETIME_SECONDS",
        Duration.ofMinutes(5),
        Duration.ofSeconds(30),
        Duration.ofHours(1));
  }

  /** ISSUER: the broker's issuer URL, required. */
  public static URI issuer(Env env) {
    return env.requiredUrl("ISSUER");
  }

  /** ACCESS_TOKEN_MAX_LIFETIME_SECONDS, in [60, 3600] (default 900). */
  public static Duration maxTokenLifetime(Env env) {
    return env.seconds(
        "ACCESS_TOKEN_MAX_LIFETIME_SECONDS",
        Duration.ofMinutes(15),
        Duration.ofMinutes(1),
        Duration.ofHours(1));
  }

  /** KEY_TABLE_CACHE_SECONDS, in [0, 600] (default 30). */
  public static Duration keyTableCache(Env env) {
    return env.seconds(
        "KEY_TABLE_CACHE_SECONDS", Duration.ofSeconds(30), Duration.ZERO, Duration.ofMinutes(10));
  }

  /** CLOCK_SKEW_SECONDS, in [0, {@link VerifierPolicy#MAX_CLOCK_SKEW}] (default 60). */
  public static Duration clockSkew(Env env) {
    return env.seconds(
        "CLOCK_SKEW_SECONDS", Duration.ofSeconds(60), Duration.ZERO, VerifierPolicy.MAX_CLOCK_SKEW);
  }

  /** JWKS_MAX_AGE_SECONDS, in [0, 86400] (default 300). */
  public static Duration jwksMaxAge(Env env) {
    return env.seconds(
        "JWKS_MAX_AGE_SECONDS", Duration.ofMinutes(5), Duration.ZERO, Duration.ofHours(24));
  }

  /**
   * PUBLISHED_SCOPES: a space-separated scope list (RFC 6749 3.3), the scopes this deployment
   * chooses to announce in its metadata; default none. The broker has no global scope registry
   * (each client's policy names its own), so this is the operator's statement, not a scan.
   */
  public static List<String> publishedScopes(Env env) {
    return env.optional("PUBLISHED_SCOPES")
        .map(
            text ->
                ScopeSet.parse(text)
                    .map(scopes -> List.copyOf(scopes.values()))
                    .orElseThrow(
                        () ->
                            new ConfigException(
                                "environment variable PUBLISHED_SCOPES must be scopes of 1-"
                                    + Scope.MAX_LENGTH
                                    + " characters separated by single spaces")))
        .orElse(List.of());
  }
}
