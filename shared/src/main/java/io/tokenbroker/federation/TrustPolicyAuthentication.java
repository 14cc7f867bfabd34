package io.tokenbroker.federation;

import io.tokenbroker.auth.AuthMethod;
import io.tokenbroker.auth.AuthenticatedClient;
import io.tokenbroker.auth.ClientAuthenticationReason;
import io.tokenbroker.auth.ClientAuthenticationRules;
import io.tokenbroker.clients.Client;
import io.tokenbroker.clients.ClientRepository;
import io.tokenbroker.clients.TrustPolicy;
import io.tokenbroker.errors.OAuthError;
import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.tokens.GrantLimits;
import java.util.Optional;

/**
 * {@link FederatedAuthentication} by the client's trust policies: the client must exist, be enabled
 * and have policies ({@code invalid_client} otherwise, as for any client authentication, saying
 * nothing more), and the outside token must satisfy one of them ({@link OutsideTokenVerifier}). The
 * policy that matched caps the grant.
 */
public final class TrustPolicyAuthentication implements FederatedAuthentication {

  private final ClientRepository clients;
  private final OutsideTokenVerifier verifier;

  public TrustPolicyAuthentication(ClientRepository clients, OutsideTokenVerifier verifier) {
    this.clients = clients;
    this.verifier = verifier;
  }

  @Override
  public FederatedClient authenticate(String clientId, String outsideToken) {
    return authenticate(clientId, outsideToken, "subject_token");
  }

  @Override
  public FederatedClient authenticate(String clientId, String outsideToken, String parameter) {
    // The outside token is not verified for a decoy: unverified in the alert.
    Client client = ClientAuthenticationRules.enabledClient(clients, clientId, c -> false);
    if (client.trustPolicies().isEmpty()) {
      throw new RequestRejected(
          OAuthError.INVALID_CLIENT,
          FederationReason.CLIENT_HAS_NO_TRUST_POLICY,
          ClientAuthenticationReason.UNDISCLOSED);
    }
    OutsideTokenVerifier.Accepted accepted =
        verifier.verify(client.clientId(), client.trustPolicies(), outsideToken, parameter);
    var identity = accepted.identity();
    return new FederatedClient(
        new AuthenticatedClient(
            client, AuthMethod.FEDERATED, identity.issuer() + " " + identity.subject()),
        identity,
        limits(accepted.policy()),
        accepted.singleUse());
  }

  /** The policy's caps; the client's own rules still apply on top ({@code Grant.decide}). */
  static GrantLimits limits(TrustPolicy policy) {
    return new GrantLimits(
        policy.scopes(), Optional.empty(), policy.audiences(), policy.maxLifetime());
  }
}
