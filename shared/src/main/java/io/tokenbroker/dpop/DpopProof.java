package io.tokenbroker.dpop;

import com.nimbusds.jose.JWSAlgorithm;
import io.tokenbroker.jose.Confirmation;
import java.time.Instant;

/**
 * A DPoP proof that passed every check of RFC 9449 4.3 and was used once.
 *
 * @param key the confirmation of its key: {@code jkt}, the RFC 7638 SHA-256 thumbprint
 * @param jti its identifier (for logs)
 * @param issuedAt its {@code iat}
 * @param alg its signature algorithm, for a client policy that narrows the broker's
 */
public record DpopProof(Confirmation.DpopKey key, String jti, Instant issuedAt, JWSAlgorithm alg) {}
