package io.tokenbroker.refresh;

import io.tokenbroker.jose.Confirmation;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;

/**
 * One grant and every refresh token descended from it (RFC 9700 4.14): what they may carry, how
 * long the family lives. Access tokens issued in the family carry its id as {@code sid}. Whether
 * the family is revoked is not recorded here: the revocations table says so (its family record by
 * {@code sid}, its client's watermark), for refresh, introspection and authorizers alike.
 *
 * @param accessLifetime the lifetime granted to the first access token, reused on refresh
 * @param expiresAt the absolute end of the family
 * @param dpopKey the DPoP key the family was started with (RFC 9449 5): every refresh must carry a
 *     proof by that key, and its access token is bound to it
 */
public record RefreshFamily(
    String id,
    String clientId,
    SortedSet<String> scopes,
    List<String> audiences,
    Duration accessLifetime,
    Instant createdAt,
    Instant expiresAt,
    Optional<Confirmation.DpopKey> dpopKey) {}
