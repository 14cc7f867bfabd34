package io.tokenbroker.refresh;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.SortedSet;

/**
 * One grant and every refresh token descended from it (RFC 9700 4.14): what they may carry, how
 * long the family lives. Access tokens issued in the family carry its id as {@code sid}. Whether
 * the family is revoked is not recorded here: the revocations table says so (its family record by
 * {@code sid}, its client's watermark), for refresh, introspection and authorizers alike.
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
    Instant expiresAt) {}
