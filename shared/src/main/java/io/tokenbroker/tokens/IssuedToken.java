package io.tokenbroker.tokens;

import java.util.Optional;

/**
 * An access token that has been signed and recorded, ready to return, with the refresh token issued
 * alongside it if the client's policy allows one.
 */
public record IssuedToken(String accessToken, Issuance record, Optional<String> refreshToken) {

  public long expiresInSeconds() {
    return record.expiresAt().getEpochSecond() - record.issuedAt().getEpochSecond();
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
