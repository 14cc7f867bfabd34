package io.tokenbroker.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenbroker.testing.Clients;
import io.tokenbroker.testing.TestKeys;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ClientRepository} does, run against the in-memory fake and the DynamoDB table
 * on moto: optimistic versions, a role bound to at most one client, all-or-nothing saves.
 */
public abstract class ClientRepositoryContract {

  protected abstract ClientRepository clients();

  protected static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  protected static String role(String name) {
    return "arn:aws:iam::123456789012:role/" + name;
  }

  protected static Client withRoles(String id, String... roles) {
    Map<String, Object> json = Clients.withKeys(Clients.json(id), TestKeys.ec());
    json.put("iam_roles", List.of(roles));
    return Clients.parse(json);
  }

  @Test
  void storesTheRegistrationAndItsRoleBindings() {
    String id = unique("orders");
    String role = role(id);

    Client saved = clients().save(withRoles(id, role), 0);

    assertThat(saved.version()).isEqualTo(1);
    assertThat(clients().find(id)).contains(saved);
    assertThat(clients().clientIdForRole(role)).contains(id);
    assertThat(clients().list()).extracting(Client::clientId).contains(id);
  }

  @Test
  void findsNothingForAnUnknownClientOrRole() {
    assertThat(clients().find(unique("nobody"))).isEmpty();
    assertThat(clients().clientIdForRole(role(unique("nobody")))).isEmpty();
  }

  @Test
  void listsEveryRegistrationOrderedByClientId() {
    String b = unique("b");
    String a = unique("a");
    clients().save(withRoles(b, role(b)), 0);
    clients().save(withRoles(a, role(a)), 0);

    List<String> ids = clients().list().stream().map(Client::clientId).toList();

    assertThat(ids).isSorted().contains(a, b);
  }

  @Test
  void countsVersionsUpFromOne() {
    String id = unique("counter");
    Client v1 = clients().save(withRoles(id, role(id)), 0);

    Client v2 = clients().save(v1.withEnabled(false), v1.version());

    assertThat(v2.version()).isEqualTo(2);
    assertThat(clients().find(id)).contains(v2);
    assertThat(clients().clientIdForRole(role(id))).as("a role kept stays bound").contains(id);
  }

  @Test
  void movesRoleBindingsWithTheRegistration() {
    String id = unique("mover");
    Client v1 = clients().save(withRoles(id, role(id + "-old")), 0);

    clients().save(withRoles(id, role(id + "-new")), v1.version());

    assertThat(clients().clientIdForRole(role(id + "-old"))).isEmpty();
    assertThat(clients().clientIdForRole(role(id + "-new"))).contains(id);
  }

  @Test
  void refusesARoleThatAnotherClientHolds() {
    String first = unique("first");
    String second = unique("second");
    String shared = role(first + "-shared");
    clients().save(withRoles(first, shared), 0);

    assertThatThrownBy(() -> clients().save(withRoles(second, shared), 0))
        .isInstanceOf(ClientConflict.class)
        .hasMessageContaining("bound to another client");
    assertThat(clients().find(second)).isEmpty();
    assertThat(clients().clientIdForRole(shared)).contains(first);
  }

  @Test
  void anUpdateRefusedForARoleChangesNothing() {
    String first = unique("first");
    String second = unique("second");
    clients().save(withRoles(first, role(first)), 0);
    Client v1 = clients().save(withRoles(second, role(second)), 0);

    assertThatThrownBy(() -> clients().save(withRoles(second, role(first)), v1.version()))
        .isInstanceOf(ClientConflict.class)
        .hasMessageContaining("bound to another client");
    assertThat(clients().find(second)).contains(v1);
    assertThat(clients().clientIdForRole(role(second))).contains(second);
    assertThat(clients().clientIdForRole(role(first))).contains(first);
  }

  @Test
  void refusesAWriteFromAStaleRead() {
    String id = unique("racer");
    Client v1 = clients().save(withRoles(id, role(id)), 0);
    clients().save(v1.withEnabled(false), v1.version());

    assertThatThrownBy(() -> clients().save(v1, v1.version()))
        .isInstanceOf(ClientConflict.class)
        .hasMessageContaining("changed concurrently");
    assertThat(clients().find(id).orElseThrow().enabled()).isFalse();
  }

  @Test
  void refusesToCreateAClientTwice() {
    String id = unique("twice");
    clients().save(withRoles(id, role(id)), 0);

    assertThatThrownBy(() -> clients().save(withRoles(id, role(id)), 0))
        .isInstanceOf(ClientConflict.class);
    assertThat(clients().find(id).orElseThrow().version()).isEqualTo(1);
  }

  @Test
  void refusesToUpdateAClientThatDoesNotExist() {
    String id = unique("ghost");

    assertThatThrownBy(() -> clients().save(withRoles(id, role(id)), 3))
        .isInstanceOf(ClientConflict.class)
        .hasMessageContaining("changed concurrently");
    assertThat(clients().find(id)).isEmpty();
    assertThat(clients().clientIdForRole(role(id))).isEmpty();
  }
}
