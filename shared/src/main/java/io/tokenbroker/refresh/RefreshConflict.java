package io.tokenbroker.refresh;

/** The conditional write behind a rotation lost: the token was used (or its family revoked). */
public final class RefreshConflict extends RuntimeException {
  public RefreshConflict() {
    super("refresh token no longer unused", null, false, false);
  }
}
