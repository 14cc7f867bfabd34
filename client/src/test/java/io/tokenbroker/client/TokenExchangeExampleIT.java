package io.tokenbroker.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/token-exchange.sh, run as a CI job or a pod runs it (as CiJobExampleIT runs
 * examples/ci-job.sh), against {@link ExchangeTestServer} standing in for GitHub's ID-token
 * endpoint, the broker and an API: the exact requests curl sends, each token source, the exit
 * codes, and nothing secret printed under bash -x.
 */
class TokenExchangeExampleIT {

  private static final String GITHUB_REQUEST_TOKEN = "ghs-request-token-do-not-show-0123456789";
  private static final String EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";

  private ExchangeTestServer server;
  @TempDir Path dir;

  record Run(int exitCode, String output) {}

  @BeforeEach
  void start() throws Exception {
    server = new ExchangeTestServer();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static Path script() {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      Path script = d.resolve("examples/token-exchange.sh");
      if (Files.isRegularFile(script)) {
        return script;
      }
    }
    throw new IllegalStateException("examples/token-exchange.sh not found above the module");
  }

  private Map<String, String> base() {
    Map<String, String> env = new HashMap<>();
    env.put("BROKER_URL", server.uri().toString());
    env.put("CLIENT_ID", "deployer");
    env.put("SCOPE", "deploy:write");
    env.put("AUDIENCE", "https://deploy.example.com");
    env.put("API_URL", server.uri() + "/api/deployments");
    return env;
  }

  private Map<String, String> github() {
    Map<String, String> env = base();
    env.put("ACTIONS_ID_TOKEN_REQUEST_URL", server.githubRequestUrl());
    env.put("ACTIONS_ID_TOKEN_REQUEST_TOKEN", GITHUB_REQUEST_TOKEN);
    return env;
  }

  private Run job(Map<String, String> env, String... bashOptions) throws Exception {
    for (String tool : List.of("curl", "python3")) {
      if (!onPath(tool) && "true".equals(System.getenv("CI"))) {
        throw new AssertionError(tool + " is missing: .ci/run must install it");
      }
      assumeTrue(onPath(tool), tool + " is not installed: examples/token-exchange.sh is not run");
    }
    Path output = Files.createTempFile(dir, "job", ".out");
    ProcessBuilder builder =
        new ProcessBuilder(
                Stream.of(List.of("bash"), List.of(bashOptions), List.of(script().toString()))
                    .flatMap(List::stream)
                    .toList())
            .redirectErrorStream(true)
            .redirectOutput(output.toFile()); // a file: a hung curl cannot block the read
    Map<String, String> environment = builder.environment();
    // nothing the script reads may leak in from the developer's or the runner's shell
    environment
        .keySet()
        .removeIf(
            name ->
                name.startsWith("ACTIONS_")
                    || name.startsWith("SUBJECT_TOKEN")
                    || List.of(
                            "BROKER_URL",
                            "CLIENT_ID",
                            "SCOPE",
                            "AUDIENCE",
                            "API_URL",
                            "ID_TOKEN_AUDIENCE")
                        .contains(name));
    environment.putAll(env);
    Process process = builder.start();
    process.getOutputStream().close();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("token-exchange.sh timed out: " + Files.readString(output));
    }
    return new Run(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
  }

  @Test
  void inGitHubActionsItAsksForAnIdTokenForTheBrokerAndExchangesIt() throws Exception {
    Run run = job(github());

    assertThat(run.exitCode()).as(run.output()).isZero();
    ExchangeTestServer.Seen asked = server.githubRequests().getFirst();
    assertThat(asked.method()).isEqualTo("GET");
    // The runner's URL with &audience= appended (curl writes percent-escapes in lower case).
    assertThat(asked.rawQuery())
        .isEqualToIgnoringCase(
            "api-version=2.0&audience="
                + URLEncoder.encode(server.uri().toString(), StandardCharsets.UTF_8));
    assertThat(asked.header("Authorization")).isEqualTo("Bearer " + GITHUB_REQUEST_TOKEN);
    ExchangeTestServer.Seen exchange = server.brokerRequests().getFirst();
    assertThat(exchange.path()).isEqualTo("/token");
    assertThat(exchange.header("Content-Type")).isEqualTo("application/x-www-form-urlencoded");
    assertThat(exchange.form())
        .containsExactlyEntriesOf(
            linked(
                "grant_type", EXCHANGE,
                "subject_token", server.githubTokens().getFirst(),
                "subject_token_type", "urn:ietf:params:oauth:token-type:id_token",
                "requested_token_type", "urn:ietf:params:oauth:token-type:access_token",
                "client_id", "deployer",
                "scope", "deploy:write",
                "audience", "https://deploy.example.com"));
    assertThat(run.output())
        .contains("exchanged a GitHub Actions ID token for a token for scope 'deploy:write'")
        .contains("/api/deployments answered HTTP 200")
        .contains("\"hello\":\"workload\"")
        .doesNotContain("eyJ");
  }

  @Test
  void aPodExchangesItsProjectedTokenFileAndAGitLabJobItsIdTokenVariable() throws Exception {
    String projected = ExchangeTestServer.jwt("https://kubernetes.default.svc", "sa");
    Path file = dir.resolve("broker");
    Files.writeString(file, projected + "\n");
    Map<String, String> pod = base();
    pod.put("SUBJECT_TOKEN_FILE", file.toString());
    String gitlab = ExchangeTestServer.jwt("https://gitlab.com", "project_path:acme/app");
    Map<String, String> job = base();
    job.put("SUBJECT_TOKEN_VAR", "BROKER_ID_TOKEN");
    job.put("BROKER_ID_TOKEN", gitlab);

    Run podRun = job(pod);
    Run jobRun = job(job);

    assertThat(podRun.exitCode()).as(podRun.output()).isZero();
    assertThat(jobRun.exitCode()).as(jobRun.output()).isZero();
    assertThat(server.brokerRequests())
        .extracting(s -> s.form().get("subject_token"), s -> s.form().get("subject_token_type"))
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(projected, "urn:ietf:params:oauth:token-type:jwt"),
            org.assertj.core.groups.Tuple.tuple(
                gitlab, "urn:ietf:params:oauth:token-type:id_token"));
    assertThat(server.githubRequests()).isEmpty();
  }

  @Test
  void exitsWith2OnARefusalOrNoOutsideTokenAnd3WhenTheApiRefuses() throws Exception {
    server.answerBroker(
        1,
        new ExchangeTestServer.Canned(
            400,
            Map.of(),
            f ->
                "{\"error\":\"invalid_request\",\"error_description\":\"subject_token refused\"}"));
    Run refused = job(github());
    Run nothing = job(base());
    server.answerGitHub(1, new ExchangeTestServer.Canned(403, Map.of(), f -> "{}"));
    Run noPermission = job(github());
    Map<String, String> otherApi = github();
    otherApi.put("API_URL", server.uri() + "/elsewhere");
    Run apiRefused = job(otherApi);
    Map<String, String> clear = github();
    clear.put("BROKER_URL", "http://broker.example.com");
    Run inClear = job(clear);

    assertThat(refused.exitCode()).as(refused.output()).isEqualTo(2);
    assertThat(refused.output())
        .contains("no token: HTTP 400 invalid_request: subject_token refused");
    assertThat(nothing.exitCode()).as(nothing.output()).isEqualTo(2);
    assertThat(nothing.output()).contains("set SUBJECT_TOKEN_FILE or SUBJECT_TOKEN_VAR");
    assertThat(noPermission.exitCode()).as(noPermission.output()).isEqualTo(2);
    assertThat(noPermission.output()).contains("answered HTTP 403").contains("id-token: write");
    assertThat(apiRefused.exitCode()).as(apiRefused.output()).isEqualTo(3);
    assertThat(inClear.exitCode()).as(inClear.output()).isEqualTo(2);
    assertThat(inClear.output()).contains("BROKER_URL must be https");
    // The refused GitHub request never reached the broker; nor did the one in clear.
    assertThat(server.brokerRequests()).hasSize(2);
  }

  /**
   * A wrong SUBJECT_TOKEN_FILE (a private key) or a JWT-shaped file past the broker's 8192
   * characters is refused before anything is sent, as the library refuses it, and not printed.
   */
  @Test
  void aFileThatIsNotACompactJwtIsNeverSent() throws Exception {
    java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("EC");
    generator.initialize(256);
    String body =
        java.util.Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(generator.generateKeyPair().getPrivate().getEncoded());
    Path key = dir.resolve("key.pem");
    Files.writeString(
        key, "-----BEGIN PRIVATE KEY-----\n" + body + "\n-----END PRIVATE KEY-----\n");
    Map<String, String> wrongFile = base();
    wrongFile.put("SUBJECT_TOKEN_FILE", key.toString());
    Path huge = dir.resolve("huge");
    Files.writeString(huge, "eyJhbGciOiJSUzI1NiJ9." + "A".repeat(8200) + ".c2ln");
    Map<String, String> hugeFile = base();
    hugeFile.put("SUBJECT_TOKEN_FILE", huge.toString());
    Map<String, String> hugeVariable = base();
    hugeVariable.put("SUBJECT_TOKEN_VAR", "BROKER_ID_TOKEN");
    hugeVariable.put("BROKER_ID_TOKEN", Files.readString(huge));

    Run keyRun = job(wrongFile);
    Run hugeRun = job(hugeFile);
    Run hugeVariableRun = job(hugeVariable);

    for (Run run : List.of(keyRun, hugeRun, hugeVariableRun)) {
      assertThat(run.exitCode()).as(run.output()).isEqualTo(2);
      assertThat(run.output())
          .contains("does not look like a JWT")
          .doesNotContain("PRIVATE KEY")
          .doesNotContain(body.lines().findFirst().orElseThrow())
          .doesNotContain("AAAAAAAA");
    }
    assertThat(keyRun.output()).contains("no token: the token file " + key);
    assertThat(server.brokerRequests()).isEmpty();
  }

  /** Against the real local server, which trusts the test OIDC issuer: a pod's projected token. */
  @Test
  void againstTheLocalServerAPodsTokenGetsATokenThatWorksAtTheDemoApi() throws Exception {
    String clientId =
        TestBroker.registerFederatedClient(
            """
            {"name": "payments-api", "issuer": "%2$s", "audience": "%1$s",
             "subject": "system:serviceaccount:payments:api",
             "claims": {"/kubernetes.io/namespace": "payments"}, "single_use": false}
            """);
    Path file = dir.resolve("projected");
    Files.writeString(
        file, TestBroker.outsideIssuer().kubernetes(TestBroker.issuer().toString()).sign());
    Map<String, String> pod = new HashMap<>();
    pod.put("BROKER_URL", TestBroker.issuer().toString());
    pod.put("CLIENT_ID", clientId);
    pod.put("SUBJECT_TOKEN_FILE", file.toString());

    Run run = job(pod);
    pod.put("CLIENT_ID", "no-such-client");
    Run unknown = job(pod);

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output())
        .contains("for a token for scope 'demo:read', expires in 300 s")
        .contains("/demo/hello answered HTTP 200")
        .contains("\"client_id\":\"" + clientId + "\"")
        .doesNotContain("eyJ");
    assertThat(unknown.exitCode()).as(unknown.output()).isEqualTo(2);
    assertThat(unknown.output()).contains("no token: HTTP 40");
  }

  @Test
  void printsNoSecretUnderXtrace() throws Exception {
    Run run = job(github(), "-x");

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output())
        .doesNotContain(GITHUB_REQUEST_TOKEN)
        .doesNotContain(server.githubTokens().getFirst())
        .doesNotContain(server.issued().getFirst())
        .doesNotContain("eyJ");
  }

  private static Map<String, String> linked(String... pairs) {
    Map<String, String> map = new java.util.LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      map.put(pairs[i], pairs[i + 1]);
    }
    return map;
  }

  private static boolean onPath(String command) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(d, command))) {
        return true;
      }
    }
    return false;
  }
}
