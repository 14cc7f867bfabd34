package io.tokenbroker.tokens;

import io.tokenbroker.auth.AuthenticatedClient;
import io.tokenbroker.clients.Client;
import io.tokenbroker.refresh.RefreshFamily;
import io.tokenbroker.refresh.RefreshTokenRecord;
import io.tokenbroker.refresh.RefreshTokenStore;
import io.tokenbroker.refresh.RefreshTokens;
import io.tokenbroker.telemetry.Telemetry;
import io.tokenbroker.telemetry.TelemetryEvent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Issues access tokens for the client-credentials grant: decides the grant under the client's
 * policy, signs the token, and records it durably before returning it; where the policy allows,
 * starts a refresh-token family in the same write. If signing or recording fails, no token is
 * returned and nothing is stored.
 */
public final class TokenService {

  /** Where a request came from, for the issuance record. */
  public record Origin(String sourceIp, String userAgent) {}

  private final AccessTokenMinter minter;
  private final IssuanceRepository issuances;
  private final RefreshTokenStore refreshTokens;
  private final Duration brokerMaxLifetime;
  private final Duration retention;
  private final SecureRandom random;
  private final Telemetry telemetry;

  /**
   * @param brokerMaxLifetime no token lives longer, whatever the client's policy says
   * @param retention how long issuance records are kept after the token expires
   */
  public TokenService(
      AccessTokenMinter minter,
      IssuanceRepository issuances,
      RefreshTokenStore refreshTokens,
      Duration brokerMaxLifetime,
      Duration retention,
      SecureRandom random,
      Telemetry telemetry) {
    this.minter = minter;
    this.issuances = issuances;
    this.refreshTokens = refreshTokens;
    this.brokerMaxLifetime = brokerMaxLifetime;
    this.retention = retention;
    this.random = random;
    this.telemetry = telemetry;
  }

  public IssuedToken issue(AuthenticatedClient caller, TokenRequest request, Origin origin) {
    Client client = caller.client();
    Grant grant = Grant.decide(client, request, brokerMaxLifetime);
    if (!client.refresh().enabled()) {
      AccessTokenMinter.MintedToken token = minter.mint(client, grant, Optional.empty());
      Issuance record = Issuance.of(token, caller, grant, origin, retention);
      issuances.record(record);
      issued(record, grant, "client_credentials");
      return new IssuedToken(token.serialized(), record, Optional.empty());
    }
    String familyId = minter.newJti();
    AccessTokenMinter.MintedToken token = minter.mint(client, grant, Optional.of(familyId));
    Issuance record = Issuance.of(token, caller, grant, origin, retention);
    Instant start = token.issuedAt();
    RefreshFamily family =
        new RefreshFamily(
            familyId,
            client.clientId(),
            grant.scopes(),
            grant.audiences(),
            grant.lifetime(),
            start,
            start.plus(client.refresh().absoluteLifetime()));
    String refreshToken = RefreshTokens.generate(random);
    RefreshTokenRecord first =
        new RefreshTokenRecord(
            RefreshTokens.hash(refreshToken),
            familyId,
            client.clientId(),
            start,
            earliest(start.plus(client.refresh().idleLifetime()), family.expiresAt()),
            false);
    refreshTokens.startFamily(family, first, record);
    issued(record, grant, "client_credentials");
    return new IssuedToken(token.serialized(), record, Optional.of(refreshToken));
  }

  /** Logs and counts one issued token (never the token itself). */
  public void issued(Issuance record, Grant grant, String grantType) {
    telemetry.emit(
        TelemetryEvent.info("token.issued")
            .with("client_id", record.clientId())
            .with("jti", record.jti())
            .with("kid", record.kid())
            .with("grant_type", grantType)
            .with("auth_method", record.authMethod().value())
            .with("scope", String.join(" ", record.scopes()))
            .with("aud", record.audiences())
            .with("sid", record.sessionId().orElse(null))
            .with("lifetime_seconds", grant.lifetime().toSeconds())
            .count("TokensIssued", "grant_type"));
  }

  /** Hex SHA-256 of a token: how records and logs refer to a token without holding it. */
  public static String sha256(String token) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  static Instant earliest(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }
}
