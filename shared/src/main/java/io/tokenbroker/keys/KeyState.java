package io.tokenbroker.keys;

/**
 * Where a signing key is in its lifecycle. Published keys (PENDING, ACTIVE, RETIRED) appear in the
 * JWKS and are trusted by verifiers; only the ACTIVE key signs.
 */
public enum KeyState {
  /** Created and published, not yet signing: verifiers learn it before the first token. */
  PENDING,
  /** The one key that signs new tokens. */
  ACTIVE,
  /** No longer signs; stays published until every token it signed has expired. */
  RETIRED,
  /** Unpublished and disabled in KMS. */
  WITHDRAWN,
  /** Unpublished, disabled, and scheduled for deletion in KMS. */
  DELETION_SCHEDULED;

  public boolean isPublished() {
    return this == PENDING || this == ACTIVE || this == RETIRED;
  }
}
