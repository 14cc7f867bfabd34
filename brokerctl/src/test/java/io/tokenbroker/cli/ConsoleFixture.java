package io.tokenbroker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenbroker.adapters.aws.AwsSettings;
import io.tokenbroker.adapters.aws.ClientTimeouts;
import io.tokenbroker.adapters.dynamodb.DynamoDbClientRepository;
import io.tokenbroker.adapters.dynamodb.DynamoDbKeyRepository;
import io.tokenbroker.adapters.dynamodb.DynamoDbRevocationRepository;
import io.tokenbroker.adapters.http.HttpFunction;
import io.tokenbroker.adapters.telemetry.JsonLinesTelemetry;
import io.tokenbroker.adapters.wiring.TokenWiring;
import io.tokenbroker.auth.AuthMethod;
import io.tokenbroker.auth.AuthenticatedClient;
import io.tokenbroker.cli.console.RefusalLog;
import io.tokenbroker.clients.Client;
import io.tokenbroker.config.Env;
import io.tokenbroker.devsupport.LocalAws;
import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.keys.KeyState;
import io.tokenbroker.keys.SigningKey;
import io.tokenbroker.operator.OperatorRevocations;
import io.tokenbroker.telemetry.Telemetry;
import io.tokenbroker.telemetry.TelemetryEvent;
import io.tokenbroker.testing.AwsFixture;
import io.tokenbroker.tokens.IssuedToken;
import io.tokenbroker.tokens.RequestOrigin;
import io.tokenbroker.tokens.TokenRequest;
import io.tokenbroker.verify.AccessTokenReason;
import io.tokenbroker.verify.RevocationStatus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.InputLogEvent;

/**
 * The broker's tables on moto with real data, and {@code brokerctl console} serving them: clients
 * registered with {@code brokerctl clients put}, signing keys from real rotations in KMS (one
 * RETIRED, one ACTIVE, one PENDING), tokens minted by the broker's token service (so their issuance
 * records are the real ones) and revocations recorded by {@code brokerctl revoke}.
 */
final class ConsoleFixture implements AutoCloseable {

  /** The rotation settings the console's commands see: a successor may take over after 1 s. */
  static final Map<String, String> ENVIRONMENT =
      Map.of(
          "KEY_PUBLISH_LEAD_SECONDS", "1",
          "JWKS_MAX_AGE_SECONDS", "0",
          "KEY_TABLE_CACHE_SECONDS", "0",
          "AUTHORIZER_KEY_CACHE_SECONDS", "0");

  static final String ROLE = "arn:aws:iam::123456789012:role/";

  final AwsFixture aws;
  final List<String> options;
  final List<String> jtis = new ArrayList<>();
  final URI address;
  final List<String> logGroups;

  /** The reasons of the refusals logged, as the log lines name them. */
  final List<String> refusalReasons = new ArrayList<>();

  private final Thread console;

  record Run(int exit, String out, String err) {}

  ConsoleFixture(LocalAws local, Path dir) throws Exception {
    aws = AwsFixture.provisioned(local);
    options =
        List.of(
            "--endpoint-url",
            local.endpoint().toString(),
            "--table-prefix",
            local.prefix(),
            "--deployment",
            local.prefix());
    logGroups =
        Stream.of("token", "authorizer", "revocation", "introspection")
            .map(function -> "/aws/lambda/" + local.prefix() + function)
            .toList();
    seed(dir);
    logRefusals(local);
    CompletableFuture<URI> printed = new CompletableFuture<>();
    console =
        Thread.ofPlatform()
            .daemon()
            .name("brokerctl-console")
            .start(
                () ->
                    command(
                        new AddressWriter(printed),
                        "console",
                        "--log-group",
                        logGroups.get(0),
                        "--log-group",
                        logGroups.get(1),
                        "--log-group",
                        logGroups.get(2),
                        "--log-group",
                        logGroups.get(3)));
    address = printed.get(30, TimeUnit.SECONDS);
  }

  /** brokerctl with the fixture's tables and {@link #ENVIRONMENT}. */
  Run brokerctl(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cli = Brokerctl.commandLine(new Brokerctl(ENVIRONMENT));
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    List<String> all = new ArrayList<>(options);
    all.addAll(List.of(args));
    int exit = cli.execute(all.toArray(String[]::new));
    return new Run(exit, out.toString().strip(), err.toString().strip());
  }

  private void command(Writer out, String... args) {
    var cli = Brokerctl.commandLine(new Brokerctl(ENVIRONMENT));
    cli.setOut(new PrintWriter(out, true));
    List<String> all = new ArrayList<>(options);
    all.addAll(List.of(args));
    cli.execute(all.toArray(String[]::new));
  }

  private void seed(Path dir) throws Exception {
    register(dir, "billing", "Invoices and payments", true);
    register(dir, "ledger", "", false);
    register(dir, "reports", "Nightly reports", true);
    register(dir, "archive", "", true);
    assertThat(brokerctl("keys", "rotate").out()).startsWith("bootstrapped ");
    assertThat(brokerctl("keys", "rotate", "--force").out()).startsWith("published ");
    Thread.sleep(1100); // the lead time: the successor may now take over
    assertThat(brokerctl("keys", "rotate", "--force").out()).contains("activated");
    Thread.sleep(1100);
    assertThat(brokerctl("keys", "rotate", "--force").out()).startsWith("published ");
    assertThat(keys().stream().map(SigningKey::state))
        .containsExactlyInAnyOrder(KeyState.RETIRED, KeyState.ACTIVE, KeyState.PENDING);

    var tokens =
        TokenWiring.fromEnvironment(
                aws.env(Map.of("ISSUER", "https://broker.example.com/prod")),
                Clock.systemUTC(),
                Telemetry.discard())
            .tokens();
    for (String clientId : List.of("billing", "billing", "reports", "ledger", "archive")) {
      Client client = clients().find(clientId).orElseThrow();
      IssuedToken issued =
          tokens.issue(
              new AuthenticatedClient(client, AuthMethod.AWS_IAM, ROLE + clientId),
              new TokenRequest(
                  TokenRequest.CLIENT_CREDENTIALS,
                  Optional.of(Set.of(clientId + ":read")),
                  List.of("https://" + clientId + ".example.com"),
                  Optional.empty(),
                  Optional.empty()),
              new RequestOrigin("192.0.2." + (jtis.size() + 10), "console-test"));
      jtis.add(issued.record().jti());
    }
    assertThat(brokerctl("revoke", "token", "--", jtis.get(3)).exit()).isZero();
    assertThat(brokerctl("revoke", "client", "ledger").exit()).isZero();
  }

  /**
   * Refusals in the functions' log groups, as the functions log them: the token function's {@code
   * request.rejected} lines come from the broker's own code (a grant type it refuses, answered by
   * HttpFunction); the authorizer's {@code authorizer.denied} line is written as TokenAuthorizer
   * writes it. A line of another event is there too: the view must leave it out.
   */
  private void logRefusals(LocalAws local) throws Exception {
    Clock clock = Clock.systemUTC();
    ByteArrayOutputStream token = new ByteArrayOutputStream();
    HttpFunction tokenFunction =
        new HttpFunction(
            new JsonLinesTelemetry(
                new PrintStream(token, true, StandardCharsets.UTF_8), clock, "token"));
    for (String grant : List.of("password", "authorization_code")) {
      try {
        TokenRequest.from(new Form(Map.of("grant_type", grant)));
      } catch (RequestRejected rejected) {
        tokenFunction.toResponse(rejected);
      }
    }
    ByteArrayOutputStream revocation = new ByteArrayOutputStream();
    try {
      OperatorRevocations.requireWellFormedJti(""); // the admin route's refusal of an empty jti
    } catch (RequestRejected rejected) {
      new HttpFunction(
              new JsonLinesTelemetry(
                  new PrintStream(revocation, true, StandardCharsets.UTF_8), clock, "revocation"))
          .toResponse(rejected);
    }
    ByteArrayOutputStream authorizer = new ByteArrayOutputStream();
    var authorizerTelemetry =
        new JsonLinesTelemetry(
            new PrintStream(authorizer, true, StandardCharsets.UTF_8), clock, "authorizer");
    authorizerTelemetry.emit(
        TelemetryEvent.info("authorizer.denied")
            .with("reason", AccessTokenReason.BAD_SIGNATURE.logName()));
    authorizerTelemetry.emit(
        TelemetryEvent.info("authorizer.allowed").with("reason", "allowed-line"));
    try (CloudWatchLogsClient logs =
        RefusalLog.client(
            AwsSettings.from(Env.of(local.environment()), ClientTimeouts.background()))) {
      put(logs, logGroups.get(0), token.toString(StandardCharsets.UTF_8));
      put(logs, logGroups.get(1), authorizer.toString(StandardCharsets.UTF_8));
      put(logs, logGroups.get(2), revocation.toString(StandardCharsets.UTF_8));
      put(logs, logGroups.get(3), ""); // no refusal logged there
    }
    String lines =
        token.toString(StandardCharsets.UTF_8)
            + authorizer.toString(StandardCharsets.UTF_8)
            + revocation.toString(StandardCharsets.UTF_8);
    for (String line : lines.lines().toList()) {
      Map<String, Object> json = io.tokenbroker.json.Json.object(line);
      if (RefusalLog.EVENTS.contains(json.get("event"))) {
        refusalReasons.add(String.valueOf(json.get("reason")));
      }
    }
    assertThat(refusalReasons).hasSize(4);
  }

  private static void put(CloudWatchLogsClient logs, String group, String lines) {
    logs.createLogGroup(r -> r.logGroupName(group));
    logs.createLogStream(r -> r.logGroupName(group).logStreamName("2026/11/30/[$LATEST]console"));
    if (lines.isEmpty()) {
      return;
    }
    long now = System.currentTimeMillis();
    List<InputLogEvent> events =
        lines
            .lines()
            .map(line -> InputLogEvent.builder().timestamp(now).message(line).build())
            .toList();
    logs.putLogEvents(
        r -> r.logGroupName(group).logStreamName("2026/11/30/[$LATEST]console").logEvents(events));
  }

  /** The form a token request would carry: single values only. */
  private record Form(Map<String, String> values) implements TokenRequest.Parameters {
    @Override
    public Optional<String> single(String name) {
      return Optional.ofNullable(values.get(name));
    }

    @Override
    public String required(String name) {
      return values.get(name);
    }

    @Override
    public List<String> all(String name) {
      return single(name).map(List::of).orElse(List.of());
    }
  }

  private void register(Path dir, String clientId, String description, boolean refresh)
      throws Exception {
    String json =
        """
        {"client_id":"%s","description":"%s","iam_roles":["%s%s"],
         "scopes":["%s:read","%s:write"],"default_scopes":["%s:read"],
         "audiences":["https://%s.example.com"],"default_lifetime_seconds":900,
         "max_lifetime_seconds":3600,
         "refresh_tokens":{"enabled":%s,"absolute_lifetime_seconds":86400,
                           "idle_lifetime_seconds":3600}}
        """
            .formatted(
                clientId,
                description,
                ROLE,
                clientId,
                clientId,
                clientId,
                clientId,
                clientId,
                refresh);
    Path file = Files.writeString(dir.resolve(clientId + ".json"), json);
    Run run = brokerctl("clients", "put", file.toString());
    assertThat(run.exit()).as(run.err()).isZero();
  }

  DynamoDbClientRepository clients() {
    return new DynamoDbClientRepository(aws.dynamoDb, aws.tables.clients());
  }

  List<SigningKey> keys() {
    return new DynamoDbKeyRepository(aws.dynamoDb, aws.tables.keys()).findAll();
  }

  SigningKey key(KeyState state) {
    return keys().stream().filter(k -> k.state() == state).findFirst().orElseThrow();
  }

  RevocationStatus revocationStatus(String jti, String clientId, String kid) {
    return new DynamoDbRevocationRepository(aws.dynamoDb, aws.tables.revocations())
        .status(jti, clientId, kid, Optional.empty());
  }

  /** How many entries the audit trail holds. */
  int auditEntries() {
    return aws.dynamoDb
        .scan(r -> r.tableName(aws.tables.audit()).select("COUNT").consistentRead(true))
        .count();
  }

  /**
   * How many items each of the broker's tables holds now: an action cancelled or refused changes
   * none. (The audit trail is left out: a refused action is recorded there.)
   */
  Map<String, Integer> itemCounts() {
    Map<String, Integer> counts = new java.util.TreeMap<>(aws.itemCounts());
    counts.remove(aws.tables.audit());
    return counts;
  }

  @Override
  public void close() throws InterruptedException {
    console.interrupt();
    console.join(10_000);
  }

  /** Completes with the address {@code brokerctl console} prints. */
  private static final class AddressWriter extends Writer {
    private static final Pattern ADDRESS = Pattern.compile("open (http://\\S+)");
    private final StringBuilder text = new StringBuilder();
    private final CompletableFuture<URI> address;

    AddressWriter(CompletableFuture<URI> address) {
      this.address = address;
    }

    @Override
    public synchronized void write(char[] buffer, int offset, int length) {
      text.append(buffer, offset, length);
      Matcher matcher = ADDRESS.matcher(text);
      if (matcher.find() && text.indexOf("\n", matcher.end()) >= 0) {
        address.complete(URI.create(matcher.group(1)));
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }
}
