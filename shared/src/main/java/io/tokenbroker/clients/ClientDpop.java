package io.tokenbroker.clients;

import com.nimbusds.jose.JWSAlgorithm;
import io.tokenbroker.dpop.DpopProofVerifier;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * A client's DPoP policy (RFC 9449), named as the registration JSON spells it.
 *
 * @param required {@code "dpop": "required"}: every token request must carry a DPoP proof (RFC 9449
 *     5.2's {@code dpop_bound_access_tokens}), so every access token it gets is bound; {@code
 *     "allowed"} (the default): a proof binds the token, no proof gets a bearer token
 * @param algorithms {@code dpop_algorithms}: the proof algorithms it may use, a non-empty subset of
 *     the broker's ({@link DpopProofVerifier#ALGORITHMS}, the default)
 */
public record ClientDpop(boolean required, List<JWSAlgorithm> algorithms) {

  /** The default: DPoP allowed with every algorithm the broker accepts. */
  public static final ClientDpop ALLOWED = new ClientDpop(false, DpopProofVerifier.ALGORITHMS);

  public ClientDpop {
    Objects.requireNonNull(algorithms, "dpop_algorithms");
    if (algorithms.isEmpty()) {
      throw new InvalidClientPolicy("dpop_algorithms: at least one algorithm");
    }
    if (new HashSet<>(algorithms).size() != algorithms.size()) {
      throw new InvalidClientPolicy("dpop_algorithms: duplicate entries");
    }
    for (JWSAlgorithm alg : algorithms) {
      if (!DpopProofVerifier.ALGORITHMS.contains(alg)) {
        throw new InvalidClientPolicy(
            "dpop_algorithms: each one of "
                + String.join(
                    ", ", DpopProofVerifier.ALGORITHMS.stream().map(JWSAlgorithm::getName).toList())
                + ": "
                + alg.getName());
      }
    }
    algorithms = List.copyOf(algorithms);
  }
}
