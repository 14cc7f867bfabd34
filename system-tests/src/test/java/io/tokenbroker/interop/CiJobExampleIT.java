package io.tokenbroker.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import io.tokenbroker.local.DemoWorkload;
import io.tokenbroker.local.LocalBroker;
import io.tokenbroker.local.LocalBrokerOptions;
import io.tokenbroker.testing.EventFiles;
import io.tokenbroker.testing.SamTemplate;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * examples/ci-job.sh, as a CI user copies it, against the local server on a random port: a token by
 * SigV4 with curl, then the demo API; its exit code tells the job what happened.
 */
class CiJobExampleIT {

  private static LocalBroker broker;

  @BeforeAll
  static void start() {
    broker = LocalBroker.start(LocalBrokerOptions.onPort(0));
  }

  @AfterAll
  static void stop() {
    if (broker != null) {
      broker.close();
    }
  }

  /** Runs the script with only what a CI runner would set, plus {@code env}. */
  private static SamTemplate.Result job(Map<String, String> env) throws Exception {
    return job(env, List.of());
  }

  /** The same, with {@code bash} options (e.g. -x, a CI system's debug switch). */
  private static SamTemplate.Result job(Map<String, String> env, List<String> bashOptions)
      throws Exception {
    if (!onPath("curl")) {
      SamTemplate.missing("curl", "apt-get install curl"); // fails under CI=true
      assumeTrue(false, "curl is not installed: examples/ci-job.sh is not run");
    }
    Path output = Files.createTempFile("ci-job", ".out");
    try {
      ProcessBuilder builder =
          new ProcessBuilder(
                  Stream.of(
                          List.of("bash"),
                          bashOptions,
                          List.of(
                              EventFiles.projectRoot().resolve("examples/ci-job.sh").toString()))
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
                  name.startsWith("AWS_")
                      || List.of("SCOPE", "API_URL", "AUDIENCE", "BROKER_URL").contains(name));
      environment.put("BROKER_URL", broker.issuer().toString());
      environment.putAll(env);
      Process process = builder.start();
      process.getOutputStream().close();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(
            "examples/ci-job.sh timed out: " + Files.readString(output, StandardCharsets.UTF_8));
      }
      return new SamTemplate.Result(
          process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(output);
    }
  }

  @Test
  void getsATokenWithTheJobsRoleAndCallsTheApi() throws Exception {
    SamTemplate.Result run = job(DemoWorkload.awsEnvironment());

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output())
        .contains("token for scope 'demo:read', expires in 300 s")
        .contains("/demo/hello answered HTTP 200")
        .contains("\"client_id\":\"" + DemoWorkload.CLIENT_ID + "\"")
        .doesNotContain("eyJ"); // the token is never printed
  }

  /**
   * A role session's token goes in x-amz-security-token, inside the signature: the local server
   * checks the signature over it (that the session is valid is AWS's check, not emulated here).
   */
  @Test
  void signsTheSessionTokenOfARoleSession() throws Exception {
    Map<String, String> env = new HashMap<>(DemoWorkload.awsEnvironment());
    env.put("AWS_SESSION_TOKEN", "FwoGZXIvYXdzEXAMPLESESSIONTOKEN");

    SamTemplate.Result run = job(env);

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output()).contains("answered HTTP 200");
  }

  @Test
  void failsWith3WhenTheApiRefusesTheToken() throws Exception {
    Map<String, String> env = new HashMap<>(DemoWorkload.awsEnvironment());
    env.put("SCOPE", "demo:write"); // GET needs demo:read

    SamTemplate.Result run = job(env);

    assertThat(run.exitCode()).as(run.output()).isEqualTo(3);
    assertThat(run.output()).contains("answered HTTP 403");
  }

  @Test
  void failsWith2AndTheBrokersErrorWhenThereIsNoToken() throws Exception {
    SamTemplate.Result unbound = job(DemoWorkload.operatorAwsEnvironment());
    Map<String, String> tooWide = new HashMap<>(DemoWorkload.awsEnvironment());
    tooWide.put("SCOPE", "demo:admin");
    SamTemplate.Result refused = job(tooWide);
    SamTemplate.Result unconfigured = job(Map.of());

    assertThat(unbound.exitCode()).as(unbound.output()).isEqualTo(2);
    assertThat(unbound.output()).contains("no token: HTTP 401 invalid_client");
    assertThat(refused.exitCode()).as(refused.output()).isEqualTo(2);
    assertThat(refused.output()).contains("no token: HTTP 400 invalid_scope");
    assertThat(unconfigured.exitCode()).isNotZero();
    assertThat(unconfigured.output()).contains("AWS_ACCESS_KEY_ID");
  }

  /** curl's own exit code (7: connection refused) becomes the documented 2, then 3 for the API. */
  @Test
  void failsWith2WhenTheBrokerCannotBeReachedAnd3WhenTheApiCannot() throws Exception {
    Map<String, String> noBroker = new HashMap<>(DemoWorkload.awsEnvironment());
    noBroker.put("BROKER_URL", "http://127.0.0.1:" + closedPort());
    Map<String, String> noApi = new HashMap<>(DemoWorkload.awsEnvironment());
    noApi.put("API_URL", "http://127.0.0.1:" + closedPort() + "/demo/hello");

    SamTemplate.Result broker = job(noBroker);
    SamTemplate.Result api = job(noApi);

    assertThat(broker.exitCode()).as(broker.output()).isEqualTo(2);
    assertThat(broker.output()).contains("could not be reached");
    assertThat(api.exitCode()).as(api.output()).isEqualTo(3);
    assertThat(api.output()).contains("could not be reached").doesNotContain("eyJ");
  }

  /** A proxy's JSON that is no object is reported as text, not as a Python traceback. */
  @Test
  void failsWith2OnAnErrorBodyThatIsJsonButNoObject() throws Exception {
    HttpServer proxy = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    proxy.createContext(
        "/",
        exchange -> {
          byte[] body = "[\"busy\"]".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(503, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    proxy.start();
    try {
      Map<String, String> env = new HashMap<>(DemoWorkload.awsEnvironment());
      env.put("BROKER_URL", "http://127.0.0.1:" + proxy.getAddress().getPort());

      SamTemplate.Result run = job(env);

      assertThat(run.exitCode()).as(run.output()).isEqualTo(2);
      assertThat(run.output()).contains("no token: HTTP 503 [\"busy\"]").doesNotContain("Error");
    } finally {
      proxy.stop(0);
    }
  }

  /** The signed token request and the token must not travel in clear to another machine. */
  @Test
  void refusesABrokerOrApiInClearOffThisMachine() throws Exception {
    Map<String, String> broker = new HashMap<>(DemoWorkload.awsEnvironment());
    broker.put("BROKER_URL", "http://broker.example");
    Map<String, String> userInfo = new HashMap<>(DemoWorkload.awsEnvironment());
    userInfo.put("BROKER_URL", "http://localhost:80@broker.example");
    Map<String, String> api = new HashMap<>(DemoWorkload.awsEnvironment());
    api.put("API_URL", "http://api.example/hello");

    SamTemplate.Result plainBroker = job(broker);
    SamTemplate.Result disguised = job(userInfo);
    SamTemplate.Result plainApi = job(api);

    assertThat(plainBroker.exitCode()).as(plainBroker.output()).isEqualTo(2);
    assertThat(plainBroker.output()).contains("BROKER_URL must be https");
    assertThat(disguised.exitCode()).as(disguised.output()).isEqualTo(2);
    assertThat(plainApi.exitCode()).as(plainApi.output()).isEqualTo(3);
    assertThat(plainApi.output()).contains("API_URL must be https");
  }

  /** Under bash -x (a CI system's debug switch) the script turns xtrace off before any secret. */
  @Test
  void printsNoSecretUnderXtrace() throws Exception {
    SamTemplate.Result run = job(DemoWorkload.awsEnvironment(), List.of("-x"));

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output())
        .doesNotContain("eyJ")
        .doesNotContain(DemoWorkload.awsEnvironment().get("AWS_SECRET_ACCESS_KEY"));
  }

  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static boolean onPath(String command) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(dir, command))) {
        return true;
      }
    }
    return false;
  }
}
