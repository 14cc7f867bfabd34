package io.tokenbroker.refresh;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.SortedSet;

/**
 * One grant and every refresh token descended from it (RFC 9700 4.14): what they may carry, how
 * long the family lives, whether it has been revoked. Access tokens issued in the family carry its
 * id as {@code sid}, so that revoking the family reaches them at the authorizer too.
 *
 * @param accessLifetime the lifetime granted to the first access token, reused on refresh
 * @param expiresAt the absolute end of the family
 */
public record RefreshFamily(
    String id,
    String clientId,
    SortedSet<String> scopes,
    List<String> audiences,
    Duration accessLifetime,
    Instant createdAt,
    Instant expiresAt,
    boolean revoked) {}
