package io.tokenbroker.verify;

import com.nimbusds.jose.JWSAlgorithm;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * What a verifier accepts. Every field is required: there is no default issuer, audience or
 * algorithm list to forget. Only the broker's own introspection and revocation endpoints accept any
 * audience ({@link #anyAudience}); an API's verifier names its own.
 *
 * @param issuer the exact {@code iss}
 * @param audience a value {@code aud} must contain, or null for any audience
 * @param algorithms allowed {@code alg} values, a subset of {@link #SUPPORTED}
 * @param clockSkew tolerance for exp, nbf and iat
 * @param maxLifetime the longest {@code exp - iat} accepted
 */
public record VerifierPolicy(
    String issuer,
    String audience,
    Set<JWSAlgorithm> algorithms,
    Duration clockSkew,
    Duration maxLifetime) {

  /** Asymmetric algorithms the verifier can check; never HMAC, never none. */
  public static final Set<JWSAlgorithm> SUPPORTED =
      Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256, JWSAlgorithm.PS256);

  /**
   * The largest clock skew any verifier may be configured with. A verifier accepts a token until
   * its exp plus its skew, so a revocation is kept at least this long past the tokens it covers.
   */
  public static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);

  public VerifierPolicy {
    Objects.requireNonNull(issuer, "issuer");
    if (issuer.isBlank() || (audience != null && audience.isBlank())) {
      throw new IllegalArgumentException("issuer and audience must not be blank");
    }
    algorithms = Set.copyOf(algorithms);
    if (algorithms.isEmpty() || !SUPPORTED.containsAll(algorithms)) {
      throw new IllegalArgumentException("algorithms must be a non-empty subset of " + SUPPORTED);
    }
    if (clockSkew.isNegative() || clockSkew.compareTo(MAX_CLOCK_SKEW) > 0) {
      throw new IllegalArgumentException("clock skew must be between 0 and 5 minutes");
    }
    if (maxLifetime.compareTo(Duration.ofSeconds(1)) < 0
        || maxLifetime.compareTo(Duration.ofDays(1)) > 0) {
      throw new IllegalArgumentException("max lifetime must be between 1 second and 1 day");
    }
  }

  /**
   * For the broker's own endpoints that take any of its tokens (introspection, revocation): every
   * check but the audience.
   */
  public static VerifierPolicy anyAudience(
      String issuer, Set<JWSAlgorithm> algorithms, Duration clockSkew, Duration maxLifetime) {
    return new VerifierPolicy(issuer, null, algorithms, clockSkew, maxLifetime);
  }

  public boolean acceptsAudience(java.util.List<String> audiences) {
    return audience == null ? !audiences.isEmpty() : audiences.contains(audience);
  }
}
