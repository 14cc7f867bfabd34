package io.tokenbroker.cli;

import io.tokenbroker.adapters.aws.AwsSettings;
import io.tokenbroker.adapters.aws.ClientTimeouts;
import io.tokenbroker.adapters.wiring.BrokerAdapters;
import io.tokenbroker.clients.ClientConflict;
import io.tokenbroker.clients.InvalidClientPolicy;
import io.tokenbroker.config.Env;
import io.tokenbroker.errors.ConfigException;
import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.errors.ServiceFailure;
import io.tokenbroker.operator.AuditEntry;
import io.tokenbroker.operator.AuditTrail;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The operator CLI. Talks to the broker's tables directly, with the operator's AWS credentials.
 * Every command and subcommand inherits --help/-h and the exit-code footer (scope INHERIT).
 */
@Command(
    name = "brokerctl",
    scope = ScopeType.INHERIT,
    mixinStandardHelpOptions = true,
    version = "brokerctl 0.1.0",
    description =
        "Operate a token-broker deployment: clients, client keys, client assertions, DPoP"
            + " proofs.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:done",
      "1:failed, or refused (the message says why and what was not done)",
      "2:usage error (unknown option, missing or malformed argument); nothing was done"
    },
    subcommands = {
      ClientsCommand.class,
      RevokeCommand.class,
      ReportLeakCommand.class,
      KeysCommand.class,
      KeygenCommand.class,
      AssertionCommand.class,
      DPoPProofCommand.class,
      AuditCommand.class,
      ConsoleCommand.class,
      TrustPolicyCommand.class,
      HoneytokenCommand.class,
      ContainmentCommand.class
    })
public final class Brokerctl {

  @Option(
      names = "--endpoint-url",
      description =
          "AWS-compatible endpoint (moto, LocalStack). Default: AWS_ENDPOINT_URL, else AWS.")
  URI endpoint;

  @Option(
      names = "--region",
      description =
          "AWS region. Default: AWS_REGION, else AWS_DEFAULT_REGION, else the profile's region in"
              + " the AWS config file; with --endpoint-url and none of these, us-east-1.")
  String region;

  @Option(
      names = "--profile",
      description =
          "AWS profile (config and credentials files) for credentials and region. Default:"
              + " AWS_PROFILE, else default. Wins over keys in the environment.")
  String profile;

  @Spec CommandSpec spec;

  @Option(
      names = "--stack-name",
      paramLabel = "NAME",
      description =
          "The broker's CloudFormation stack: every table comes from its outputs (DescribeStacks)"
              + " and --deployment defaults to NAME. A table option still wins.")
  String stackName;

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
      names = "--audit-table",
      description =
          "The operators' audit trail (stack output AuditTableName). Every action is recorded"
              + " there first. Default: AUDIT_TABLE.")
  String auditTable;

  @Option(
      names = "--detector-table",
      description =
          "The anomaly detector's table (stack output DetectorTableName): its containments."
              + " Default: DETECTOR_TABLE.")
  String detectorTable;

  @Option(
      names = "--deployment",
      description =
          "Value of the token-broker tag on the broker's KMS keys: the stack name. Default:"
              + " --stack-name, else BROKER_NAME, else token-broker.")
  String deployment;

  /** The process environment the AWS clients and table defaults come from. */
  final Map<String, String> environment;

  /** The audit entries' clock; checked against AWS's before the first entry is written. */
  Clock clock = Clock.systemUTC();

  private String actor;
  private Map<String, String> stackOutputs;

  public Brokerctl() {
    this(System.getenv());
  }

  public Brokerctl(Map<String, String> environment) {
    this.environment = environment;
  }

  public static void main(String[] args) {
    System.exit(commandLine(new Brokerctl()).execute(args));
  }

  /**
   * The command line with brokerctl's error handling: a usage error exits 2 with the message and
   * the command's usage; a failure exits 1 with a one-line message.
   */
  public static CommandLine commandLine(Brokerctl brokerctl) {
    CommandLine commandLine = new CommandLine(brokerctl);
    // picocli would replace an argument "@path" by that file's contents, even after "--": an
    // identifier is never a file to read (its contents would be echoed and audited).
    commandLine.setExpandAtFiles(false);
    // Nor would "-hX..." (a kid may begin with '-h' or '-V') be read as -h and print help: an
    // identifier that begins with '-' is refused unless it follows "--".
    commandLine.setPosixClusteredShortOptionsAllowed(false);
    commandLine.setExecutionStrategy(Brokerctl::execute);
    commandLine.setParameterExceptionHandler(Brokerctl::usageError);
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
              || e instanceof IllegalStateException
              || e instanceof IOException) {
            err.println("brokerctl: " + e.getMessage());
          } else {
            err.println("brokerctl: " + e);
          }
          return 1;
        });
    identifiersFollowDashDash(commandLine);
    return commandLine;
  }

  /**
   * Key ids and jtis are base64url and may begin with '-'. In every command that takes one, such a
   * word reaches the positional parameter (rather than failing as "unknown option" before any
   * hint), execute() then insists that it came after '--', and the usage shows {@code [--]}.
   */
  private static void identifiersFollowDashDash(CommandLine command) {
    if (!command.getCommandSpec().positionalParameters().isEmpty()) {
      command.setUnmatchedOptionsArePositionalParams(true);
      command.getCommandSpec().usageMessage().showEndOfOptionsDelimiterInUsageHelp(true);
    }
    command.getSubcommands().values().forEach(Brokerctl::identifiersFollowDashDash);
  }

  /**
   * Help first (--help/-h anywhere wins: nothing runs); then no argument that begins with '-' may
   * be taken as an identifier unless it follows '--'; then the command.
   */
  private static int execute(ParseResult parseResult) {
    Integer help = CommandLine.executeHelpRequest(parseResult);
    if (help != null) {
      return help;
    }
    for (ParseResult command = parseResult; command != null; command = command.subcommand()) {
      requireDashDashBeforeDashedArguments(command);
      if (command.subcommand() == null && !command.commandSpec().subcommands().isEmpty()) {
        throw new ParameterException(command.commandSpec().commandLine(), "Missing subcommand");
      }
    }
    return new CommandLine.RunLast().execute(parseResult);
  }

  private static void requireDashDashBeforeDashedArguments(ParseResult command) {
    dashedWithoutDashDash(command)
        .ifPresent(
            value -> {
              throw new ParameterException(
                  command.commandSpec().commandLine(), dashDashHint(command, value));
            });
  }

  /** A positional argument that begins with '-' and does not follow '--', if there is one. */
  private static Optional<String> dashedWithoutDashDash(ParseResult command) {
    List<String> args = command.expandedArgs();
    int endOfOptions = args.indexOf("--");
    List<String> afterEndOfOptions =
        endOfOptions < 0 ? List.of() : args.subList(endOfOptions + 1, args.size());
    return command.matchedPositionals().stream()
        .flatMap(positional -> positional.originalStringValues().stream())
        .filter(value -> value.startsWith("-") && !afterEndOfOptions.contains(value))
        .findFirst();
  }

  private static String dashDashHint(ParseResult command, String value) {
    List<String> suggestion = new ArrayList<>();
    suggestion.add(command.commandSpec().qualifiedName());
    command.expandedArgs().stream()
        .filter(a -> !a.equals(value) && !a.equals("--"))
        .forEach(suggestion::add);
    suggestion.addAll(List.of("--", value));
    return "Unknown option: '%s'. An identifier that begins with '-' must follow '--': %s"
        .formatted(value, String.join(" ", suggestion));
  }

  /**
   * A usage error: what is wrong, the synopsis, where to read more; exit 2. When the parse failed
   * on a later word, a word that began with '-' may have been taken for the identifier ({@code
   * revoke key --forc KID}), or an option may follow '--' ({@code revoke key -- -KID --force}): say
   * so rather than picocli's "unmatched argument".
   */
  private static int usageError(ParameterException e, String[] args) {
    CommandLine command = e.getCommandLine();
    PrintWriter err = command.getErr();
    String message = e.getMessage();
    boolean suggest = true;
    if (e instanceof CommandLine.MissingParameterException
        && !List.of(args).contains("--")
        && List.of(args).stream().anyMatch(Brokerctl::looksLikeAShortOptionCluster)) {
      // "-hX..." is no option (clusters are off) and no identifier (it begins with '-').
      message =
          "Unknown option: '%s' (an identifier that begins with '-' must follow '--')"
              .formatted(
                  List.of(args).stream()
                      .filter(Brokerctl::looksLikeAShortOptionCluster)
                      .findFirst()
                      .orElseThrow());
      suggest = false;
    } else if (e instanceof UnmatchedArgumentException unmatched
        && command.getParseResult() != null) {
      ParseResult parsed = command.getParseResult();
      List<String> words = parsed.expandedArgs();
      int endOfOptions = words.indexOf("--");
      if (endOfOptions >= 0
          && words.subList(endOfOptions + 1, words.size()).containsAll(unmatched.getUnmatched())) {
        message =
            "Only the identifier may follow '--' (whatever it looks like); put options before"
                + " '--'";
        suggest = false;
      } else {
        Optional<String> dashed = dashedWithoutDashDash(parsed);
        if (dashed.isPresent()) {
          message =
              "Unknown option: '%s' (an identifier that begins with '-' must follow '--')"
                  .formatted(dashed.get());
          suggest = false;
        }
      }
    }
    err.println("brokerctl: " + message);
    if (suggest) {
      UnmatchedArgumentException.printSuggestions(e, err);
    }
    err.print("Usage: " + command.getHelp().synopsis(0));
    err.printf("Try '%s --help' for more.%n", command.getCommandSpec().qualifiedName());
    return command.getCommandSpec().exitCodeOnInvalidInput();
  }

  private static boolean looksLikeAShortOptionCluster(String word) {
    return word.length() > 2 && word.charAt(0) == '-' && word.charAt(1) != '-';
  }

  /** The environment the AWS clients see: the process's, with the options laid over it. */
  Env env() {
    Map<String, String> base = new HashMap<>(environment);
    Optional<String> chosenProfile = AwsLocation.profile(profile, environment);
    if (profile != null) {
      // An explicit profile wins over keys in the environment, as with the AWS CLI.
      List.of("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")
          .forEach(base::remove);
    }
    chosenProfile.ifPresent(p -> base.put("AWS_PROFILE", p));
    if (endpoint != null) {
      base.put("AWS_ENDPOINT_URL", endpoint.toString());
    }
    Env env = Env.of(base);
    boolean local = AwsSettings.endpoint(env).isPresent();
    Optional<String> resolved;
    try {
      resolved = AwsLocation.region(region, chosenProfile, environment);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(
          spec.commandLine(), e.getMessage() + " (--profile, AWS_PROFILE)");
    }
    String chosenRegion =
        resolved
            // Local endpoints (moto, LocalStack) serve any region name.
            .or(() -> local ? Optional.of("us-east-1") : Optional.empty())
            .orElseThrow(
                () ->
                    new ParameterException(
                        spec.commandLine(),
                        "no AWS region: give --region, set AWS_REGION or AWS_DEFAULT_REGION, or"
                            + " set region in profile "
                            + chosenProfile.orElse("default")
                            + " of "
                            + AwsLocation.configFile(environment)));
    env = env.with(Map.of("AWS_REGION", chosenRegion));
    if (local && AwsSettings.accessKeyId(env).isEmpty()) {
      // Local endpoints accept any credentials; do not go looking for real ones.
      env = env.with(Map.of("AWS_ACCESS_KEY_ID", "test", "AWS_SECRET_ACCESS_KEY", "test"));
    }
    return env;
  }

  /**
   * The broker's settings as brokerctl's environment states them (unset: the template's defaults),
   * for warnings about what the broker will refuse or cap.
   */
  Env brokerSettings() {
    return Env.of(environment);
  }

  /** One line on stderr that does not change the outcome: the broker will refuse or cap this. */
  static void warn(CommandSpec spec, String warning) {
    spec.commandLine().getErr().println("brokerctl: warning: " + warning);
  }

  /**
   * A broker limit from brokerctl's environment, read before the command acts: a value the broker
   * would refuse at start is a usage error here, rather than an exit 1 after the action was done.
   */
  static <T> T brokerLimit(CommandSpec spec, Supplier<T> read) {
    try {
      return read.get();
    } catch (ConfigException e) {
      throw new ParameterException(
          spec.commandLine(), e.getMessage() + " (brokerctl's environment; nothing was done)");
    }
  }

  /** The AWS adapters the broker's functions use, with the timeouts of background work. */
  BrokerAdapters adapters() {
    return BrokerAdapters.from(env(), ClientTimeouts.background());
  }

  /**
   * Runs an operator action with its audit entries: the intent (under the caller's ARN, from STS)
   * before {@code act} changes anything, the outcome after. If the audit table is not named, the
   * caller cannot be identified, or the intent cannot be written, nothing is done.
   */
  <T> T audited(
      String action, String target, Supplier<T> act, Function<? super T, String> describe) {
    String table = auditTable();
    return new AuditTrail(adapters().operatorAudit(table, clock), AuditEntry.BROKERCTL, clock)
        .perform(actor(), action, target, act, describe);
  }

  /** The operator's ARN, asked of STS once per run. */
  private String actor() {
    if (actor == null) {
      actor = CallerIdentity.arn(AwsSettings.from(env(), ClientTimeouts.background()), clock);
    }
    return actor;
  }

  String clientsTable() {
    return table(clientsTable, "clients", "ClientsTableName", "CLIENTS_TABLE", "--clients-table");
  }

  String issuancesTable() {
    return table(
        issuancesTable, "issuances", "IssuancesTableName", "ISSUANCES_TABLE", "--issuances-table");
  }

  String keysTable() {
    return table(keysTable, "keys", "KeysTableName", "KEYS_TABLE", "--keys-table");
  }

  /** --deployment, else the stack's name (the stack tags its keys with it), else BROKER_NAME. */
  String deployment() {
    return Optional.ofNullable(deployment)
        .or(() -> Optional.ofNullable(stackName))
        .orElse(environment.getOrDefault("BROKER_NAME", "token-broker"));
  }

  String revocationsTable() {
    return table(
        revocationsTable,
        "revocations",
        "RevocationsTableName",
        "REVOCATIONS_TABLE",
        "--revocations-table");
  }

  String detectorTable() {
    return table(
        detectorTable, "detector", "DetectorTableName", "DETECTOR_TABLE", "--detector-table");
  }

  /** The operator's ARN (STS), for actions that record their own audit entries. */
  String operatorArn() {
    return actor();
  }

  String auditTable() {
    return table(auditTable, "audit", "AuditTableName", "AUDIT_TABLE", "--audit-table");
  }

  /**
   * A table's name: its own option, else from --table-prefix or --stack-name (not both: which would
   * be meant?), else its environment variable.
   */
  private String table(
      String explicit, String suffix, String output, String variable, String option) {
    if (explicit != null) {
      return explicit;
    }
    if (tablePrefix != null && stackName != null) {
      throw new IllegalArgumentException(
          "give --stack-name or --table-prefix, not both (or name each table)");
    }
    if (tablePrefix != null) {
      return tablePrefix + suffix;
    }
    if (stackName != null) {
      return Optional.ofNullable(stackOutputs().get(output))
          .orElseThrow(
              () ->
                  new IllegalArgumentException(
                      "stack "
                          + stackName
                          + " has no output "
                          + output
                          + " (deployed from an older template? update it, or give "
                          + option
                          + ")"));
    }
    return Optional.ofNullable(environment.get(variable))
        .filter(v -> !v.isBlank())
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "which table? give "
                        + option
                        + ", --stack-name, --table-prefix, or set "
                        + variable));
  }

  /**
   * The broker's API base URL: {@code explicit} (an option), else the stack's ApiUrl output (with
   * --stack-name), else BROKER_API_URL.
   */
  URI apiUrl(URI explicit) {
    if (explicit != null) {
      return explicit;
    }
    if (stackName != null) {
      return URI.create(
          Optional.ofNullable(stackOutputs().get("ApiUrl"))
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "stack " + stackName + " has no output ApiUrl; give --api-url")));
    }
    return Optional.ofNullable(environment.get("BROKER_API_URL"))
        .filter(v -> !v.isBlank())
        .map(URI::create)
        .orElseThrow(
            () ->
                new ParameterException(
                    spec.commandLine(),
                    "no API URL: give --api-url or --stack-name, or set BROKER_API_URL"));
  }

  /** The stack's outputs, asked of CloudFormation once per run. */
  private Map<String, String> stackOutputs() {
    if (stackOutputs == null) {
      stackOutputs =
          StackOutputs.of(AwsSettings.from(env(), ClientTimeouts.background()), stackName);
    }
    return stackOutputs;
  }
}
