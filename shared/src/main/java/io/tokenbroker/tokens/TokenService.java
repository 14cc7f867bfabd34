package io.tokenbroker.tokens;

import io.tokenbroker.auth.AuthenticatedClient;
import io.tokenbroker.telemetry.Telemetry;
import io.tokenbroker.telemetry.TelemetryEvent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

/**
 * Issues access tokens: decides the grant under the client's policy, signs the token, and records
 * it durably before returning it. If signing or recording fails, no token is returned.
 */
public final class TokenService {

  /** Where a request came from, for the issuance record. */
  public record Origin(String sourceIp, String userAgent) {}

  private final AccessTokenMinter minter;
  private final IssuanceRepository issuances;
  private final Duration brokerMaxLifetime;
  private final Duration retention;
  private final Telemetry telemetry;

  /**
   * @param brokerMaxLifetime no token lives longer, whatever the client's policy says
   * @param retention how long issuance records are kept after the token expires
   */
  public TokenService(
      AccessTokenMinter minter,
      IssuanceRepository issuances,
      Duration brokerMaxLifetime,
      Duration retention,
      Telemetry telemetry) {
    this.minter = minter;
    this.issuances = issuances;
    this.brokerMaxLifetime = brokerMaxLifetime;
    this.retention = retention;
    this.telemetry = telemetry;
  }

  public IssuedToken issue(AuthenticatedClient caller, TokenRequest request, Origin origin) {
    Grant grant = Grant.decide(caller.client(), request, brokerMaxLifetime);
    AccessTokenMinter.MintedToken token = minter.mint(caller.client(), grant);
    Issuance record =
        new Issuance(
            token.jti(),
            caller.client().clientId(),
            caller.client().subject(),
            grant.audiences(),
            grant.scopes(),
            token.issuedAt(),
            token.expiresAt(),
            token.kid(),
            caller.method(),
            caller.callerIdentity(),
            origin.sourceIp(),
            truncate(origin.userAgent(), 512),
            sha256(token.serialized()),
            token.expiresAt().plus(retention));
    issuances.record(record);
    telemetry.emit(
        TelemetryEvent.info("token.issued")
            .with("client_id", record.clientId())
            .with("jti", record.jti())
            .with("kid", record.kid())
            .with("auth_method", record.authMethod().value())
            .with("scope", String.join(" ", record.scopes()))
            .with("aud", record.audiences())
            .with("lifetime_seconds", grant.lifetime().toSeconds())
            .count("TokensIssued", "auth_method"));
    return new IssuedToken(token.serialized(), record);
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

  private static String truncate(String value, int max) {
    return value.length() <= max ? value : value.substring(0, max);
  }
}
