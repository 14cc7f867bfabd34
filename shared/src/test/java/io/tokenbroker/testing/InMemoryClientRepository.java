package io.tokenbroker.testing;

import io.tokenbroker.clients.Client;
import io.tokenbroker.clients.ClientConflict;
import io.tokenbroker.clients.ClientRepository;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Clients in memory, with the DynamoDB adapter's version and role-binding rules and messages. */
public final class InMemoryClientRepository implements ClientRepository {

  private final Map<String, Client> clients = new ConcurrentHashMap<>();

  /** Registers a client as new (version 1). */
  public Client add(Client client) {
    return save(client, 0);
  }

  @Override
  public Optional<Client> find(String clientId) {
    return Optional.ofNullable(clients.get(clientId));
  }

  @Override
  public Optional<String> clientIdForRole(String role) {
    return clients.values().stream()
        .filter(c -> c.iamRoles().contains(role))
        .map(Client::clientId)
        .findFirst();
  }

  @Override
  public synchronized Client save(Client client, long expectedVersion) {
    Client current = clients.get(client.clientId());
    long currentVersion = current == null ? 0 : current.version();
    if (currentVersion != expectedVersion) {
      throw new ClientConflict(
          "client "
              + client.clientId()
              + " changed concurrently (or already exists): read it again");
    }
    for (String role : client.iamRoles()) {
      clientIdForRole(role)
          .filter(owner -> !owner.equals(client.clientId()))
          .ifPresent(
              owner -> {
                throw new ClientConflict(
                    "client "
                        + client.clientId()
                        + ": an IAM role is already bound to another client");
              });
    }
    Client stored = client.atVersion(expectedVersion + 1);
    clients.put(client.clientId(), stored);
    return stored;
  }

  @Override
  public List<Client> list() {
    return clients.values().stream().sorted(Comparator.comparing(Client::clientId)).toList();
  }
}
