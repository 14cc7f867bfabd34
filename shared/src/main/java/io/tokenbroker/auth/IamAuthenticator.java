package io.tokenbroker.auth;

import static io.tokenbroker.auth.ClientAuthenticationRules.enabledClient;
import static io.tokenbroker.auth.ClientAuthenticationRules.rejected;

import io.tokenbroker.clients.Client;
import io.tokenbroker.clients.ClientRepository;
import io.tokenbroker.clients.IamPrincipal;
import java.util.Optional;

/**
 * Proves a client's identity by AWS IAM: API Gateway verified the caller's SigV4 signature; the
 * caller's role must be bound to the client. Every failure is {@code invalid_client} (401) with a
 * precise reason for the log.
 */
public final class IamAuthenticator {

  private final ClientRepository clients;

  public IamAuthenticator(ClientRepository clients) {
    this.clients = clients;
  }

  /**
   * A caller API Gateway authenticated with SigV4.
   *
   * @param callerArn the verified caller principal, if API Gateway supplied one
   * @param clientId the client the caller names, if any; otherwise the one its role is bound to
   */
  public AuthenticatedClient authenticate(Optional<String> callerArn, Optional<String> clientId) {
    if (callerArn.isEmpty()) {
      throw rejected(ClientAuthenticationReason.IAM_IDENTITY_MISSING);
    }
    String role =
        IamPrincipal.roleOfCaller(callerArn.get())
            .orElseThrow(() -> rejected(ClientAuthenticationReason.IAM_CALLER_NOT_A_ROLE));
    String id =
        clientId.isPresent()
            ? clientId.get()
            : clients
                .clientIdForRole(role)
                .orElseThrow(() -> rejected(ClientAuthenticationReason.IAM_ROLE_NOT_BOUND));
    Client client = enabledClient(clients, id, c -> c.iamRoles().contains(role));
    if (!client.iamRoles().contains(role)) {
      throw rejected(ClientAuthenticationReason.IAM_ROLE_NOT_BOUND);
    }
    return new AuthenticatedClient(client, AuthMethod.AWS_IAM, role);
  }
}
