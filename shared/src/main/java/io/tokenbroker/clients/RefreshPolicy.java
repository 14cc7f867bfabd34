package io.tokenbroker.clients;

import java.time.Duration;
import java.util.Objects;

/**
 * Whether a client gets refresh tokens, and how long they live. The constructor enforces the
 * bounds, naming the fields as the registration JSON spells them ({@code refresh_tokens.*}).
 *
 * @param enabled refresh tokens are issued alongside access tokens
 * @param absoluteLifetime no refresh token of a grant outlives its first issue by more than this (5
 *     minutes to 30 days)
 * @param idleLifetime a refresh token not used within this expires (1 minute to 30 days, and no
 *     more than the absolute lifetime)
 */
public record RefreshPolicy(boolean enabled, Duration absoluteLifetime, Duration idleLifetime) {

  /** The longest absolute lifetime a client may be registered with. */
  public static final Duration MAX_ABSOLUTE_LIFETIME = Duration.ofDays(30);

  private static final Duration MIN_ABSOLUTE_LIFETIME = Duration.ofMinutes(5);
  private static final Duration MIN_IDLE_LIFETIME = Duration.ofMinutes(1);

  public static final RefreshPolicy DISABLED =
      new RefreshPolicy(false, Duration.ofDays(1), Duration.ofHours(1));

  public RefreshPolicy {
    bounded("absolute_lifetime_seconds", absoluteLifetime, MIN_ABSOLUTE_LIFETIME);
    bounded("idle_lifetime_seconds", idleLifetime, MIN_IDLE_LIFETIME);
    if (idleLifetime.compareTo(absoluteLifetime) > 0) {
      throw new InvalidClientPolicy(
          "refresh_tokens: idle lifetime must not exceed the absolute one");
    }
  }

  private static void bounded(String field, Duration value, Duration min) {
    Objects.requireNonNull(value, field);
    if (value.compareTo(min) < 0 || value.compareTo(MAX_ABSOLUTE_LIFETIME) > 0) {
      throw new InvalidClientPolicy(
          "refresh_tokens."
              + field
              + ": between "
              + min.toSeconds()
              + " and "
              + MAX_ABSOLUTE_LIFETIME.toSeconds()
              + " seconds");
    }
  }
}
