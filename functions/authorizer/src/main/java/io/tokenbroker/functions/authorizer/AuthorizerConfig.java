package io.tokenbroker.functions.authorizer;

import com.nimbusds.jose.JWSAlgorithm;
import io.tokenbroker.access.RouteRules;
import io.tokenbroker.adapters.dynamodb.BrokerTables;
import io.tokenbroker.config.BrokerConfig;
import io.tokenbroker.config.DpopConfig;
import io.tokenbroker.config.Env;
import io.tokenbroker.errors.ConfigException;
import io.tokenbroker.verify.VerifierPolicy;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One protected API's authorizer configuration, validated once at init; a bad value stops the
 * function with a message naming the variable. The variables it shares with the broker (ISSUER,
 * CLOCK_SKEW_SECONDS, KEYS_TABLE, REVOCATIONS_TABLE) are parsed by {@link BrokerConfig} and {@link
 * BrokerTables}.
 *
 * @param policy ISSUER, AUDIENCE, ALLOWED_ALGORITHMS (default RS256,ES256), CLOCK_SKEW_SECONDS
 *     (default 60), MAX_TOKEN_LIFETIME_SECONDS (default 3600)
 * @param routes ROUTE_SCOPES: {@code {"METHOD /path": [scopes], ...}}
 * @param keysTable KEYS_TABLE: the broker's key table (same account), or
 * @param jwksUrl JWKS_URL: the broker's JWKS (another account), https (http only to a loopback
 *     host); exactly one of the two
 * @param revocationsTable REVOCATIONS_TABLE: name, or ARN for another account's table
 * @param revocationCache REVOCATION_CACHE_SECONDS (default 5): the revocation bound
 * @param keyCache KEY_CACHE_SECONDS (default 300): how long keys are reused
 * @param keyRefreshMinInterval KEY_REFRESH_MIN_INTERVAL_SECONDS (default 30): at most one early
 *     re-read of keys per interval for an unknown kid
 * @param dependencyTimeout DEPENDENCY_TIMEOUT_MILLIS (default 1500): budget for each store read
 * @param resultCache AUTHORIZER_RESULT_TTL_SECONDS: the API's authorizer result cache TTL as API
 *     Gateway is configured (authorizerResultTtlInSeconds); DPoP-bound tokens are accepted only
 *     when it is 0, since a cached answer keyed by the Authorization header would serve a stolen
 *     token with no proof. Unset: unknown, and DPoP-bound tokens are refused.
 * @param dpopReplayTable ASSERTIONS_TABLE, required when DPoP-bound tokens are accepted: where each
 *     proof is recorded once (the broker's client-assertion table, under the prefix {@code #dpop};
 *     a name, or an ARN for another account's table)
 * @param dpop DPOP_PROOF_MAX_AGE_SECONDS, DPOP_NONCES, DPOP_NONCE_KEY_ID,
 *     DPOP_NONCE_LIFETIME_SECONDS ({@link DpopConfig}, as the token function reads them): the proof
 *     window, and the server nonces (RFC 9449 9) if required
 */
public record AuthorizerConfig(
    VerifierPolicy policy,
    RouteRules routes,
    Optional<String> keysTable,
    Optional<URI> jwksUrl,
    String revocationsTable,
    Duration revocationCache,
    Duration keyCache,
    Duration keyRefreshMinInterval,
    Duration dependencyTimeout,
    Optional<Duration> resultCache,
    Optional<String> dpopReplayTable,
    DpopConfig dpop) {

  /** Whether API Gateway is known to ask this authorizer about every request (no result cache). */
  public boolean seesEveryRequest() {
    return resultCache.filter(Duration::isZero).isPresent();
  }

  /** AUTHORIZER_RESULT_TTL_SECONDS unset (API Gateway's maximum is 3600). */
  private static final Duration UNKNOWN = Duration.ofSeconds(-1);

  public static AuthorizerConfig from(Env env) {
    Optional<Duration> resultCache =
        Optional.of(
                env.seconds(
                    "AUTHORIZER_RESULT_TTL_SECONDS", UNKNOWN, Duration.ZERO, Duration.ofHours(1)))
            .filter(ttl -> ttl != UNKNOWN);
    Optional<String> keysTable = BrokerTables.keysTableIfSet(env);
    Optional<URI> jwksUrl = env.secureUrl("JWKS_URL");
    if (keysTable.isPresent() == jwksUrl.isPresent()) {
      throw new ConfigException(
          "set exactly one of KEYS_TABLE (same account) or JWKS_URL (another account)");
    }
    return new AuthorizerConfig(
        policy(env),
        RouteRules.parse(env.required("ROUTE_SCOPES")),
        keysTable,
        jwksUrl,
        BrokerTables.revocationsTable(env),
        env.seconds(
            "REVOCATION_CACHE_SECONDS",
            Duration.ofSeconds(5),
            Duration.ZERO,
            Duration.ofMinutes(5)),
        env.seconds(
            "KEY_CACHE_SECONDS", Duration.ofMinutes(5), Duration.ofSeconds(1), Duration.ofHours(1)),
        env.seconds(
            "KEY_REFRESH_MIN_INTERVAL_SECONDS",
            Duration.ofSeconds(30),
            Duration.ofSeconds(1),
            Duration.ofMinutes(10)),
        Duration.ofMillis(env.integer("DEPENDENCY_TIMEOUT_MILLIS", 1500, 100, 10_000)),
        resultCache,
        resultCache.filter(Duration::isZero).map(ttl -> BrokerTables.assertionsTable(env)),
        DpopConfig.from(env));
  }

  private static VerifierPolicy policy(Env env) {
    String allowed = env.string("ALLOWED_ALGORITHMS", "RS256,ES256");
    Set<JWSAlgorithm> algorithms =
        Arrays.stream(allowed.split(","))
            .map(String::strip)
            .map(JWSAlgorithm::parse)
            .collect(Collectors.toSet());
    if (!VerifierPolicy.SUPPORTED.containsAll(algorithms)) {
      throw new ConfigException(
          "ALLOWED_ALGORITHMS must list some of RS256, ES256, PS256, was " + allowed);
    }
    return new VerifierPolicy(
        BrokerConfig.issuer(env).toString(),
        env.required("AUDIENCE"),
        algorithms,
        BrokerConfig.clockSkew(env),
        env.seconds(
            "MAX_TOKEN_LIFETIME_SECONDS",
            Duration.ofHours(1),
            Duration.ofMinutes(1),
            Duration.ofDays(1)));
  }
}
