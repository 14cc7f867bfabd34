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
   * A client authenticated by an outside token, the identity recorded with what it gets, and the
   * caps its trust policy puts on the grant.
   */
  record FederatedClient(
      AuthenticatedClient client, ExchangedFrom.OutsideIdentity identity, GrantLimits limits) {}

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
}
