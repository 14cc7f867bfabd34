package io.tokenbroker.auth;

import io.tokenbroker.clients.Client;
import io.tokenbroker.clients.ClientRepository;
import io.tokenbroker.errors.OAuthError;
import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.identifiers.ClientId;
import java.util.function.Predicate;

/**
 * What every way of authenticating a client shares (an assertion, an IAM role, a certificate, an
 * outside token under a trust policy): the client must exist and be enabled, and every failure is
 * {@code invalid_client} (401) with a precise reason for the log; the caller's description names
 * the rule only where {@link ClientAuthenticationReason} says it is safe, never for an unknown or
 * disabled client, so that it cannot probe which clients exist.
 */
public final class ClientAuthenticationRules {

  private ClientAuthenticationRules() {}

  /**
   * @param credentialOf whether the request's credential is this client's own; asked only of a
   *     decoy, after its refusal is decided, for the alert's evidence (no I/O: it must not slow the
   *     decoy's answer beyond an unknown client's)
   */
  public static Client enabledClient(
      ClientRepository clients, String clientId, Predicate<Client> credentialOf) {
    // No lookup for an id no client can be registered under: DynamoDB refuses keys over 2048
    // bytes with an error (a 500 here), and an 8 KB form value or assertion claim can be longer.
    if (!ClientId.isValid(clientId)) {
      throw rejected(ClientAuthenticationReason.CLIENT_ID_MALFORMED);
    }
    Client client =
        clients
            .find(clientId)
            .orElseThrow(() -> rejected(ClientAuthenticationReason.UNKNOWN_CLIENT));
    if (client.monitoring().decoy()) {
      // After the same one lookup an unknown client costs, with the same answer: the caller cannot
      // tell a decoy from a client that does not exist; the rejection's reason names it for the
      // alert.
      throw new RequestRejected(
          OAuthError.INVALID_CLIENT,
          new DecoyClientPresented(client.clientId(), verifies(credentialOf, client)),
          ClientAuthenticationReason.UNKNOWN_CLIENT.description());
    }
    if (!client.enabled()) {
      throw rejected(ClientAuthenticationReason.CLIENT_DISABLED);
    }
    return client;
  }

  private static boolean verifies(Predicate<Client> credentialOf, Client decoy) {
    try {
      return credentialOf.test(decoy);
    } catch (RuntimeException refused) {
      return false;
    }
  }

  static RequestRejected rejected(ClientAuthenticationReason reason) {
    return rejected(reason, reason.description());
  }

  /** For a disclosed rule whose description carries this broker's values. */
  static RequestRejected rejected(ClientAuthenticationReason reason, String description) {
    return new RequestRejected(OAuthError.INVALID_CLIENT, reason, description);
  }
}
