package io.tokenbroker.jose;

import io.tokenbroker.errors.RejectionReason;

/**
 * Why {@link CompactJws} refuses a token before anything reads its JSON: its size and the shape of
 * its compact serialization ({@code invalid_token}).
 */
public enum JwsReason implements RejectionReason {
  TOKEN_EMPTY("token_empty"),
  TOKEN_TOO_LARGE("token_too_large"),
  NOT_COMPACT_JWS("not_compact_jws"),
  JWE_NOT_ACCEPTED("jwe_not_accepted"),
  SIGNATURE_MISSING("signature_missing"),
  EMPTY_SEGMENT("empty_segment"),
  NON_CANONICAL_BASE64URL("non_canonical_base64url"),
  NOT_UTF8("not_utf8");

  private final String logName;

  JwsReason(String logName) {
    this.logName = logName;
  }

  @Override
  public String logName() {
    return logName;
  }
}
