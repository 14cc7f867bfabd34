package io.tokenbroker.config;

import com.nimbusds.jose.JWSAlgorithm;
import io.tokenbroker.errors.ConfigException;
import io.tokenbroker.keys.RotationPolicy;
import java.time.Duration;

/**
 * The key lifecycle's configuration, checked for the one rule that makes rotation gap-free: a new
 * key is published at least as long before it signs as any verifier may keep an old key set.
 *
 * @param policy the lifecycle's times and algorithm ({@link #policy})
 * @param brokerName BROKER_NAME: the tag value that marks this broker's KMS keys
 */
public record RotationConfig(RotationPolicy policy, String brokerName) {

  public static RotationConfig from(Env env) {
    return new RotationConfig(
        policy(env), TelemetryConfig.brokerName(env).orElseThrow(() -> Env.notSet("BROKER_NAME")));
  }

  /**
   * KEY_ROTATION_PERIOD_HOURS (720), KEY_PUBLISH_LEAD_SECONDS (900), KEY_TABLE_CACHE_SECONDS (30),
   * ACCESS_TOKEN_MAX_LIFETIME_SECONDS (900), CLOCK_SKEW_SECONDS (60), KEY_WITHDRAWN_RETENTION_HOURS
   * (24), KEY_DELETION_WAITING_DAYS (30), SIGNING_ALGORITHM (RS256), and the verifier caches it
   * must outlast: JWKS_MAX_AGE_SECONDS (300) and AUTHORIZER_KEY_CACHE_SECONDS (300).
   */
  static RotationPolicy policy(Env env) {
    Duration lead =
        env.seconds(
            "KEY_PUBLISH_LEAD_SECONDS",
            Duration.ofMinutes(15),
            Duration.ofSeconds(1),
            Duration.ofDays(7));
    Duration keyTableCache = BrokerConfig.keyTableCache(env);
    Duration jwksMaxAge = BrokerConfig.jwksMaxAge(env);
    Duration authorizerKeyCache =
        env.seconds(
            "AUTHORIZER_KEY_CACHE_SECONDS",
            Duration.ofMinutes(5),
            Duration.ZERO,
            Duration.ofHours(1));
    Duration longestVerifierCache = max(jwksMaxAge.plus(keyTableCache), authorizerKeyCache);
    if (lead.compareTo(longestVerifierCache) < 0) {
      throw new ConfigException(
          "KEY_PUBLISH_LEAD_SECONDS (%d) must be at least as long as any verifier keeps keys:"
                  .formatted(lead.toSeconds())
              + " JWKS_MAX_AGE_SECONDS + KEY_TABLE_CACHE_SECONDS or AUTHORIZER_KEY_CACHE_SECONDS ("
              + longestVerifierCache.toSeconds()
              + ")");
    }
    String algorithm = env.string("SIGNING_ALGORITHM", "RS256");
    if (!algorithm.equals("RS256") && !algorithm.equals("ES256")) {
      throw new ConfigException("SIGNING_ALGORITHM must be RS256 or ES256");
    }
    try {
      return new RotationPolicy(
          Duration.ofHours(env.integer("KEY_ROTATION_PERIOD_HOURS", 720, 1, 24 * 365)),
          lead,
          keyTableCache,
          BrokerConfig.maxTokenLifetime(env),
          BrokerConfig.clockSkew(env),
          Duration.ofHours(env.integer("KEY_WITHDRAWN_RETENTION_HOURS", 24, 0, 24 * 90)),
          env.integer("KEY_DELETION_WAITING_DAYS", 30, 7, 30),
          JWSAlgorithm.parse(algorithm));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("key rotation: " + e.getMessage());
    }
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }
}
