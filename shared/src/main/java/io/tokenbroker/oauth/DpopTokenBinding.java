package io.tokenbroker.oauth;

import io.tokenbroker.clients.Client;
import io.tokenbroker.discovery.BrokerEndpoints;
import io.tokenbroker.dpop.DpopProof;
import io.tokenbroker.dpop.DpopProofVerifier;
import io.tokenbroker.dpop.DpopReason;
import io.tokenbroker.dpop.DpopRequest;
import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.jose.Confirmation;
import java.util.List;
import java.util.Optional;

/**
 * DPoP at the token endpoint (RFC 9449 5), in two steps around client authentication. First the
 * proof, if the request carries one, is checked against the broker's own URL of the endpoint called
 * (from ISSUER, never from the request's Host header) with every algorithm the broker accepts:
 * before authentication, so that a {@code use_dpop_nonce} answer does not spend the client's
 * assertion, which the retry could not use again. Then, once the client is known, its policy: a
 * client that must use DPoP and sent no proof, or a proof in an algorithm it may not use, is
 * refused with {@code invalid_dpop_proof}.
 */
public final class DpopTokenBinding {

  private final DpopProofVerifier verifier;
  private final String tokenUrl;
  private final String tokenIamUrl;

  public DpopTokenBinding(DpopProofVerifier verifier, BrokerEndpoints endpoints) {
    this.verifier = verifier;
    this.tokenUrl = endpoints.token().toString();
    this.tokenIamUrl = tokenUrl + "/iam";
  }

  /**
   * The request's proof, checked and used, if it carries one.
   *
   * @param proofs the values of every DPoP header of the request
   * @param iamRoute whether the request came to {@code /token/iam} rather than {@code /token}
   * @throws RequestRejected {@code invalid_dpop_proof} or {@code use_dpop_nonce}
   */
  public Optional<DpopProof> check(List<String> proofs, String method, boolean iamRoute) {
    if (proofs.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        verifier.verify(
            DpopRequest.tokenRequest(
                proofs,
                method,
                iamRoute ? tokenIamUrl : tokenUrl,
                Optional.empty(),
                DpopProofVerifier.ALGORITHMS)));
  }

  /**
   * What the access token is bound to, under the client's DPoP policy.
   *
   * @throws RequestRejected {@code invalid_dpop_proof} if the client must use DPoP and sent no
   *     proof, or used an algorithm its policy does not list
   */
  public Optional<Confirmation> bind(Client client, Optional<DpopProof> proof) {
    if (proof.isEmpty()) {
      if (client.dpop().required()) {
        throw reject(DpopReason.PROOF_MISSING);
      }
      return Optional.empty();
    }
    if (!client.dpop().algorithms().contains(proof.get().alg())) {
      throw reject(DpopReason.ALG_NOT_ALLOWED);
    }
    return Optional.of(proof.get().key());
  }

  /** The nonce for a successful answer's DPoP-Nonce header, when nonces are required. */
  public Optional<String> nextNonce() {
    return verifier.currentNonce();
  }

  static RequestRejected reject(DpopReason reason) {
    return new RequestRejected(reason.error(), reason, reason.description());
  }
}
