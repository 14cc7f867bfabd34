package io.tokenbroker.verify;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;

/**
 * An access token that passed every check: its facts, ready for authorization decisions.
 *
 * @param sessionId the refresh-token family it was issued in ({@code sid}), if any
 */
public record VerifiedToken(
    String jti,
    String subject,
    String clientId,
    SortedSet<String> scopes,
    List<String> audiences,
    Instant issuedAt,
    Instant expiresAt,
    Instant notBefore,
    String kid,
    Optional<String> sessionId) {}
