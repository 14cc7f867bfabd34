package io.tokenbroker.verify;

import java.time.Instant;
import java.util.List;
import java.util.SortedSet;

/** An access token that passed every check: its facts, ready for authorization decisions. */
public record VerifiedToken(
    String jti,
    String subject,
    String clientId,
    SortedSet<String> scopes,
    List<String> audiences,
    Instant issuedAt,
    Instant expiresAt,
    String kid) {}
