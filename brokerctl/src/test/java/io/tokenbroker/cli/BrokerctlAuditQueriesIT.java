package io.tokenbroker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenbroker.adapters.dynamodb.BrokerTables;
import io.tokenbroker.adapters.dynamodb.DynamoDbIssuanceRepository;
import io.tokenbroker.auth.AuthMethod;
import io.tokenbroker.devsupport.LocalAws;
import io.tokenbroker.devsupport.MotoExtension;
import io.tokenbroker.testing.AwsFixture;
import io.tokenbroker.tokens.Issuance;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The incident questions `brokerctl audit` answers over the real tables (moto): what did this token
 * or client do and from where, which tokens did this key sign, who revoked what and when.
 */
@ExtendWith(MotoExtension.class)
class BrokerctlAuditQueriesIT {

  private static final Instant T0 = Instant.parse("2026-11-30T08:00:00Z");

  private static AwsFixture aws;
  private static Cli cli;

  @BeforeAll
  static void setUp(LocalAws local) {
    aws = AwsFixture.provisioned(local);
    cli = new Cli(aws);
  }

  /** A record as the token function writes it (the same adapter). */
  private static Issuance issued(String jti, String client, String kid, int minutes, String ip) {
    Instant iat = T0.plusSeconds(60L * minutes);
    return new Issuance(
        jti,
        client,
        client,
        List.of("https://api.example.com"),
        new TreeSet<>(List.of("orders:read")),
        iat,
        iat.plusSeconds(300),
        kid,
        Optional.empty(),
        Optional.empty(),
        AuthMethod.AWS_IAM,
        "arn:aws:iam::123456789012:role/" + client,
        ip,
        "ci-runner/1.0",
        "ab".repeat(32),
        iat.plusSeconds(86400));
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> list(Cli.Run run, String member) throws Exception {
    return (List<Map<String, Object>>) (List<?>) run.json().get(member);
  }

  private static List<Object> jtis(Cli.Run run) throws Exception {
    return list(run, "issuances").stream().map(i -> i.get("jti")).toList();
  }

  @Test
  void listsTheTokensOfAClientOrAKeyNewestFirstAndOneTokenByItsJti() throws Exception {
    BrokerTables tables = cli.freshTables();
    DynamoDbIssuanceRepository records =
        new DynamoDbIssuanceRepository(aws.dynamoDb, tables.issuances());
    records.record(issued("jti-1", "billing", "kid-a", 0, "203.0.113.1"));
    records.record(issued("jti-2", "billing", "kid-b", 10, "203.0.113.2"));
    records.record(issued("jti-3", "orders", "kid-a", 20, "198.51.100.3"));
    records.record(issued("jti-4", "billing", "kid-a", 30, "203.0.113.4"));

    assertThat(jtis(cli.on(tables, "audit", "--client", "billing", "--output", "json")))
        .containsExactly("jti-4", "jti-2", "jti-1");
    assertThat(jtis(cli.on(tables, "audit", "--kid", "kid-a", "--output", "json")))
        .containsExactly("jti-4", "jti-3", "jti-1");
    assertThat(
            jtis(
                cli.on(
                    tables,
                    "audit",
                    "--kid",
                    "kid-a",
                    "--since",
                    T0.plusSeconds(1200).toString(),
                    "--output",
                    "json")))
        .containsExactly("jti-4", "jti-3");
    assertThat(
            jtis(
                cli.on(tables, "audit", "--client", "billing", "--limit", "1", "--output", "json")))
        .containsExactly("jti-4");

    List<Map<String, Object>> one =
        list(cli.on(tables, "audit", "--jti", "jti-3", "--output", "json"), "issuances");
    assertThat(one).hasSize(1);
    assertThat(one.getFirst())
        .containsEntry("client_id", "orders")
        .containsEntry("kid", "kid-a")
        .containsEntry("source_ip", "198.51.100.3")
        .containsEntry("user_agent", "ci-runner/1.0")
        .containsEntry("iat", T0.plusSeconds(1200).toString())
        .containsEntry("auth_method", "AWS_IAM")
        .doesNotContainKey("token_sha256");

    Cli.Run text = cli.on(tables, "audit", "--client", "billing");
    assertThat(text.exit()).isZero();
    assertThat(text.out().lines().toList().getFirst()).startsWith("ISSUED").contains("SOURCE IP");
    assertThat(text.out()).contains("203.0.113.4").doesNotContain("198.51.100.3");
    Cli.assertAligned(text.out(), 4);
  }

  @Test
  void saysSoWhenNoRecordHoldsTheJtiAndRefusesMixedQueries() throws Exception {
    BrokerTables tables = cli.freshTables();

    Cli.Run unknown = cli.on(tables, "audit", "--jti", "never-issued");
    assertThat(unknown.exit()).isEqualTo(1);
    assertThat(unknown.err()).contains("no issuance record for jti never-issued");

    assertThat(cli.on(tables, "audit", "--jti", "a", "--kid", "b").exit()).isEqualTo(2);
    assertThat(cli.on(tables, "audit", "--client", "a", "--action", "revoke").exit()).isEqualTo(2);
  }

  @Test
  void answersWhoRevokedWhatAndWhenFromTheTrail() throws Exception {
    BrokerTables tables = cli.freshTables();
    assertThat(cli.on(tables, "revoke", "token", "--force", "jti-x").exit()).isZero();
    assertThat(cli.on(tables, "revoke", "client", "ghost").exit()).isEqualTo(1);
    assertThat(cli.on(tables, "keys", "rotate").exit()).isZero();
    assertThat(cli.on(tables, "revoke", "token", "--force", "jti-y").exit()).isZero();

    assertThat(
            list(cli.on(tables, "audit", "--action", "revoke", "--output", "json"), "entries")
                .stream()
                .map(e -> e.get("action") + " " + e.get("target") + " " + e.get("outcome"))
                .toList())
        .containsExactly(
            "revoke token jti-y done",
            "revoke token jti-y intent",
            "revoke client ghost refused",
            "revoke client ghost intent",
            "revoke token jti-x done",
            "revoke token jti-x intent");
    assertThat(
            list(cli.on(tables, "audit", "--target", "jti-x", "--output", "json"), "entries")
                .stream()
                .map(e -> e.get("outcome"))
                .toList())
        .containsExactly("done", "intent");
    assertThat(
            list(
                cli.on(tables, "audit", "--actor", "no-such-operator", "--output", "json"),
                "entries"))
        .isEmpty();
    assertThat(
            list(
                cli.on(tables, "audit", "--action", "revoke", "--limit", "1", "--output", "json"),
                "entries"))
        .hasSize(1);
  }
}
