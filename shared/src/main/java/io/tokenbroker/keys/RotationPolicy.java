package io.tokenbroker.keys;

import com.nimbusds.jose.JWSAlgorithm;
import java.time.Duration;
import java.time.Instant;

/**
 * The timings of the signing-key lifecycle, all derived from configuration so that no verifier ever
 * meets an unknown key for a live token, nor loses a key while a token it signed lives.
 *
 * <pre>
 *  created/published (PENDING) --publishLead--> ACTIVE --rotationPeriod--> RETIRED
 *    --signerCache + maxTokenLifetime + publishLead + clockSkew--> WITHDRAWN (unpublished, disabled)
 *    --withdrawnRetention--> DELETION_SCHEDULED (KMS deletes after deletionWaitingDays)
 * </pre>
 *
 * @param rotationPeriod how long a key signs
 * @param publishLead how long a key is published before it signs; at least the longest time any
 *     verifier may keep an old key set (JWKS max-age plus the discovery function's table cache, and
 *     the authorizers' key cache)
 * @param signerCache how long the token function may keep signing with a key after it retires (its
 *     key-table cache)
 * @param maxTokenLifetime the longest lifetime of any token
 * @param clockSkew verifiers' clock tolerance
 * @param withdrawnRetention how long a withdrawn (disabled) key waits before deletion is scheduled
 * @param deletionWaitingDays KMS's waiting period before deletion (7-30)
 * @param algorithm what new keys sign with
 */
public record RotationPolicy(
    Duration rotationPeriod,
    Duration publishLead,
    Duration signerCache,
    Duration maxTokenLifetime,
    Duration clockSkew,
    Duration withdrawnRetention,
    int deletionWaitingDays,
    JWSAlgorithm algorithm) {

  public RotationPolicy {
    if (publishLead.isNegative() || publishLead.isZero()) {
      throw new IllegalArgumentException("the publish lead must be positive");
    }
    if (rotationPeriod.compareTo(publishLead.multipliedBy(2)) < 0) {
      throw new IllegalArgumentException(
          "the rotation period must be at least twice the publish lead");
    }
    if (deletionWaitingDays < 7 || deletionWaitingDays > 30) {
      throw new IllegalArgumentException("KMS deletion waiting period is 7 to 30 days");
    }
  }

  /** When the active key should hand over to its successor. */
  public Instant rotationDue(SigningKey active) {
    return active.activatedAt().plus(rotationPeriod);
  }

  /** When the successor must be published so that it is known everywhere by rotation time. */
  public Instant successorDue(SigningKey active) {
    return rotationDue(active).minus(publishLead);
  }

  /** When a pending key has been published long enough to sign. */
  public Instant usableFrom(SigningKey pending) {
    return pending.createdAt().plus(publishLead);
  }

  /** When every token a retired key signed has expired, everywhere: it may be unpublished. */
  public Instant withdrawalDue(SigningKey retired) {
    return retired
        .retiredAt()
        .plus(signerCache)
        .plus(maxTokenLifetime)
        .plus(publishLead)
        .plus(clockSkew);
  }

  /** When a withdrawn key's deletion should be scheduled. */
  public Instant deletionDue(SigningKey withdrawn) {
    return withdrawn.withdrawnAt().plus(withdrawnRetention);
  }
}
