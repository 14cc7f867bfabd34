package io.tokenbroker.tokens;

import io.tokenbroker.auth.AuthMethod;
import io.tokenbroker.auth.AuthenticatedClient;
import io.tokenbroker.jose.Confirmation;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;

/**
 * The durable record of one issued access token; written before the token leaves the broker. It
 * holds the token's SHA-256, never the token.
 *
 * @param sessionId the refresh-token family the token belongs to, if any
 * @param confirmation what a sender-constrained token is bound to ({@code cnf}), if any
 * @param callerIdentity the IAM role or assertion key that authenticated the request
 * @param retainUntil when the record may be deleted (DynamoDB TTL)
 * @param exchangedFrom what a token-exchange (RFC 8693) token was exchanged from, if it was
 */
public record Issuance(
    String jti,
    String clientId,
    String subject,
    List<String> audiences,
    SortedSet<String> scopes,
    Instant issuedAt,
    Instant expiresAt,
    String kid,
    Optional<String> sessionId,
    Optional<Confirmation> confirmation,
    AuthMethod authMethod,
    String callerIdentity,
    String sourceIp,
    String userAgent,
    String tokenSha256,
    Instant retainUntil,
    Optional<ExchangedFrom> exchangedFrom) {

  /** A record of a token not issued by exchange. */
  public Issuance(
      String jti,
      String clientId,
      String subject,
      List<String> audiences,
      SortedSet<String> scopes,
      Instant issuedAt,
      Instant expiresAt,
      String kid,
      Optional<String> sessionId,
      Optional<Confirmation> confirmation,
      AuthMethod authMethod,
      String callerIdentity,
      String sourceIp,
      String userAgent,
      String tokenSha256,
      Instant retainUntil) {
    this(
        jti,
        clientId,
        subject,
        audiences,
        scopes,
        issuedAt,
        expiresAt,
        kid,
        sessionId,
        confirmation,
        authMethod,
        callerIdentity,
        sourceIp,
        userAgent,
        tokenSha256,
        retainUntil,
        Optional.empty());
  }

  /** This record, of a token issued by exchange. */
  public Issuance exchangedFrom(ExchangedFrom from) {
    return new Issuance(
        jti,
        clientId,
        subject,
        audiences,
        scopes,
        issuedAt,
        expiresAt,
        kid,
        sessionId,
        confirmation,
        authMethod,
        callerIdentity,
        sourceIp,
        userAgent,
        tokenSha256,
        retainUntil,
        Optional.of(from));
  }

  /** The record of {@code token}, minted for {@code caller} under {@code grant}. */
  public static Issuance of(
      AccessTokenMinter.MintedToken token,
      AuthenticatedClient caller,
      Grant grant,
      RequestOrigin origin,
      Duration retention) {
    return new Issuance(
        token.jti(),
        caller.client().clientId(),
        token.subject(),
        grant.audiences(),
        grant.scopes(),
        token.issuedAt(),
        token.expiresAt(),
        token.kid(),
        token.sessionId(),
        token.confirmation(),
        caller.method(),
        caller.callerIdentity(),
        origin.sourceIp(),
        origin.userAgent().length() <= 512
            ? origin.userAgent()
            : origin.userAgent().substring(0, 512),
        TokenDigest.sha256(token.serialized()),
        token.expiresAt().plus(retention));
  }
}
