package io.tokenbroker.adapters.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenbroker.clients.Client;
import io.tokenbroker.clients.ClientConflict;
import io.tokenbroker.devsupport.LocalAws;
import io.tokenbroker.devsupport.MotoExtension;
import io.tokenbroker.testing.AwsFixture;
import io.tokenbroker.testing.Clients;
import io.tokenbroker.testing.TestKeys;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(MotoExtension.class)
class DynamoDbClientRepositoryIT {

  private static DynamoDbClientRepository clients;

  @BeforeAll
  static void setUp(LocalAws aws) {
    AwsFixture fixture = AwsFixture.provisioned(aws);
    clients = new DynamoDbClientRepository(fixture.dynamoDb, fixture.tables.clients());
  }

  private static Client withRoles(String id, String... roles) {
    Map<String, Object> json = Clients.withKeys(Clients.json(id), TestKeys.ec());
    json.put("iam_roles", List.of(roles));
    return Clients.parse(json);
  }

  @Test
  void storesTheRegistrationAndItsRoleBindings() {
    Client saved = clients.save(withRoles("orders", "arn:aws:iam::123456789012:role/orders"), 0);

    assertThat(saved.version()).isEqualTo(1);
    assertThat(clients.find("orders")).contains(saved);
    assertThat(clients.clientIdForRole("arn:aws:iam::123456789012:role/orders")).contains("orders");
    assertThat(clients.list()).extracting(Client::clientId).contains("orders");
  }

  @Test
  void movesRoleBindingsWithTheRegistration() {
    Client v1 = clients.save(withRoles("mover", "arn:aws:iam::123456789012:role/old"), 0);

    clients.save(withRoles("mover", "arn:aws:iam::123456789012:role/new"), v1.version());

    assertThat(clients.clientIdForRole("arn:aws:iam::123456789012:role/old")).isEmpty();
    assertThat(clients.clientIdForRole("arn:aws:iam::123456789012:role/new")).contains("mover");
  }

  @Test
  void refusesARoleThatAnotherClientHolds() {
    clients.save(withRoles("first", "arn:aws:iam::123456789012:role/shared"), 0);

    assertThatThrownBy(
            () -> clients.save(withRoles("second", "arn:aws:iam::123456789012:role/shared"), 0))
        .isInstanceOf(ClientConflict.class)
        .hasMessageContaining("bound to another client");
    assertThat(clients.find("second")).isEmpty();
  }

  @Test
  void refusesAWriteFromAStaleRead() {
    Client v1 = clients.save(withRoles("racer", "arn:aws:iam::123456789012:role/racer"), 0);
    clients.save(v1.withEnabled(false), v1.version());

    assertThatThrownBy(() -> clients.save(v1, v1.version()))
        .isInstanceOf(ClientConflict.class)
        .hasMessageContaining("changed concurrently");
    assertThat(clients.find("racer").orElseThrow().enabled()).isFalse();
  }

  @Test
  void refusesToCreateAClientTwice() {
    clients.save(withRoles("twice", "arn:aws:iam::123456789012:role/twice"), 0);

    assertThatThrownBy(
            () -> clients.save(withRoles("twice", "arn:aws:iam::123456789012:role/twice"), 0))
        .isInstanceOf(ClientConflict.class);
  }
}
