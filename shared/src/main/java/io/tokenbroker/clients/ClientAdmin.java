package io.tokenbroker.clients;

import io.tokenbroker.errors.OperatorRefusal;
import java.util.List;
import java.util.Optional;

/** What operators do with registrations (brokerctl, the local server's clients file). */
public final class ClientAdmin {

  private final ClientRepository clients;

  public ClientAdmin(ClientRepository clients) {
    this.clients = clients;
  }

  /**
   * Creates the registration, or replaces the stored one with it.
   *
   * @throws ClientConflict if it changed meanwhile, or claims a role bound to another client
   */
  public Client put(Client client) {
    long stored = clients.find(client.clientId()).map(Client::version).orElse(0L);
    return clients.save(client, stored);
  }

  /**
   * Disables a client: it can no longer authenticate; its registration stays.
   *
   * @throws IllegalArgumentException if there is no such client
   */
  public Client disable(String clientId) {
    Client current =
        clients
            .find(clientId)
            .orElseThrow(() -> new OperatorRefusal("no such client: " + clientId));
    return clients.save(current.withEnabled(false), current.version());
  }

  public Optional<Client> get(String clientId) {
    return clients.find(clientId);
  }

  public List<Client> list() {
    return clients.list();
  }
}
