package io.tokenbroker.refresh;

/**
 * The conditional write behind a rotation lost: the token was used meanwhile, or its family was
 * revoked meanwhile ({@link #familyRevoked}).
 */
public final class RefreshConflict extends RuntimeException {

  private final boolean familyRevoked;

  public RefreshConflict(boolean familyRevoked) {
    super(
        familyRevoked ? "refresh family revoked" : "refresh token no longer unused",
        null,
        false,
        false);
    this.familyRevoked = familyRevoked;
  }

  /** The revocations table revoked the family: not a sign of reuse. */
  public boolean familyRevoked() {
    return familyRevoked;
  }
}
