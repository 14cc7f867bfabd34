package io.tokenbroker.clients;

import io.tokenbroker.errors.ServiceFailure;
import java.util.List;
import java.util.Optional;

/**
 * Port: registered clients and the IAM roles bound to them. A role is bound to at most one client.
 * Reads are strongly consistent. Every method throws {@link ServiceFailure} when the store fails.
 */
public interface ClientRepository {

  Optional<Client> find(String clientId);

  /** The client a (normalized) IAM role is bound to. */
  Optional<String> clientIdForRole(String role);

  /**
   * Creates or replaces a registration and its role bindings atomically.
   *
   * @param expectedVersion the version the caller read (0: the client must not exist yet)
   * @return the stored client, at {@code expectedVersion + 1}
   * @throws ClientConflict if the stored version differs, or a role is bound to another client
   */
  Client save(Client client, long expectedVersion);

  /** Every registration, ordered by client id. */
  List<Client> list();
}
