package io.tokenbroker.functions.discovery;

import io.tokenbroker.config.Env;
import io.tokenbroker.discovery.BrokerEndpoints;
import java.time.Duration;

/**
 * The discovery function's configuration, read once at init.
 *
 * @param endpoints the broker's URLs, from ISSUER
 * @param keysTable KEYS_TABLE
 * @param jwksMaxAge JWKS_MAX_AGE_SECONDS: how long verifiers may cache the JWKS (default 300)
 * @param keyTableCache KEY_TABLE_CACHE_SECONDS: how long this function reuses its last read of the
 *     key table (default 30)
 */
public record DiscoveryConfig(
    BrokerEndpoints endpoints, String keysTable, Duration jwksMaxAge, Duration keyTableCache) {

  public static DiscoveryConfig from(Env env) {
    return new DiscoveryConfig(
        new BrokerEndpoints(env.requiredUrl("ISSUER")),
        env.required("KEYS_TABLE"),
        env.seconds(
            "JWKS_MAX_AGE_SECONDS", Duration.ofMinutes(5), Duration.ZERO, Duration.ofHours(24)),
        env.seconds(
            "KEY_TABLE_CACHE_SECONDS",
            Duration.ofSeconds(30),
            Duration.ZERO,
            Duration.ofMinutes(10)));
  }
}
