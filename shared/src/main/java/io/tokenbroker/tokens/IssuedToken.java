package io.tokenbroker.tokens;

import java.time.Instant;
import java.util.Optional;

/**
 * An access token that has been signed and recorded, ready to return, with the refresh token issued
 * alongside it if the client's policy allows one.
 *
 * @param reusedAt when a token minted earlier was handed out again (token reuse), its delivery
 *     recorded; empty for a token minted for this request
 */
public record IssuedToken(
    String accessToken,
    Issuance record,
    Optional<String> refreshToken,
    Optional<Instant> reusedAt) {

  /** A token minted for this request. */
  public IssuedToken(String accessToken, Issuance record, Optional<String> refreshToken) {
    this(accessToken, record, refreshToken, Optional.empty());
  }

  /** This token, handed out again at {@code at}. */
  public IssuedToken reused(Instant at) {
    return new IssuedToken(accessToken, record, refreshToken, Optional.of(at));
  }

  /** What is left of its lifetime when it is handed out: all of it, unless it is a reuse. */
  public long expiresInSeconds() {
    long from = reusedAt.orElse(record.issuedAt()).getEpochSecond();
    return record.expiresAt().getEpochSecond() - from;
  }

  /**
   * RFC 9449 5: {@code DPoP} for a token bound to a DPoP key, else {@code Bearer} (an mTLS-bound
   * token too, RFC 8705 3).
   */
  public String tokenType() {
    return record.confirmation().orElse(null) instanceof io.tokenbroker.jose.Confirmation.DpopKey
        ? "DPoP"
        : "Bearer";
  }

  public String scope() {
    return String.join(" ", record.scopes());
  }
}
