package io.tokenbroker.jose;

import java.util.Map;
import java.util.Objects;

/**
 * One entry of a token's private {@code lineage} claim: a broker token it was exchanged from
 * (down-scoping, delegation), oldest first. Verifiers revoke a token with each of its ancestors:
 * the ancestor's jti, and its client's watermark applied to the token's own {@code iat}.
 */
public record Ancestor(String jti, String clientId) {

  /** The most ancestors a token carries: one more than the deepest delegation chain. */
  public static final int MAX_PER_TOKEN = Actor.MAX_DEPTH + 1;

  public Ancestor {
    Objects.requireNonNull(jti, "jti");
    Objects.requireNonNull(clientId, "client_id");
  }

  /** The entry as the claim carries it. */
  public Map<String, Object> claim() {
    return Map.of("jti", jti, "client_id", clientId);
  }
}
