package io.tokenbroker.tokens;

import io.tokenbroker.auth.AuthMethod;
import java.time.Instant;
import java.util.List;
import java.util.SortedSet;

/**
 * The durable record of one issued access token; written before the token leaves the broker. It
 * holds the token's SHA-256, never the token.
 *
 * @param callerIdentity the IAM role or assertion key that authenticated the request
 * @param retainUntil when the record may be deleted (DynamoDB TTL)
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
    AuthMethod authMethod,
    String callerIdentity,
    String sourceIp,
    String userAgent,
    String tokenSha256,
    Instant retainUntil) {}
