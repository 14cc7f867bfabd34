package io.tokenbroker.refresh;

import java.time.Instant;

/**
 * One refresh token as stored: by hash, never by value.
 *
 * @param used it has been exchanged once; any further use is reuse
 */
public record RefreshTokenRecord(
    String hash,
    String familyId,
    String clientId,
    Instant issuedAt,
    Instant idleExpiresAt,
    boolean used) {}
