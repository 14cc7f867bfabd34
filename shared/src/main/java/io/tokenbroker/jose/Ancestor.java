package io.tokenbroker.jose;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One entry of a token's private {@code lineage} claim: a broker token it was exchanged from
 * (down-scoping, delegation), oldest first. Verifiers revoke a token exactly when one of its
 * ancestors is revoked: the ancestor's jti, its refresh family ({@code sid}), its signing key
 * ({@code kid}), and its client's watermark applied to the ancestor's own {@code iat}.
 *
 * @param jti the ancestor's {@code jti}
 * @param clientId the ancestor's {@code client_id}
 * @param issuedAt the ancestor's {@code iat}, whole seconds
 * @param kid the key that signed the ancestor
 * @param sessionId the ancestor's refresh family ({@code sid}), if it has one
 */
public record Ancestor(
    String jti, String clientId, Instant issuedAt, String kid, Optional<String> sessionId) {

  /** The most ancestors a token carries: one more than the deepest delegation chain. */
  public static final int MAX_PER_TOKEN = Actor.MAX_DEPTH + 1;

  public Ancestor {
    Objects.requireNonNull(jti, "jti");
    Objects.requireNonNull(clientId, "client_id");
    Objects.requireNonNull(issuedAt, "iat");
    Objects.requireNonNull(kid, "kid");
    Objects.requireNonNull(sessionId, "sid");
    if (issuedAt.getNano() != 0) {
      throw new IllegalArgumentException("iat: whole seconds");
    }
  }

  /** The entry as the claim carries it, members in a fixed order. */
  public Map<String, Object> claim() {
    Map<String, Object> claim = new LinkedHashMap<>();
    claim.put("jti", jti);
    claim.put("client_id", clientId);
    claim.put("iat", issuedAt.getEpochSecond());
    claim.put("kid", kid);
    sessionId.ifPresent(sid -> claim.put("sid", sid));
    return claim;
  }
}
