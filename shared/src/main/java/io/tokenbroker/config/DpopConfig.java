package io.tokenbroker.config;

import io.tokenbroker.errors.ConfigException;
import java.time.Duration;
import java.util.Optional;

/**
 * How the deployment checks DPoP proofs (RFC 9449), read once at init. The token function and the
 * authorizer read the same variables through these parsers.
 *
 * @param proofMaxAge DPOP_PROOF_MAX_AGE_SECONDS: how long after its iat a proof is accepted, in [5,
 *     300] (default 60); CLOCK_SKEW_SECONDS is allowed on top, both ways
 * @param nonceKeyId DPOP_NONCE_KEY_ID: the KMS HMAC key (HMAC_256) that makes the server's nonces;
 *     set exactly when DPOP_NONCES is {@code required}
 * @param nonceLifetime DPOP_NONCE_LIFETIME_SECONDS: a nonce is good for one to two of these, in
 *     [30, 3600] (default 300)
 */
public record DpopConfig(
    Duration proofMaxAge, Optional<String> nonceKeyId, Duration nonceLifetime) {

  public static DpopConfig from(Env env) {
    return new DpopConfig(proofMaxAge(env), nonceKeyId(env), nonceLifetime(env));
  }

  /** Whether the deployment requires server nonces in proofs. */
  public boolean noncesRequired() {
    return nonceKeyId.isPresent();
  }

  /** DPOP_PROOF_MAX_AGE_SECONDS, in [5, 300] (default 60). */
  public static Duration proofMaxAge(Env env) {
    return env.seconds(
        "DPOP_PROOF_MAX_AGE_SECONDS",
        Duration.ofSeconds(60),
        Duration.ofSeconds(5),
        Duration.ofMinutes(5));
  }

  /**
   * DPOP_NONCES ({@code off}, the default, or {@code required}) and DPOP_NONCE_KEY_ID: the key id
   * when nonces are required. Either without the other is refused, naming the missing one.
   */
  public static Optional<String> nonceKeyId(Env env) {
    String mode = env.string("DPOP_NONCES", "off");
    Optional<String> key = env.optional("DPOP_NONCE_KEY_ID").filter(k -> !k.isBlank());
    return switch (mode) {
      case "off" -> {
        if (key.isPresent()) {
          throw new ConfigException(
              "environment variable DPOP_NONCE_KEY_ID is set but DPOP_NONCES is off: set"
                  + " DPOP_NONCES=required to use it");
        }
        yield Optional.empty();
      }
      case "required" -> {
        if (key.isEmpty()) {
          throw Env.notSet("DPOP_NONCE_KEY_ID");
        }
        yield key;
      }
      default ->
          throw new ConfigException("environment variable DPOP_NONCES must be off or required");
    };
  }

  /** DPOP_NONCE_LIFETIME_SECONDS, in [30, 3600] (default 300). */
  public static Duration nonceLifetime(Env env) {
    return env.seconds(
        "DPOP_NONCE_LIFETIME_SECONDS",
        Duration.ofMinutes(5),
        Duration.ofSeconds(30),
        Duration.ofHours(1));
  }
}
