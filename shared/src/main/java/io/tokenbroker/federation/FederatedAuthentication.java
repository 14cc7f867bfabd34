package io.tokenbroker.federation;

import io.tokenbroker.auth.AuthenticatedClient;
import io.tokenbroker.tokens.ExchangedFrom;
import io.tokenbroker.tokens.GrantLimits;

/**
 * Federation (RFC 8693 with an outside subject or actor token): a workload with no broker
 * credential authenticates as a registered client by a token its own platform issued (a GitHub
 * Actions or GitLab CI ID token, a Kubernetes service-account token), verified under one of that
 * client's trust policies.
 */
public interface FederatedAuthentication {

  /**
   * A client authenticated by an outside token, the identity recorded with what it gets, the caps
   * its trust policy puts on the grant, and the token's single use, still to be spent.
   */
  record FederatedClient(
      AuthenticatedClient client,
      ExchangedFrom.OutsideIdentity identity,
      GrantLimits limits,
      SingleUse singleUse) {}

  /**
   * Spends a single-use outside token ({@code jti}), once everything else about the exchange has
   * been decided, right before the new token is minted: a request refused for another reason (a
   * scope, a binding, a delegation rule) leaves the token usable for a corrected request.
   */
  @FunctionalInterface
  interface SingleUse {

    /** Nothing to spend: a policy without single use, or a token without {@code jti}. */
    SingleUse NONE = () -> {};

    /**
     * Records the use (once per handle: call it once, last before minting). Verification wrote
     * nothing; this is the one write, so two concurrent exchanges of the same token cannot both
     * pass it.
     *
     * @throws io.tokenbroker.errors.RequestRejected {@code invalid_request} when the token was
     *     spent meanwhile (a replay), logged {@code federation_replayed}
     * @throws io.tokenbroker.errors.ServiceFailure when the use cannot be recorded
     */
    void spend();
  }

  /**
   * Authenticates client {@code clientId} by {@code outsideToken}.
   *
   * @throws io.tokenbroker.errors.RequestRejected {@code invalid_client} for a client that is
   *     unknown, disabled or has no trust policy; {@code invalid_request} (RFC 8693 2.2.2) for a
   *     token that fails verification or matches none of the client's policies, the precise reason
   *     in the log only
   * @throws io.tokenbroker.errors.ServiceFailure when the issuer's keys cannot be had
   */
  FederatedClient authenticate(String clientId, String outsideToken);

  /**
   * As {@link #authenticate(String, String)}, for the outside token sent as {@code parameter}
   * ({@code "subject_token"}, the default, or {@code "actor_token"}): a refusal's description names
   * it ({@code "actor_token is not acceptable"}). An implementation that cannot name it (a test
   * fake) may keep this default.
   */
  default FederatedClient authenticate(String clientId, String outsideToken, String parameter) {
    return authenticate(clientId, outsideToken);
  }
}
