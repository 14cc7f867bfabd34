package io.tokenbroker.oauth;

import io.tokenbroker.clients.Client;
import io.tokenbroker.discovery.BrokerEndpoints;
import io.tokenbroker.dpop.DpopProof;
import io.tokenbroker.dpop.DpopProofVerifier;
import io.tokenbroker.dpop.DpopReason;
import io.tokenbroker.dpop.DpopRequest;
import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.errors.ServiceFailure;
import io.tokenbroker.jose.Confirmation;
import java.util.List;
import java.util.Optional;

/**
 * DPoP at the token endpoint (RFC 9449 5), in steps around client authentication. First the proof,
 * if the request carries one, is checked against the broker's own URL of the endpoint called (from
 * ISSUER, never from the request's Host header) with every algorithm the broker accepts: before
 * authentication, so that a {@code use_dpop_nonce} answer does not spend the client's assertion,
 * which the retry could not use again. Then, once the client is known, its policy: a client that
 * must use DPoP and sent no proof, or a proof in an algorithm it may not use, is refused with
 * {@code invalid_dpop_proof}; only then is the proof recorded as used, so that an unauthenticated
 * request never writes the replay store.
 */
public final class DpopTokenBinding {

  private final DpopProofVerifier verifier;
  private final String tokenUrl;
  private final String tokenIamUrl;
  private final Optional<String> mtlsTokenUrl;
  private final Optional<String> mtlsTokenIamUrl;

  public DpopTokenBinding(DpopProofVerifier verifier, BrokerEndpoints endpoints) {
    this(verifier, endpoints, Optional.empty());
  }

  /**
   * @param mtlsEndpoints MTLS_BASE_URL's endpoints, if configured: the token endpoint's {@code
   *     mtls_endpoint_aliases} URL is the same endpoint, so a proof naming it is accepted too
   */
  public DpopTokenBinding(
      DpopProofVerifier verifier,
      BrokerEndpoints endpoints,
      Optional<BrokerEndpoints> mtlsEndpoints) {
    this.verifier = verifier;
    this.tokenUrl = endpoints.token().toString();
    this.tokenIamUrl = tokenUrl + "/iam";
    this.mtlsTokenUrl = mtlsEndpoints.map(alias -> alias.token().toString());
    this.mtlsTokenIamUrl = mtlsTokenUrl.map(url -> url + "/iam");
  }

  /**
   * The request's proof, checked but not yet used (nothing is written), if it carries one.
   *
   * @param proofs the values of every DPoP header of the request
   * @param iamRoute whether the request came to {@code /token/iam} rather than {@code /token}
   * @throws RequestRejected {@code invalid_dpop_proof} or {@code use_dpop_nonce}
   */
  public Optional<DpopProofVerifier.CheckedProof> check(
      List<String> proofs, String method, boolean iamRoute) {
    if (proofs.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          verifier.check(request(proofs, method, iamRoute ? tokenIamUrl : tokenUrl)));
    } catch (RequestRejected rejected) {
      Optional<String> alias = iamRoute ? mtlsTokenIamUrl : mtlsTokenUrl;
      if (alias.isEmpty() || !rejected.reason().equals(DpopReason.HTU_MISMATCH.logName())) {
        throw rejected;
      }
      // The mTLS alias of the same endpoint (a second check only for a proof naming another URL).
      return Optional.of(verifier.check(request(proofs, method, alias.get())));
    }
  }

  private static DpopRequest request(List<String> proofs, String method, String url) {
    return DpopRequest.tokenRequest(
        proofs, method, url, Optional.empty(), DpopProofVerifier.ALGORITHMS);
  }

  /**
   * What the access token is bound to, under the client's DPoP policy; call only once the client is
   * authenticated: an accepted proof is recorded as used here.
   *
   * @throws RequestRejected {@code invalid_dpop_proof} if the client must use DPoP and sent no
   *     proof, used an algorithm its policy does not list, or a proof already used
   */
  public Optional<Confirmation> bind(
      Client client, Optional<DpopProofVerifier.CheckedProof> checked) {
    if (checked.isEmpty()) {
      if (client.dpop().required()) {
        throw reject(DpopReason.PROOF_MISSING);
      }
      return Optional.empty();
    }
    if (!client.dpop().algorithms().contains(checked.get().proof().alg())) {
      throw reject(DpopReason.ALG_NOT_ALLOWED);
    }
    DpopProof proof = verifier.use(checked.get());
    return Optional.of(proof.key());
  }

  /**
   * The nonce for a successful answer's DPoP-Nonce header, when nonces are required; none if the
   * nonce key fails (the header is optional, RFC 9449 8.2, and a success must not turn into an
   * error: the client would retry with a spent refresh token and revoke its family).
   */
  public Optional<String> nextNonce() {
    try {
      return verifier.currentNonce();
    } catch (ServiceFailure nonceKeyDown) {
      return Optional.empty();
    }
  }

  static RequestRejected reject(DpopReason reason) {
    return new RequestRejected(reason.error(), reason, reason.description());
  }
}
