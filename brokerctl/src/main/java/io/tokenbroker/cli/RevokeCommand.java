package io.tokenbroker.cli;

import io.tokenbroker.adapters.dynamodb.DynamoDbIssuanceRepository;
import io.tokenbroker.adapters.dynamodb.DynamoDbRevocationRepository;
import io.tokenbroker.revocation.OperatorRevocations;
import io.tokenbroker.telemetry.Telemetry;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code brokerctl revoke token|client|key}: operator revocations, in effect within seconds. */
@Command(
    name = "revoke",
    mixinStandardHelpOptions = true,
    description =
        "Revoke a token (by jti), every token of a client issued until now, or every token a"
            + " signing key signed. Authorizers see it within their revocation bound"
            + " (REVOCATION_CACHE_SECONDS, default 5 s).",
    subcommands = {
      RevokeCommand.Token.class,
      RevokeCommand.ClientTokens.class,
      RevokeCommand.Key.class
    })
final class RevokeCommand {

  /** Records are kept until every token they cover has expired: the broker's longest lifetime. */
  private static final Duration LONGEST_TOKEN_LIFETIME = Duration.ofHours(1);

  @ParentCommand Brokerctl brokerctl;

  OperatorRevocations revocations() {
    var dynamoDb = brokerctl.dynamoDb();
    return new OperatorRevocations(
        new DynamoDbIssuanceRepository(dynamoDb, brokerctl.issuancesTable()),
        new DynamoDbRevocationRepository(dynamoDb, brokerctl.revocationsTable()),
        LONGEST_TOKEN_LIFETIME,
        Clock.systemUTC(),
        Telemetry.discard());
  }

  @Command(name = "token", description = "Revoke one access token by its jti.")
  static final class Token implements Callable<Integer> {
    @ParentCommand RevokeCommand revoke;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "JTI")
    String jti;

    @Override
    public Integer call() {
      revoke.revocations().revokeToken(jti);
      spec.commandLine().getOut().println("revoked token " + jti);
      return 0;
    }
  }

  @Command(name = "client", description = "Revoke every token of a client issued until now.")
  static final class ClientTokens implements Callable<Integer> {
    @ParentCommand RevokeCommand revoke;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "CLIENT_ID")
    String clientId;

    @Override
    public Integer call() {
      var watermark = revoke.revocations().revokeClient(clientId);
      spec.commandLine()
          .getOut()
          .println("revoked every token of " + clientId + " issued before " + watermark);
      return 0;
    }
  }

  @Command(name = "key", description = "Revoke every token a signing key (kid) signed.")
  static final class Key implements Callable<Integer> {
    @ParentCommand RevokeCommand revoke;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "KID")
    String kid;

    @Override
    public Integer call() {
      revoke.revocations().revokeKey(kid);
      spec.commandLine().getOut().println("revoked every token signed by " + kid);
      return 0;
    }
  }
}
