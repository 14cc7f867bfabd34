package io.tokenbroker.tokens;

/** An access token that has been signed and recorded, ready to return. */
public record IssuedToken(String accessToken, Issuance record) {

  public long expiresInSeconds() {
    return record.expiresAt().getEpochSecond() - record.issuedAt().getEpochSecond();
  }

  public String scope() {
    return String.join(" ", record.scopes());
  }
}
