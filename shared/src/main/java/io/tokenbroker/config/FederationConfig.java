package io.tokenbroker.config;

import io.tokenbroker.errors.ConfigException;
import java.time.Duration;
import java.util.Map;

/**
 * How the token function fetches and caches outside issuers' keys (federation, RFC 8693), read once
 * at init. Whether loopback issuers may be fetched from is deliberately not here: no environment
 * variable can turn that on; only the local server does, in code.
 *
 * @param connectTimeout FEDERATION_CONNECT_TIMEOUT_MILLIS: TCP connect to an issuer, in [100, 5000]
 *     (default 1000)
 * @param readTimeout FEDERATION_READ_TIMEOUT_MILLIS: each read, the TLS handshake included, in
 *     [100, 5000] (default 2000)
 * @param fetchDeadline FEDERATION_FETCH_DEADLINE_MILLIS: the whole refresh of one issuer's keys
 *     (discovery and JWKS, name lookups included), in [500, 8000] (default 4000; the token function
 *     times out at 10 s)
 * @param maxDocumentBytes FEDERATION_MAX_DOCUMENT_BYTES: the largest discovery document or JWKS, in
 *     [4096, 1048576] (default 65536)
 * @param cacheTtl FEDERATION_JWKS_CACHE_SECONDS: a fetched key set is used this long before it is
 *     fetched again, in [30, 86400] (default 300)
 * @param minRefreshInterval FEDERATION_JWKS_MIN_REFRESH_SECONDS: at most one fetch per issuer in
 *     this time, whatever asks for it (an unknown kid, an expired set, a retry after a failure), in
 *     [5, 3600] (default 60), at most the cache TTL
 * @param outageTolerance FEDERATION_JWKS_OUTAGE_TOLERANCE_SECONDS: how long past its TTL the last
 *     good set still serves while the issuer cannot be reached, in [0, 86400] (default 900)
 */
public record FederationConfig(
    Duration connectTimeout,
    Duration readTimeout,
    Duration fetchDeadline,
    int maxDocumentBytes,
    Duration cacheTtl,
    Duration minRefreshInterval,
    Duration outageTolerance) {

  public FederationConfig {
    if (minRefreshInterval.compareTo(cacheTtl) > 0) {
      throw new ConfigException(
          "environment variable FEDERATION_JWKS_MIN_REFRESH_SECONDS must not exceed"
              + " FEDERATION_JWKS_CACHE_SECONDS");
    }
  }

  /** The defaults above. */
  public static FederationConfig defaults() {
    return from(Env.of(Map.of()));
  }

  public static FederationConfig from(Env env) {
    return new FederationConfig(
        Duration.ofMillis(env.integer("FEDERATION_CONNECT_TIMEOUT_MILLIS", 1000, 100, 5000)),
        Duration.ofMillis(env.integer("FEDERATION_READ_TIMEOUT_MILLIS", 2000, 100, 5000)),
        Duration.ofMillis(env.integer("FEDERATION_FETCH_DEADLINE_MILLIS", 4000, 500, 8000)),
        env.integer("FEDERATION_MAX_DOCUMENT_BYTES", 64 * 1024, 4096, 1024 * 1024),
        env.seconds(
            "FEDERATION_JWKS_CACHE_SECONDS",
            Duration.ofMinutes(5),
            Duration.ofSeconds(30),
            Duration.ofDays(1)),
        env.seconds(
            "FEDERATION_JWKS_MIN_REFRESH_SECONDS",
            Duration.ofMinutes(1),
            Duration.ofSeconds(5),
            Duration.ofHours(1)),
        env.seconds(
            "FEDERATION_JWKS_OUTAGE_TOLERANCE_SECONDS",
            Duration.ofMinutes(15),
            Duration.ZERO,
            Duration.ofDays(1)));
  }
}
