package io.tokenbroker.clients;

import java.time.Duration;

/**
 * Whether a client gets refresh tokens, and how long they live.
 *
 * @param enabled refresh tokens are issued alongside access tokens
 * @param absoluteLifetime no refresh token of a grant outlives its first issue by more than this
 * @param idleLifetime a refresh token not used within this expires
 */
public record RefreshPolicy(boolean enabled, Duration absoluteLifetime, Duration idleLifetime) {

  /** The longest absolute lifetime a client may be registered with. */
  public static final Duration MAX_ABSOLUTE_LIFETIME = Duration.ofDays(30);

  public static final RefreshPolicy DISABLED =
      new RefreshPolicy(false, Duration.ofDays(1), Duration.ofHours(1));

  public RefreshPolicy {
    if (idleLifetime.compareTo(absoluteLifetime) > 0) {
      throw new InvalidClientPolicy(
          "refresh_tokens: idle lifetime must not exceed the absolute one");
    }
  }
}
