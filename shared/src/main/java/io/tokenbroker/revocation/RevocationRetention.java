package io.tokenbroker.revocation;

import io.tokenbroker.verify.VerifierPolicy;
import java.time.Instant;

/**
 * How long a revocation record is kept: until no verifier accepts any token it covers. A verifier
 * accepts a token until its exp plus its own clock skew, which its operator configures (up to
 * {@link VerifierPolicy#MAX_CLOCK_SKEW}), not the broker's: the broker's skew would let a verifier
 * configured with a larger one accept a revoked token once its record is gone.
 */
public final class RevocationRetention {

  private RevocationRetention() {}

  /** Keep until here a record whose tokens all expire by {@code latestExpiry}. */
  public static Instant keepUntil(Instant latestExpiry) {
    return latestExpiry.plus(VerifierPolicy.MAX_CLOCK_SKEW);
  }
}
