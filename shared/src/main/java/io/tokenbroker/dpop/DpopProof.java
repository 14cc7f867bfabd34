package io.tokenbroker.dpop;

import io.tokenbroker.jose.Confirmation;
import java.time.Instant;

/**
 * A DPoP proof that passed every check of RFC 9449 4.3 and was used once.
 *
 * @param key the confirmation of its key: {@code jkt}, the RFC 7638 SHA-256 thumbprint
 * @param jti its identifier (for logs)
 * @param issuedAt its {@code iat}
 */
public record DpopProof(Confirmation.DpopKey key, String jti, Instant issuedAt) {}
