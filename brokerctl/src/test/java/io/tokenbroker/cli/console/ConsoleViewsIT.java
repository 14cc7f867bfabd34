package io.tokenbroker.cli.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenbroker.adapters.aws.ClientTimeouts;
import io.tokenbroker.adapters.dynamodb.DynamoDbIssuanceRepository;
import io.tokenbroker.adapters.wiring.BrokerAdapters;
import io.tokenbroker.auth.AuthMethod;
import io.tokenbroker.config.Env;
import io.tokenbroker.devsupport.LocalAws;
import io.tokenbroker.devsupport.MotoExtension;
import io.tokenbroker.testing.AwsFixture;
import io.tokenbroker.tokens.ExchangedFrom;
import io.tokenbroker.tokens.Issuance;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The console's issuance view shows the outside identity of a federated token. */
@ExtendWith(MotoExtension.class)
class ConsoleViewsIT {

  @Test
  @SuppressWarnings("unchecked")
  void showsWhichOutsideIdentityGotAnExchangedToken(LocalAws local) {
    AwsFixture aws = AwsFixture.provisioned(local);
    Instant iat = Instant.parse("2026-11-30T12:00:00Z");
    var outside =
        new ExchangedFrom.OutsideIdentity(
            "https://token.actions.githubusercontent.com",
            "repo:acme/deployer:ref:refs/heads/main",
            new TreeMap<>(Map.of("repository_owner_id", "1234567")),
            "a".repeat(64));
    Issuance federated =
        new Issuance(
                "jti-fed",
                "deployer",
                "deployer",
                List.of("https://deploy.example.com"),
                new TreeSet<>(List.of("deploy:write")),
                iat,
                iat.plusSeconds(300),
                "kid-1",
                Optional.empty(),
                Optional.empty(),
                AuthMethod.FEDERATED,
                outside.issuer() + " " + outside.subject(),
                "192.0.2.1",
                "test",
                "0".repeat(64),
                iat.plus(Duration.ofDays(30)))
            .exchangedFrom(
                new ExchangedFrom(Optional.of(outside), Optional.empty(), Optional.empty()));
    new DynamoDbIssuanceRepository(aws.dynamoDb, aws.tables.issuances()).record(federated);
    var views =
        new ConsoleViews(
            BrokerAdapters.from(Env.of(local.environment()), ClientTimeouts.background()),
            new ConsoleViews.Tables(
                aws.tables.clients(),
                aws.tables.keys(),
                aws.tables.issuances(),
                aws.tables.revocations()));

    Map<String, Object> row =
        ((List<Map<String, Object>>) views.issuances().get("rows")).getFirst();

    assertThat(row).containsEntry("auth_method", "FEDERATED");
    assertThat((Map<String, Object>) row.get("outside"))
        .containsEntry("issuer", "https://token.actions.githubusercontent.com")
        .containsEntry("subject", "repo:acme/deployer:ref:refs/heads/main")
        .containsEntry("claims", Map.of("repository_owner_id", "1234567"))
        .containsEntry("token_sha256", "a".repeat(64));
  }
}
