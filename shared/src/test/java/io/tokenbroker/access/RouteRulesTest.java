package io.tokenbroker.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenbroker.errors.ConfigException;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RouteRulesTest {

  private final RouteRules rules =
      RouteRules.parse(
          """
          {"GET /orders/*": ["orders:read"],
           "POST /orders": ["orders:write"],
           "DELETE /orders/{id}": ["orders:write", "orders:admin"],
           "* /health": []}
          """);

  @ParameterizedTest(name = "{0} {1} with [{2}] -> {3}")
  @CsvSource({
    "GET, /orders/42, orders:read, true",
    "GET, /orders/42/lines/7, orders:read, true",
    "GET, /orders, orders:read, false",
    "GET, /orders/42, orders:write, false",
    "POST, /orders, orders:write, true",
    "POST, /orders/42, orders:write, false",
    "DELETE, /orders/42, orders:write, false",
    "DELETE, /orders/42, orders:write orders:admin, true",
    "PUT, /health, '', true",
    "GET, /other, orders:read orders:write orders:admin, false"
  })
  void permitsExactlyWhatTheMapGrants(
      String method, String path, String scopes, boolean permitted) {
    Set<String> tokenScopes = scopes.isBlank() ? Set.of() : Set.of(scopes.split(" "));

    assertThat(rules.permits(tokenScopes, false, method, path)).isEqualTo(permitted);
  }

  @ParameterizedTest
  @CsvSource({
    "GET, /agent/x, false, false",
    "GET, /agent/x, true, true",
    "POST, /payments, false, true",
    "POST, /payments, true, false",
    "GET, /orders/1, true, true",
    "GET, /orders/1, false, true"
  })
  void aRuleCanRequireOrForbidDelegation(
      String method, String path, boolean delegated, boolean permitted) {
    RouteRules withDelegation =
        RouteRules.parse(
            """
            {"GET /agent/*": {"scopes": ["orders:read"], "delegation": "required"},
             "POST /payments": {"scopes": ["orders:read"], "delegation": "forbidden"},
             "GET /orders/*": {"scopes": ["orders:read"], "delegation": "allowed"}}
            """);

    assertThat(withDelegation.permits(Set.of("orders:read"), delegated, method, path))
        .isEqualTo(permitted);
    assertThat(withDelegation.permits(Set.of(), delegated, method, path)).isFalse();
    assertThat(withDelegation.grantedTo(Set.of("orders:read"), delegated))
        .extracting(r -> r.method() + " " + r.pathPattern())
        .containsExactly(
            delegated
                ? new String[] {"GET /agent/*", "GET /orders/*"}
                : new String[] {"POST /payments", "GET /orders/*"});
  }

  @Test
  void grantsTheRulesWhoseScopesATokenHolds() {
    assertThat(rules.grantedTo(Set.of("orders:read"), false))
        .extracting(r -> r.method() + " " + r.pathPattern())
        .containsExactly("GET /orders/*", "* /health");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "not json",
        "[]",
        "{}",
        "{\"GET orders\": []}",
        "{\"FETCH /orders\": []}",
        "{\"GET /orders?x=1\": []}",
        "{\"GET /orders\": \"orders:read\"}",
        "{\"GET /orders\": [\"bad scope\"]}",
        "{\"GET  /orders\": []}",
        "",
        "null",
        "{\"GET /orders\": null}",
        "{\"GET /orders\": [\"orders:read\", 1]}",
        "{\"GET /orders\": [[\"orders:read\"]]}",
        "{\"GET /orders\": {\"scopes\": [\"orders:read\"], \"delegation\": \"sometimes\"}}",
        "{\"GET /orders\": {\"scopes\": [\"orders:read\"], \"delegation\": true}}",
        "{\"GET /orders\": {\"scopes\": [\"orders:read\"], \"actors\": [\"a\"]}}",
        "{\"GET /orders\": {\"delegation\": \"required\"}}",
        "{\"GET /orders\": {\"scopes\": \"orders:read\"}}",
        "{\"GET /orders\": {\"scopes\": [\"orders:read\"], \"scopes\": []}}",
        "{\"GET /orders\": [\"orders:read\"], \"GET /orders\": [\"orders:write\"]}",
        "{\"GET /orders\": [\"orders:read\"]} {}",
        "{\"GET /orders\": [\"orders:read\"],}",
        "{'GET /orders': ['orders:read']}"
      })
  void refusesAMalformedMapWithAMessage(String json) {
    // Read strictly, as Json.object read it: no duplicate, no trailing content, no single quotes.
    assertThatThrownBy(() -> RouteRules.parse(json))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("ROUTE_SCOPES");
  }

  @Test
  void keepsTheRoutesInTheirOrderWithEscapesAndWhitespaceRead() {
    RouteRules parsed =
        RouteRules.parse(
            "\uFEFF { \"GET /b/*\" : [ \"b:read\" ] ,\n"
                + "\t\"POST /a\": [\"a:wr\\u0069te\", \"x\"] } ");

    assertThat(parsed.rules())
        .extracting(r -> r.method() + " " + r.pathPattern() + " " + r.scopes())
        .containsExactly("GET /b/* [b:read]", "POST /a [a:write, x]");
  }
}
