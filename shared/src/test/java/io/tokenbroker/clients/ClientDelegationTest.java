package io.tokenbroker.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenbroker.testing.Clients;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** may_act and max_delegation_depth in the registration: read, validated, written back. */
class ClientDelegationTest {

  private static Map<String, Object> json() {
    Map<String, Object> json = Clients.json("user");
    json.put("iam_roles", List.of("arn:aws:iam::123456789012:role/user"));
    return json;
  }

  @Test
  void readsAndWritesTheDelegationFields() {
    Map<String, Object> json = json();
    json.put("may_act", List.of("agent-2", "agent-1"));
    json.put("max_delegation_depth", 3);

    Client client = Clients.parse(json);

    assertThat(client.delegation().mayAct()).containsExactly("agent-1", "agent-2");
    assertThat(client.delegation().maxDepth()).isEqualTo(3);
    assertThat(client.delegation().allowsActor("agent-1")).isTrue();
    assertThat(client.delegation().allowsActor("agent-3")).isFalse();
    Map<String, Object> written = ClientJson.toJson(client);
    assertThat(written)
        .containsEntry("may_act", List.of("agent-1", "agent-2"))
        .containsEntry("max_delegation_depth", 3);
    assertThat(ClientJson.parse(ClientJson.toJsonString(client))).isEqualTo(client);
  }

  @Test
  void aClientWithoutDelegationIsWrittenWithoutItsMembers() {
    Client client = Clients.parse(json());

    assertThat(client.delegation()).isEqualTo(ClientDelegation.NONE);
    // Rollback safety: a release from before delegation reads this record.
    assertThat(ClientJson.toJson(client)).doesNotContainKeys("may_act", "max_delegation_depth");

    Map<String, Object> depthOnly = json();
    depthOnly.put("max_delegation_depth", 2);
    assertThat(ClientJson.toJson(Clients.parse(depthOnly)))
        .containsEntry("max_delegation_depth", 2)
        .doesNotContainKey("may_act");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "6 | | max_delegation_depth: 0 to 5",
        "-1 | | max_delegation_depth: 0 to 5",
        "0 | agent-1 | may_act needs max_delegation_depth of at least 1",
        " | agent-1 | may_act needs max_delegation_depth of at least 1",
        "1 | -agent | may_act: not a client_id: -agent",
        "1 | user | may_act: a client does not act for itself",
        "1 | agent-1,agent-1 | may_act: duplicate entries"
      })
  void refusesAMalformedDelegationPolicy(String depth, String mayAct, String message) {
    Map<String, Object> json = json();
    if (depth != null) {
      json.put("max_delegation_depth", Integer.parseInt(depth));
    }
    if (mayAct != null) {
      json.put("may_act", List.of(mayAct.split(",")));
    }

    assertThatThrownBy(() -> Clients.parse(json))
        .isInstanceOf(InvalidClientPolicy.class)
        .hasMessageContaining(message);
  }

  @Test
  void refusesMayActThatIsNotAListOfStrings() {
    Map<String, Object> json = json();
    json.put("max_delegation_depth", 1);
    json.put("may_act", "agent-1");

    assertThatThrownBy(() -> Clients.parse(json)).isInstanceOf(InvalidClientPolicy.class);
  }
}
