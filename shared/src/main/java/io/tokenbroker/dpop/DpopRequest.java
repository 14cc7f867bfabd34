package io.tokenbroker.dpop;

import com.nimbusds.jose.JWSAlgorithm;
import java.util.List;
import java.util.Optional;

/**
 * What a DPoP proof is checked against: the request as the server received it.
 *
 * @param proofs every value of the request's {@code DPoP} headers (any case of the name), as
 *     received; one is expected
 * @param method the request's HTTP method
 * @param url the URL the client called, as the server reconstructs it from its own configuration
 *     (never from a client-controlled Host header); query and fragment are ignored
 * @param accessToken the access token presented with the proof (protected resource requests), for
 *     {@code ath}; empty at the token endpoint
 * @param boundKey the {@code jkt} the proof's key must have: the access token's {@code cnf.jkt}, or
 *     the refresh-token family's; empty when any key may bind
 * @param algorithms the {@code alg} values this caller may use (the client's policy), within the
 *     verifier's own
 */
public record DpopRequest(
    List<String> proofs,
    String method,
    String url,
    Optional<String> accessToken,
    Optional<String> boundKey,
    List<JWSAlgorithm> algorithms) {

  public DpopRequest {
    proofs = List.copyOf(proofs);
    algorithms = List.copyOf(algorithms);
  }

  /** A token request: no access token; {@code boundKey} for a refresh grant of a bound family. */
  public static DpopRequest tokenRequest(
      List<String> proofs,
      String method,
      String url,
      Optional<String> boundKey,
      List<JWSAlgorithm> algorithms) {
    return new DpopRequest(proofs, method, url, Optional.empty(), boundKey, algorithms);
  }

  /** A protected resource request with a DPoP-bound access token ({@code cnf.jkt}). */
  public static DpopRequest resourceRequest(
      List<String> proofs, String method, String url, String accessToken, String boundKey) {
    return new DpopRequest(
        proofs,
        method,
        url,
        Optional.of(accessToken),
        Optional.of(boundKey),
        DpopProofVerifier.ALGORITHMS);
  }
}
