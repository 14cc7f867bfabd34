package io.tokenbroker.cli;

import io.tokenbroker.adapters.aws.AwsClients;
import io.tokenbroker.adapters.aws.AwsSettings;
import io.tokenbroker.adapters.aws.ClientTimeouts;
import io.tokenbroker.clients.ClientConflict;
import io.tokenbroker.clients.InvalidClientPolicy;
import io.tokenbroker.config.ConfigException;
import io.tokenbroker.config.Env;
import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.errors.ServiceFailure;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The operator CLI. Talks to the broker's tables directly, with the operator's AWS credentials. */
@Command(
    name = "brokerctl",
    mixinStandardHelpOptions = true,
    version = "brokerctl 0.1.0",
    description = "Operate a token-broker deployment: clients, client keys, client assertions.",
    subcommands = {
      ClientsCommand.class,
      RevokeCommand.class,
      KeysCommand.class,
      KeygenCommand.class,
      AssertionCommand.class
    })
public final class Brokerctl {

  @Option(
      names = "--endpoint-url",
      description =
          "AWS-compatible endpoint (moto, LocalStack). Default: AWS_ENDPOINT_URL, else AWS.")
  URI endpoint;

  @Option(names = "--region", description = "AWS region. Default: AWS_REGION, else us-east-1.")
  String region;

  @Option(
      names = "--table-prefix",
      description = "Name prefix of the broker's tables (the local server's: token-broker-local-).")
  String tablePrefix;

  @Option(
      names = "--clients-table",
      description = "The clients table (stack output ClientsTableName). Default: CLIENTS_TABLE.")
  String clientsTable;

  @Option(
      names = "--issuances-table",
      description =
          "The issuances table (stack output IssuancesTableName). Default: ISSUANCES_TABLE.")
  String issuancesTable;

  @Option(
      names = "--revocations-table",
      description =
          "The revocations table (stack output RevocationsTableName). Default: REVOCATIONS_TABLE.")
  String revocationsTable;

  @Option(
      names = "--keys-table",
      description = "The key table (stack output KeysTableName). Default: KEYS_TABLE.")
  String keysTable;

  @Option(
      names = "--deployment",
      description =
          "Value of the token-broker tag on the broker's KMS keys: the stack name. Default:"
              + " BROKER_NAME, else token-broker.")
  String deployment;

  private final Map<String, String> environment;

  public Brokerctl() {
    this(System.getenv());
  }

  public Brokerctl(Map<String, String> environment) {
    this.environment = environment;
  }

  public static void main(String[] args) {
    System.exit(commandLine(new Brokerctl()).execute(args));
  }

  /** The command line with brokerctl's error handling: a one-line message and exit code 1. */
  public static CommandLine commandLine(Brokerctl brokerctl) {
    CommandLine commandLine = new CommandLine(brokerctl);
    commandLine.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          PrintWriter err = cmd.getErr();
          if (e instanceof ServiceFailure failure) {
            err.println(
                "brokerctl: "
                    + failure.getMessage()
                    + (failure.retryable() ? " (temporary; try again)" : ""));
          } else if (e instanceof RequestRejected rejected) {
            err.println("brokerctl: " + rejected.description());
          } else if (e instanceof InvalidClientPolicy
              || e instanceof ClientConflict
              || e instanceof ConfigException
              || e instanceof IllegalArgumentException
              || e instanceof IOException) {
            err.println("brokerctl: " + e.getMessage());
          } else {
            err.println("brokerctl: " + e);
          }
          return 1;
        });
    // Key ids and jtis are base64url and may start with '-': there an argument is an identifier,
    // not an unknown option (an operator compromising such a key must not be told it is a typo).
    for (String[] path :
        List.of(
            new String[] {"keys", "compromise"},
            new String[] {"revoke", "token"},
            new String[] {"revoke", "client"},
            new String[] {"revoke", "key"})) {
      commandLine
          .getSubcommands()
          .get(path[0])
          .getSubcommands()
          .get(path[1])
          .setUnmatchedOptionsArePositionalParams(true);
    }
    return commandLine;
  }

  /** The environment the AWS clients see: the process's, with the options laid over it. */
  Env env() {
    Map<String, String> overrides = new HashMap<>();
    overrides.put(
        "AWS_REGION",
        Optional.ofNullable(region).orElse(environment.getOrDefault("AWS_REGION", "us-east-1")));
    if (endpoint != null) {
      overrides.put("AWS_ENDPOINT_URL", endpoint.toString());
    }
    Env env = Env.of(environment).with(overrides);
    if (env.optional("AWS_ENDPOINT_URL").isPresent()
        && env.optional("AWS_ACCESS_KEY_ID").isEmpty()) {
      // Local endpoints accept any credentials; do not go looking for real ones.
      env = env.with(Map.of("AWS_ACCESS_KEY_ID", "test", "AWS_SECRET_ACCESS_KEY", "test"));
    }
    return env;
  }

  DynamoDbClient dynamoDb() {
    return AwsClients.dynamoDb(AwsSettings.from(env(), ClientTimeouts.background()));
  }

  String clientsTable() {
    return table(clientsTable, "clients", "CLIENTS_TABLE", "--clients-table");
  }

  String issuancesTable() {
    return table(issuancesTable, "issuances", "ISSUANCES_TABLE", "--issuances-table");
  }

  String keysTable() {
    return table(keysTable, "keys", "KEYS_TABLE", "--keys-table");
  }

  String deployment() {
    return Optional.ofNullable(deployment)
        .orElse(environment.getOrDefault("BROKER_NAME", "token-broker"));
  }

  String revocationsTable() {
    return table(revocationsTable, "revocations", "REVOCATIONS_TABLE", "--revocations-table");
  }

  private String table(String explicit, String suffix, String variable, String option) {
    if (explicit != null) {
      return explicit;
    }
    if (tablePrefix != null) {
      return tablePrefix + suffix;
    }
    return Optional.ofNullable(environment.get(variable))
        .filter(v -> !v.isBlank())
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "which table? give " + option + ", --table-prefix, or set " + variable));
  }
}
