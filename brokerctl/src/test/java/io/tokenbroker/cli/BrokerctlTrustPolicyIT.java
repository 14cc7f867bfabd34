package io.tokenbroker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenbroker.adapters.dynamodb.BrokerTables;
import io.tokenbroker.devsupport.LocalAws;
import io.tokenbroker.devsupport.MotoExtension;
import io.tokenbroker.testing.AwsFixture;
import io.tokenbroker.testing.OutsideTokens;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Trust policies through brokerctl: registered and printed with the client, and tried dry. */
@ExtendWith(MotoExtension.class)
class BrokerctlTrustPolicyIT {

  private static final String AUDIENCE = "https://broker.example.com";
  private static final String POLICIES =
      """
      "trust_policies": [
        {"name": "other-repo", "issuer": "https://token.actions.githubusercontent.com",
         "audience": "https://broker.example.com", "subject": "repo:acme/other:ref:refs/heads/main"},
        {"name": "deploy-from-main", "issuer": "https://token.actions.githubusercontent.com",
         "audience": "https://broker.example.com", "subject": "repo:acme/deployer:ref:refs/heads/main",
         "claims": {"repository_owner_id": "1234567",
                    "job_workflow_ref": {"pattern": "^acme/workflows/\\\\.github/workflows/deploy\\\\.yml@refs/heads/main$"}},
         "scopes": ["deploy:write"]}
      ]\
      """;

  private static Cli cli;
  @TempDir Path dir;

  @BeforeAll
  static void setUp(LocalAws local) {
    cli = new Cli(AwsFixture.provisioned(local));
  }

  private Path registration(String policies) throws Exception {
    return Files.writeString(
        dir.resolve("deployer.json"),
        "{\"client_id\": \"deployer\", \"scopes\": [\"deploy:write\"],"
            + " \"audiences\": [\"https://deploy.example.com\"], "
            + policies
            + "}");
  }

  private Path token(Map<String, Object> claims) throws Exception {
    return Files.writeString(dir.resolve("token.jwt"), OutsideTokens.sign(claims) + "\n");
  }

  @Test
  void registersAClientWhoseOnlyWayInIsATrustPolicyAndPrintsItsPolicies() throws Exception {
    BrokerTables tables = cli.freshTables();

    assertThat(cli.on(tables, "clients", "put", registration(POLICIES).toString()).exit()).isZero();

    Map<String, Object> stored = cli.on(tables, "clients", "get", "deployer").json();
    assertThat((List<?>) stored.get("trust_policies")).hasSize(2);
    assertThat(cli.on(tables, "clients", "list").out()).contains("trust:2");
  }

  @Test
  void refusesAnUnanchoredSubjectAtRegistrationAndStoresNothing() throws Exception {
    BrokerTables tables = cli.freshTables();
    String unanchored =
        POLICIES.replace(
            "\"subject\": \"repo:acme/other:ref:refs/heads/main\"",
            "\"subject\": {\"pattern\": \"repo:acme/.*\"}");

    Cli.Run run = cli.on(tables, "clients", "put", registration(unanchored).toString());

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).contains("trust_policies[other-repo]").contains("anchored");
    assertThat(cli.on(tables, "clients", "get", "deployer").exit()).isEqualTo(1);
  }

  @Test
  void refusesAPolicyNamingTheBrokersOwnIssuer() throws Exception {
    BrokerTables tables = cli.freshTables();
    // The first policy (other-repo) names the broker itself.
    String own =
        POLICIES.replaceFirst(
            java.util.regex.Pattern.quote("https://token.actions.githubusercontent.com"),
            "https://broker.example.com");
    assertThat(own).isNotEqualTo(POLICIES);

    Cli.Run run =
        cli.on(
            tables,
            Map.of("ISSUER", "https://broker.example.com"),
            "clients",
            "put",
            registration(own).toString());

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).contains("trust_policies[other-repo]: issuer is this broker's own");
    assertThat(cli.on(tables, "clients", "get", "deployer").exit()).isEqualTo(1);
  }

  @Test
  void saysWhichPolicyAnOutsideTokenWouldMatchAndWhyTheOthersDoNot() throws Exception {
    BrokerTables tables = cli.freshTables();
    cli.on(tables, "clients", "put", registration(POLICIES).toString());
    Path token = token(OutsideTokens.githubClaims(AUDIENCE, Instant.now().minusSeconds(5)));

    Cli.Run text =
        cli.on(
            tables,
            "trust-policy",
            "test",
            "--client",
            "deployer",
            "--token-file",
            token.toString());
    Map<String, Object> json =
        cli.on(
                tables,
                "trust-policy",
                "test",
                "--client",
                "deployer",
                "--token-file",
                token.toString(),
                "--output",
                "json")
            .json();

    assertThat(text.exit()).isZero();
    assertThat(text.out())
        .contains("other-repo")
        .contains("federation_subject_mismatch")
        .contains("would match policy deploy-from-main")
        .contains("signature not checked");
    assertThat(json).containsEntry("matched_policy", "deploy-from-main");
    assertThat(json).containsEntry("signature_checked", false);
  }

  @Test
  void exitsOneWhenNoPolicyMatches() throws Exception {
    BrokerTables tables = cli.freshTables();
    cli.on(tables, "clients", "put", registration(POLICIES).toString());
    Map<String, Object> claims =
        OutsideTokens.githubClaims(AUDIENCE, Instant.now().minusSeconds(5));
    claims.put("repository_owner_id", "666");

    Cli.Run run =
        cli.on(
            tables,
            "trust-policy",
            "test",
            "--client",
            "deployer",
            "--token-file",
            token(claims).toString());

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.out()).contains("federation_claim_mismatch").contains("no policy matches");
  }

  @Test
  void saysADisabledClientIsRefusedWhateverItsPoliciesAndExitsOne() throws Exception {
    BrokerTables tables = cli.freshTables();
    cli.on(tables, "clients", "put", registration(POLICIES).toString());
    assertThat(cli.on(tables, "clients", "disable", "deployer").exit()).isZero();
    Path token = token(OutsideTokens.githubClaims(AUDIENCE, Instant.now().minusSeconds(5)));

    Cli.Run text =
        cli.on(
            tables,
            "trust-policy",
            "test",
            "--client",
            "deployer",
            "--token-file",
            token.toString());
    Cli.Run json =
        cli.on(
            tables,
            "trust-policy",
            "test",
            "--client",
            "deployer",
            "--token-file",
            token.toString(),
            "--output",
            "json");

    assertThat(text.exit()).isEqualTo(1);
    assertThat(text.out()).contains("client deployer is disabled");
    assertThat(json.exit()).isEqualTo(1);
    assertThat(io.tokenbroker.json.Json.object(json.out()))
        .containsEntry("client_enabled", false)
        .containsEntry("matched_policy", "deploy-from-main");
  }

  @Test
  void refusesATokenFileLongerThanTheEndpointReads() throws Exception {
    BrokerTables tables = cli.freshTables();
    cli.on(tables, "clients", "put", registration(POLICIES).toString());
    Path big = Files.writeString(dir.resolve("big.jwt"), "a".repeat(1 << 20));

    Cli.Run run =
        cli.on(
            tables, "trust-policy", "test", "--client", "deployer", "--token-file", big.toString());

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).contains("longer than 8192 characters");
  }

  @Test
  void refusesAnUnknownClient() throws Exception {
    BrokerTables tables = cli.freshTables();
    Path token = token(OutsideTokens.githubClaims(AUDIENCE, Instant.now()));

    Cli.Run run =
        cli.on(
            tables, "trust-policy", "test", "--client", "nobody", "--token-file", token.toString());

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).contains("no such client: nobody");
  }

  @Test
  void helpSaysTheSignatureIsNotCheckedAndWherePoliciesLive() {
    Cli.Run help = Cli.execute(Map.of(), "trust-policy", "test", "--help");
    Cli.Run put = Cli.execute(Map.of(), "clients", "put", "--help");

    assertThat(help.exit()).isZero();
    assertThat(help.out().replaceAll("\\s+", " "))
        .contains("does NOT check: the signature")
        .contains("single use")
        .contains("access_token")
        .contains("disabled client")
        .contains("--token-file");
    assertThat(put.out().replaceAll("\\s+", " ")).contains("trust_policies");
  }
}
