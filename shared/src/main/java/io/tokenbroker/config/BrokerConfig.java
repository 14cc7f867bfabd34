package io.tokenbroker.config;

import io.tokenbroker.discovery.BrokerEndpoints;
import io.tokenbroker.verify.VerifierPolicy;
import java.time.Duration;

/**
 * Settings every broker endpoint shares, read once at init.
 *
 * @param endpoints the broker's URLs, from ISSUER
 * @param maxTokenLifetime ACCESS_TOKEN_MAX_LIFETIME_SECONDS: no token lives longer (default 900)
 * @param issuanceRetention ISSUANCE_RETENTION_DAYS: records kept this long after expiry (90)
 * @param keyTableCache KEY_TABLE_CACHE_SECONDS: reuse of the last key-table read (default 30)
 * @param clockSkew CLOCK_SKEW_SECONDS: tolerance for clients' clocks (default 60)
 * @param maxAssertionLifetime CLIENT_ASSERTION_MAX_LIFETIME_SECONDS: latest exp of a client
 *     assertion, from now (default 300)
 */
public record BrokerConfig(
    BrokerEndpoints endpoints,
    Duration maxTokenLifetime,
    Duration issuanceRetention,
    Duration keyTableCache,
    Duration clockSkew,
    Duration maxAssertionLifetime) {

  public static BrokerConfig from(Env env) {
    return new BrokerConfig(
        new BrokerEndpoints(env.requiredUrl("ISSUER")),
        env.seconds(
            "ACCESS_TOKEN_MAX_LIFETIME_SECONDS",
            Duration.ofMinutes(15),
            Duration.ofMinutes(1),
            Duration.ofHours(1)),
        Duration.ofDays(env.integer("ISSUANCE_RETENTION_DAYS", 90, 1, 3650)),
        env.seconds(
            "KEY_TABLE_CACHE_SECONDS",
            Duration.ofSeconds(30),
            Duration.ZERO,
            Duration.ofMinutes(10)),
        env.seconds(
            "CLOCK_SKEW_SECONDS",
            Duration.ofSeconds(60),
            Duration.ZERO,
            VerifierPolicy.MAX_CLOCK_SKEW),
        env.seconds(
            "CLIENT_ASSERTION_MAX_LIFETIME_SECONDS",
            Duration.ofMinutes(5),
            Duration.ofSeconds(30),
            Duration.ofHours(1)));
  }
}
