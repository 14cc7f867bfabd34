package io.tokenbroker.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenbroker.adapters.aws.AwsClients;
import io.tokenbroker.adapters.aws.AwsSettings;
import io.tokenbroker.adapters.aws.ClientTimeouts;
import io.tokenbroker.adapters.dynamodb.DynamoDbOperatorAudit;
import io.tokenbroker.config.Env;
import io.tokenbroker.devsupport.TestSecretScanner;
import io.tokenbroker.devsupport.TestSecretScanner.ScanningKey;
import io.tokenbroker.json.Json;
import io.tokenbroker.operator.AuditEntry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Leak reports end to end over the local server: the test secret scanner publishes its keys over
 * HTTPS on this machine and signs reports as GitHub does; the broker fetches the keys through its
 * guarded fetch, verifies, revokes, and the demo API's authorizer refuses the token.
 */
class LocalLeakReportIT {

  /** REVOCATION_CACHE_SECONDS' default: how long a warm authorizer may still accept a token. */
  private static final Duration REVOCATION_BOUND = Duration.ofSeconds(5);

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  @TempDir static Path dir;
  private static TestSecretScanner scanner;
  private static LocalBroker broker;
  private static DynamoDbOperatorAudit audit;

  /** Every line the local server's functions log, beside the console. */
  private static final java.io.ByteArrayOutputStream LOG = new java.io.ByteArrayOutputStream();

  private static java.io.PrintStream console;

  @BeforeAll
  static void start() throws Exception {
    console = System.out;
    System.setOut(
        new java.io.PrintStream(
            new java.io.OutputStream() {
              @Override
              public synchronized void write(int b) {
                console.write(b);
                LOG.write(b);
              }

              @Override
              public synchronized void write(byte[] b, int off, int len) {
                console.write(b, off, len);
                LOG.write(b, off, len);
              }
            },
            true,
            StandardCharsets.UTF_8));
    scanner = TestSecretScanner.start();
    Path pem = dir.resolve("scanner.pem");
    Files.writeString(pem, scanner.certificatePem());
    broker =
        LocalBroker.start(LocalBrokerOptions.onPort(0).withLeakReporter(scanner.keysUrl(), pem));
    Env env =
        Env.of(
            Map.of(
                "AWS_ENDPOINT_URL", broker.awsEndpoint().toString(),
                "AWS_REGION", "us-east-1",
                "AWS_ACCESS_KEY_ID", "test",
                "AWS_SECRET_ACCESS_KEY", "test"));
    audit =
        new DynamoDbOperatorAudit(
            AwsClients.dynamoDb(AwsSettings.from(env, ClientTimeouts.background())),
            broker.tables().audit(),
            java.time.Clock.systemUTC());
  }

  @AfterAll
  static void stop() {
    broker.close();
    scanner.close();
    System.setOut(console);
  }

  private static String log() {
    synchronized (LOG) {
      return LOG.toString(StandardCharsets.UTF_8);
    }
  }

  @Test
  void aReportedHoneytokenRaisesItsAlertAndNoLogLineCarriesTheValue() throws Exception {
    String decoy = (String) demoGrant().get("access_token");
    // A decoy as the honeytoken minter records it: its jti marked honeytoken (revoked at once).
    revocations()
        .revokeToken(
            claim(decoy, "jti"),
            Instant.now().plus(Duration.ofHours(1)),
            io.tokenbroker.revocation.RevocationReason.HONEYTOKEN.logName());

    HttpResponse<String> answer = report(scanner.currentKey(), List.of(decoy));

    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    assertThat(answer.body()).contains("true_positive");
    assertThat(api(decoy)).isEqualTo(401);
    Thread.sleep(200); // the log line is written before the answer; let the console flush
    String lines = log();
    String hash = sha256(decoy);
    List<String> alerts =
        lines.lines().filter(l -> l.contains("security.alert") && l.contains(hash)).toList();
    assertThat(alerts)
        .anySatisfy(l -> assertThat(l).contains("alert=honeytoken_used"))
        .anySatisfy(l -> assertThat(l).contains("alert=leak_reported"));
    assertThat(lines).doesNotContain(decoy);
  }

  private static io.tokenbroker.adapters.dynamodb.DynamoDbRevocationRepository revocations() {
    Env env =
        Env.of(
            Map.of(
                "AWS_ENDPOINT_URL", broker.awsEndpoint().toString(),
                "AWS_REGION", "us-east-1",
                "AWS_ACCESS_KEY_ID", "test",
                "AWS_SECRET_ACCESS_KEY", "test"));
    return new io.tokenbroker.adapters.dynamodb.DynamoDbRevocationRepository(
        AwsClients.dynamoDb(AwsSettings.from(env, ClientTimeouts.background())),
        broker.tables().revocations());
  }

  @Test
  void aReportedAccessTokenIsRevokedAndRefusedAtTheApi() throws Exception {
    Map<String, Object> grant = demoGrant();
    String token = (String) grant.get("access_token");
    assertThat(api(token)).isEqualTo(200);

    HttpResponse<String> answer = report(scanner.currentKey(), List.of(token));

    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    assertThat(answer.body()).doesNotContain(token);
    assertThat(Json.array(answer.body()))
        .containsExactly(
            Map.of(
                "token_hash",
                sha256(token),
                "token_type",
                "token_broker_token",
                "label",
                "true_positive"));
    awaitRefused(token, Instant.now());
    List<AuditEntry> entries = entriesFor(sha256(token));
    assertThat(entries).hasSize(1);
    AuditEntry entry = entries.getFirst();
    assertThat(entry.action()).isEqualTo("leak.report");
    assertThat(entry.via()).isEqualTo("github-secret-scanning");
    assertThat(entry.actor()).isEqualTo("github:" + scanner.currentKey().identifier());
    assertThat(entry.target()).isEqualTo("jti " + claim(token, "jti"));
    assertThat(entry.detail())
        .contains("access_token", "revoked=jti:" + claim(token, "jti"), "family:")
        .contains("source=content", "url=https://github.com/octo-org/leaky/blob/abc123/.env")
        .doesNotContain(token);
  }

  @Test
  void aReportedRefreshTokenRevokesItsFamily() throws Exception {
    Map<String, Object> grant = demoGrant();
    String access = (String) grant.get("access_token");
    String refresh = (String) grant.get("refresh_token");
    assertThat(refresh).startsWith("tbr_");
    assertThat(api(access)).isEqualTo(200);

    HttpResponse<String> answer = report(scanner.currentKey(), List.of(refresh));

    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    assertThat(Json.array(answer.body()))
        .extracting(m -> (Object) ((Map<?, ?>) m).get("label"))
        .containsExactly("true_positive");
    HttpResponse<String> refreshed = refreshGrant(refresh);
    assertThat(refreshed.statusCode()).as(refreshed.body()).isEqualTo(400);
    assertThat(refreshed.body()).contains("invalid_grant");
    awaitRefused(access, Instant.now()); // issued in the family: its sid is revoked
    assertThat(entriesFor(sha256(refresh)))
        .singleElement()
        .satisfies(e -> assertThat(e.target()).isEqualTo("family " + claim(access, "sid")));
  }

  @Test
  void forgedUnsignedAndReplayedReportsAreRefusedAndChangeNothing() throws Exception {
    String token = (String) demoGrant().get("access_token");
    String body = TestSecretScanner.body(List.of(token));
    ScanningKey published = scanner.currentKey();
    ScanningKey forger = TestSecretScanner.unpublishedKey();

    HttpResponse<String> unsigned =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(broker.issuer() + "/leaks/github"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    // the forger's signature under the published key's identifier
    HttpResponse<String> forged =
        post(published.identifier(), TestSecretScanner.sign(forger, body), body);
    // a key the scanner never published
    HttpResponse<String> unknownKey = report(forger, List.of(token));
    // a genuine signature of another report, replayed over this body
    String other = TestSecretScanner.body(List.of("ghp_somethingElse"));
    HttpResponse<String> replayed =
        post(published.identifier(), TestSecretScanner.sign(published, other), body);

    for (HttpResponse<String> refused : List.of(unsigned, forged, unknownKey, replayed)) {
      assertThat(refused.statusCode()).as(refused.body()).isEqualTo(401);
      assertThat(refused.body()).doesNotContain(token);
    }
    assertThat(api(token)).isEqualTo(200);
    assertThat(entriesFor(sha256(token))).isEmpty();
  }

  @Test
  void falsePositivesAreAnsweredAndChangeNothing() throws Exception {
    String token = (String) demoGrant().get("access_token");
    String[] parts = token.split("\\.");
    byte[] signature = Base64.getUrlDecoder().decode(parts[2]);
    signature[5] ^= 1;
    String forgedToken =
        parts[0]
            + "."
            + parts[1]
            + "."
            + Base64.getUrlEncoder().withoutPadding().encodeToString(signature);
    String unknownRefresh = unknownButWellFormedRefreshToken();
    List<String> values = List.of("ghp_notOursAtAll", forgedToken, unknownRefresh);

    HttpResponse<String> answer = report(scanner.currentKey(), values);

    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    assertThat(Json.array(answer.body()))
        .extracting(
            m -> (Object) (((Map<?, ?>) m).get("token_hash") + " " + ((Map<?, ?>) m).get("label")))
        .containsExactly(
            sha256(values.get(0)) + " false_positive",
            sha256(values.get(1)) + " false_positive",
            sha256(values.get(2)) + " false_positive");
    assertThat(api(token)).isEqualTo(200); // the forged copy's claims were not acted on
    for (String value : values) {
      assertThat(entriesFor(sha256(value))).isEmpty();
    }
  }

  @Test
  void operatorsReportOnTheirRouteAndWorkloadsAreRefused() throws Exception {
    String token = (String) demoGrant().get("access_token");
    String body = TestSecretScanner.body(List.of(token));

    HttpResponse<String> byWorkload =
        HTTP.send(
            jsonPost(
                SignedPosts.post(
                    URI.create(broker.issuer() + "/admin/leaks"), LocalDemo.IDENTITY, body)),
            HttpResponse.BodyHandlers.ofString());
    assertThat(byWorkload.statusCode()).isEqualTo(403);
    assertThat(api(token)).isEqualTo(200);

    HttpResponse<String> byOperator =
        HTTP.send(
            jsonPost(
                SignedPosts.post(
                    URI.create(broker.issuer() + "/admin/leaks"), LocalDemo.OPERATOR, body)),
            HttpResponse.BodyHandlers.ofString());
    assertThat(byOperator.statusCode()).as(byOperator.body()).isEqualTo(200);
    assertThat(byOperator.body()).contains("true_positive");
    awaitRefused(token, Instant.now());
    assertThat(entriesFor(sha256(token)))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.actor()).isEqualTo(LocalDemo.OPERATOR.callerArn());
              assertThat(e.via()).isEqualTo(AuditEntry.ADMIN_ROUTE);
            });
  }

  /**
   * Report-to-rejection: from the report's acknowledgement (its 200) until the warm authorizer (it
   * has just allowed the token, so its revocation state is cached) refuses the token. Several runs
   * at once (each its own token); the documented bound is REVOCATION_CACHE_SECONDS.
   */
  @Test
  void everyWarmAuthorizerRefusesAReportedTokenWithinTheRevocationBound() throws Exception {
    int runs = 6;
    List<Callable<Duration>> measurements = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      measurements.add(
          () -> {
            String token = (String) demoGrant().get("access_token");
            assertThat(api(token)).isEqualTo(200); // warm: the authorizer holds its state now
            HttpResponse<String> answer = report(scanner.currentKey(), List.of(token));
            Instant acknowledged = Instant.now();
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            return awaitRefused(token, acknowledged);
          });
    }
    List<Duration> seen = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(runs)) {
      for (Future<Duration> result : pool.invokeAll(measurements)) {
        seen.add(result.get());
      }
    }
    List<Long> millis = seen.stream().map(Duration::toMillis).sorted().toList();
    long median = (millis.get((runs - 1) / 2) + millis.get(runs / 2)) / 2;
    System.out.println(
        "leak report to rejection over the local server: runs="
            + runs
            + " median="
            + median
            + " ms max="
            + millis.getLast()
            + " ms all="
            + millis
            + " (bound REVOCATION_CACHE_SECONDS="
            + REVOCATION_BOUND.toSeconds()
            + " s)");
    assertThat(millis.getLast()).isLessThanOrEqualTo(REVOCATION_BOUND.toMillis());
  }

  @Test
  void brokerctlReportsFromAFileThroughTheOperatorsRoute() throws Exception {
    String token = (String) demoGrant().get("access_token");
    Path values = dir.resolve("found.txt");
    Files.writeString(values, "\n" + token + "\n  ghp_notOurs  \n");

    String[] run =
        brokerctl(
            DemoWorkload.operatorAwsEnvironment(),
            "report-leak",
            "--file",
            values.toString(),
            "--found-at",
            "https://tickets.example/INC-42");

    assertThat(run[0]).as(run[1]).isEqualTo("0");
    assertThat(run[1])
        .contains("true_positive  sha256:" + sha256(token) + "  revoked")
        .contains("false_positive  sha256:" + sha256("ghp_notOurs"))
        .contains("2 reported: 1 revoked")
        .doesNotContain(token);
    awaitRefused(token, Instant.now());
    assertThat(entriesFor(sha256(token)))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.actor()).isEqualTo(LocalDemo.OPERATOR.callerArn());
              assertThat(e.detail()).contains("url=https://tickets.example/INC-42");
            });
  }

  @Test
  void brokerctlNeverTakesAValueFromTheCommandLineNorLetsAWorkloadReport() throws Exception {
    String token = (String) demoGrant().get("access_token");
    Path values = dir.resolve("workload.txt");
    Files.writeString(values, token + "\n");

    String[] onArgv =
        brokerctl(DemoWorkload.operatorAwsEnvironment(), "report-leak", "--found-at", "x", token);
    String[] byWorkload =
        brokerctl(
            DemoWorkload.awsEnvironment(),
            "report-leak",
            "--file",
            values.toString(),
            "--found-at",
            "x");
    String[] help = brokerctl(DemoWorkload.operatorAwsEnvironment(), "report-leak", "--help");

    assertThat(onArgv[0]).isEqualTo("2");
    assertThat(onArgv[1]).contains("never read from the command line").doesNotContain(token);
    assertThat(byWorkload[0]).isEqualTo("1");
    assertThat(byWorkload[1]).contains("403").doesNotContain(token);
    assertThat(help[0]).isEqualTo("0");
    assertThat(help[1]).contains("--found-at", "stdin");
    assertThat(api(token)).isEqualTo(200);
    assertThat(entriesFor(sha256(token))).isEmpty();
  }

  // ---- helpers

  /** brokerctl with {@code aws} credentials and the local server's API URL: exit code, output. */
  private static String[] brokerctl(Map<String, String> aws, String... args) {
    java.io.StringWriter out = new java.io.StringWriter();
    var env = new java.util.HashMap<>(aws);
    env.put("BROKER_API_URL", broker.issuer().toString());
    var cli = io.tokenbroker.cli.Brokerctl.commandLine(new io.tokenbroker.cli.Brokerctl(env));
    cli.setOut(new java.io.PrintWriter(out, true));
    cli.setErr(new java.io.PrintWriter(out, true));
    int exit = cli.execute(args);
    return new String[] {String.valueOf(exit), out.toString()};
  }

  /** Waits until the demo API refuses {@code token}; how long after {@code from} it did. */
  private static Duration awaitRefused(String token, Instant from) throws Exception {
    Instant giveUp = from.plus(REVOCATION_BOUND).plusSeconds(3);
    while (Instant.now().isBefore(giveUp)) {
      if (api(token) == 401) {
        return Duration.between(from, Instant.now());
      }
      Thread.sleep(20);
    }
    throw new AssertionError("the demo API still accepts the reported token");
  }

  private static int api(String token) throws Exception {
    return LocalAuthorizerFlowIT.call(broker, "GET", "/demo/items/1", token).statusCode();
  }

  private static Map<String, Object> demoGrant() throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            SignedPosts.post(
                    URI.create(broker.issuer() + "/token/iam"),
                    LocalDemo.IDENTITY,
                    "grant_type=client_credentials&scope=demo:read")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return Json.object(response.body());
  }

  private static HttpResponse<String> refreshGrant(String refreshToken) throws Exception {
    return HTTP.send(
        SignedPosts.post(
                URI.create(broker.issuer() + "/token/iam"),
                LocalDemo.IDENTITY,
                "grant_type=refresh_token&refresh_token=" + refreshToken)
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> report(ScanningKey key, List<String> tokens) {
    return TestSecretScanner.report(
        URI.create(broker.issuer() + "/leaks/github"), key, TestSecretScanner.body(tokens));
  }

  private static HttpResponse<String> post(String keyId, String signature, String body)
      throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(broker.issuer() + "/leaks/github"))
            .header("Content-Type", "application/json")
            .header("Github-Public-Key-Identifier", keyId)
            .header("Github-Public-Key-Signature", signature)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The signed form POST's headers, sent as JSON (SigV4 covers the body, not its type). */
  private static HttpRequest jsonPost(HttpRequest.Builder signed) {
    return signed.build();
  }

  private static List<AuditEntry> entriesFor(String tokenSha256) {
    return audit.recent(1000, Optional.empty()).stream()
        .filter(e -> e.detail().contains("sha256=" + tokenSha256))
        .toList();
  }

  private static String claim(String token, String name) throws Exception {
    return (String)
        Json.object(
                new String(
                    Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8))
            .get(name);
  }

  private static String sha256(String value) throws Exception {
    return HexFormat.of()
        .formatHex(
            MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
  }

  /** tbr_ + 43 base64url + CRC32 of what precedes, computed here: a token no store holds. */
  private static String unknownButWellFormedRefreshToken() {
    String body = "tbr_" + "A".repeat(43);
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(body.getBytes(StandardCharsets.US_ASCII));
    return body + String.format("%08x", crc.getValue());
  }
}
