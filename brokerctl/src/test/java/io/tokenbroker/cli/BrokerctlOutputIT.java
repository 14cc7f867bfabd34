package io.tokenbroker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenbroker.adapters.dynamodb.BrokerTables;
import io.tokenbroker.devsupport.LocalAws;
import io.tokenbroker.devsupport.MotoExtension;
import io.tokenbroker.testing.AwsFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Read commands: {@code --output json} in its documented shape, and aligned text tables. */
@ExtendWith(MotoExtension.class)
class BrokerctlOutputIT {

  private static Cli cli;
  @TempDir Path dir;

  @BeforeAll
  static void setUp(LocalAws local) {
    cli = new Cli(AwsFixture.provisioned(local));
  }

  private Path client(String id, String scopes) throws Exception {
    return Files.writeString(
        dir.resolve(id.substring(0, Math.min(id.length(), 40)) + ".json"),
        "{\"client_id\":\""
            + id
            + "\",\"scopes\":["
            + scopes
            + "],\"audiences\":[\"https://a\"],\"iam_roles\":"
            + "[\"arn:aws:iam::123456789012:role/r"
            + id.length()
            + "\"]}");
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> list(Map<String, Object> json, String member) {
    return (List<Map<String, Object>>) (List<?>) json.get(member);
  }

  @Test
  void listsClientsAsJsonAndAsATableThatLinesUpWithLongIds() throws Exception {
    BrokerTables tables = cli.freshTables();
    String longId = "c" + "x".repeat(127); // the longest id a client may have
    assertThat(cli.on(tables, "clients", "put", client(longId, "\"a:read\"").toString()).exit())
        .isZero();
    assertThat(
            cli.on(tables, "clients", "put", client("b", "\"b:read\",\"b:write\"").toString())
                .exit())
        .isZero();
    assertThat(cli.on(tables, "clients", "disable", "b").exit()).isZero();

    List<Map<String, Object>> clients =
        list(cli.on(tables, "clients", "list", "--output", "json").json(), "clients");

    assertThat(clients).hasSize(2);
    Map<String, Object> b =
        clients.stream().filter(c -> c.get("client_id").equals("b")).findFirst().orElseThrow();
    assertThat(b.keySet())
        .containsExactly(
            "client_id",
            "enabled",
            "iam_roles",
            "jwks_keys",
            "trust_policies",
            "scopes",
            "audiences",
            "version");
    assertThat(b)
        .containsEntry("enabled", false)
        .containsEntry("scopes", List.of("b:read", "b:write"))
        .containsEntry("audiences", List.of("https://a"));
    assertThat(((Number) b.get("iam_roles")).intValue()).isEqualTo(1);
    assertThat(((Number) b.get("jwks_keys")).intValue()).isZero();
    assertThat(((Number) b.get("version")).intValue()).isEqualTo(2);

    String table = cli.on(tables, "clients", "list").out();
    Cli.assertAligned(table, 3);
    assertThat(table)
        .contains(longId + "  enabled")
        .containsPattern("(?m)^b +disabled +iam:1 +b:read b:write$");

    Map<String, Object> registration = cli.on(tables, "clients", "get", "-o", "json", "b").json();
    assertThat(registration).containsEntry("client_id", "b").containsEntry("enabled", false);
  }

  /** RFC 8705's client metadata goes in and out as written, and the table says how it enters. */
  @Test
  void registersAndListsAClientThatAuthenticatesByCertificate() throws Exception {
    BrokerTables tables = cli.freshTables();
    Path file =
        Files.writeString(
            dir.resolve("mtls.json"),
            """
            {"client_id": "mtls", "scopes": ["a:read"], "audiences": ["https://a"],
             "tls_client_auth_san_uri": "spiffe://example.com/mtls",
             "tls_client_certificate_bound_access_tokens": true}
            """);
    assertThat(cli.on(tables, "clients", "put", file.toString()).exit()).isZero();

    assertThat(cli.on(tables, "clients", "list").out())
        .containsPattern("(?m)^mtls +enabled +tls:san_uri,cert-bound +a:read$");
    assertThat(cli.on(tables, "clients", "get", "-o", "json", "mtls").json())
        .containsEntry("tls_client_auth_san_uri", "spiffe://example.com/mtls")
        .containsEntry("tls_client_certificate_bound_access_tokens", true)
        .doesNotContainKey("self_signed_tls_client_auth"); // a default is not written
  }

  @Test
  void listsKeysAsJsonAndAsATableThatLinesUp() throws Exception {
    BrokerTables tables = cli.freshTables();
    assertThat(cli.on(tables, "keys", "rotate").exit()).isZero();
    assertThat(cli.on(tables, "keys", "rotate", "--force").exit()).isZero();

    List<Map<String, Object>> keys =
        list(cli.on(tables, "keys", "list", "-o", "json").json(), "keys");

    assertThat(keys).extracting(k -> k.get("state")).containsExactly("ACTIVE", "PENDING");
    assertThat(keys.getFirst().keySet())
        .containsExactly(
            "kid", "state", "alg", "created_at", "activated_at", "retired_at", "withdrawn_at");
    assertThat(keys.getFirst().get("activated_at")).isNotNull();
    assertThat(keys.getLast()).containsEntry("activated_at", null);
    assertThat(keys.toString()).doesNotContain("arn:");

    String table = cli.on(tables, "keys", "list").out();
    Cli.assertAligned(table, 3);
    assertThat(table.lines().skip(1))
        .allSatisfy(
            line ->
                assertThat(keys.stream().map(k -> (String) k.get("kid")))
                    .anyMatch(line::startsWith));
  }

  /** Every read command answers --output json with one JSON object, even when there is nothing. */
  @Test
  void answersEveryReadCommandWithOneJsonObject() throws Exception {
    BrokerTables tables = cli.freshTables();

    assertThat(list(cli.on(tables, "clients", "list", "-o", "json").json(), "clients")).isEmpty();
    assertThat(list(cli.on(tables, "keys", "list", "-o", "json").json(), "keys")).isEmpty();
    assertThat(list(cli.on(tables, "audit", "-o", "json").json(), "entries")).isEmpty();
    assertThat(cli.on(tables, "clients", "list").out()).isEqualTo("CLIENT_ID  STATE  AUTH  SCOPES");
  }
}
