package io.tokenbroker.client;

import java.time.Instant;
import java.util.Set;

/**
 * An access token from the broker. {@link #toString()} shows its scopes and expiry, never the
 * token: log it freely.
 */
public final class AccessToken {

  private final String value;
  private final Set<String> scopes;
  private final Instant expiresAt;

  AccessToken(String value, Set<String> scopes, Instant expiresAt) {
    this.value = value;
    this.scopes = Set.copyOf(scopes);
    this.expiresAt = expiresAt;
  }

  /** The token itself (a JWT): send it, never log it. */
  public String value() {
    return value;
  }

  /** The value of an {@code Authorization} header: {@code Bearer <token>}. */
  public String authorizationHeader() {
    return "Bearer " + value;
  }

  /** The scopes the broker granted. */
  public Set<String> scopes() {
    return scopes;
  }

  /** When it expires, by the client's clock (the time the request was sent + expires_in). */
  public Instant expiresAt() {
    return expiresAt;
  }

  @Override
  public String toString() {
    return "AccessToken[scopes="
        + new java.util.TreeSet<>(scopes)
        + ", expiresAt="
        + expiresAt
        + "]";
  }
}
