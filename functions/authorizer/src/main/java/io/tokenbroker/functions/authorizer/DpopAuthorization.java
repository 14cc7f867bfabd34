package io.tokenbroker.functions.authorizer;

import io.tokenbroker.dpop.DpopProofVerifier;
import io.tokenbroker.dpop.DpopReason;
import io.tokenbroker.dpop.DpopRequest;
import io.tokenbroker.errors.OAuthError;
import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.errors.ServiceFailure;
import io.tokenbroker.jose.Confirmation;
import io.tokenbroker.verify.AccessTokenVerifier;
import io.tokenbroker.verify.VerifiedToken;
import java.util.List;
import java.util.Optional;

/**
 * RFC 9449 7.1 at the edge: a request made with {@code Authorization: DPoP <token>} is allowed only
 * if the token is valid, bound by {@code cnf.jkt}, and the request's one {@code DPoP} proof passes
 * every check of section 4.3 against it: signed by the bound key, {@code ath} the token's hash,
 * {@code htm} the method, {@code htu} the URL the client used, {@code iat} recent, used once across
 * all containers (the replay store's conditional write, the only AWS call it adds). The token is
 * checked first: a forged or expired one costs no write.
 */
public final class DpopAuthorization {

  private final AccessTokenVerifier tokens;
  private final Optional<DpopProofVerifier> proofs;

  /**
   * @param proofs the proof verifier, or empty where API Gateway may answer from its result cache
   *     (a cached Allow would let the next request in without a proof): every DPoP-bound token is
   *     then refused
   */
  public DpopAuthorization(AccessTokenVerifier tokens, Optional<DpopProofVerifier> proofs) {
    this.tokens = tokens;
    this.proofs = proofs;
  }

  /**
   * @throws RequestRejected {@code invalid_token} for the token or the scheme, {@code
   *     invalid_dpop_proof} or {@code use_dpop_nonce} (with a DPoP-Nonce header) for the proof
   * @throws ServiceFailure if a store fails
   */
  VerifiedToken verify(AuthorizerRequest.Dpop request, String method) {
    VerifiedToken token = tokens.verify(request.token());
    if (!(token.confirmation().orElse(null) instanceof Confirmation.DpopKey key)) {
      throw rejected(AuthorizerReason.DPOP_TOKEN_NOT_BOUND);
    }
    DpopProofVerifier verifier =
        proofs.orElseThrow(() -> rejected(AuthorizerReason.DPOP_BEHIND_RESULT_CACHE));
    if (request.proofRepeated()) {
      DpopReason twice = DpopReason.MULTIPLE_PROOFS;
      throw new RequestRejected(twice.error(), twice, twice.description());
    }
    String url = request.url().orElseThrow(() -> rejected(AuthorizerReason.DPOP_URL_UNKNOWN));
    verifier.verify(
        DpopRequest.resourceRequest(
            request.proof().map(List::of).orElse(List.of()),
            method,
            url,
            request.token(),
            key.thumbprint()));
    return token;
  }

  private static RequestRejected rejected(AuthorizerReason reason) {
    return new RequestRejected(OAuthError.INVALID_TOKEN, reason, "invalid token");
  }
}
