package io.tokenbroker.client;

import java.time.Duration;

/**
 * When a cached token is renewed: once {@code refreshAfter} of its lifetime has passed, less a
 * random part of up to {@code jitter} of it (so that many workloads started together do not refresh
 * together); and a token with less than {@code expiryMargin} left is never handed out (it could
 * expire on the way to the API). The default, {@code (0.75, 0.1, 10 s)}, renews a 300 s token
 * between 195 s and 225 s after it was asked for.
 *
 * @param refreshAfter fraction of the lifetime after which a refresh is due, in (0, 1]
 * @param jitter fraction of the lifetime by which the refresh may come earlier, in [0,
 *     refreshAfter)
 * @param expiryMargin how much life a token must have left to be handed out
 */
public record RefreshPolicy(double refreshAfter, double jitter, Duration expiryMargin) {

  public static final RefreshPolicy DEFAULT = new RefreshPolicy(0.75, 0.1, Duration.ofSeconds(10));

  public RefreshPolicy {
    if (!(refreshAfter > 0 && refreshAfter <= 1)) {
      throw new IllegalArgumentException("refreshAfter must be in (0, 1]");
    }
    if (!(jitter >= 0 && jitter < refreshAfter)) {
      throw new IllegalArgumentException("jitter must be in [0, refreshAfter)");
    }
    if (expiryMargin.isNegative()) {
      throw new IllegalArgumentException("expiryMargin must not be negative");
    }
  }
}
