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

  public String scope() {
    return String.join(" ", record.scopes());
  }
}
