package io.tokenbroker.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tokenbroker.local.DemoWorkload;
import io.tokenbroker.local.LocalBroker;
import io.tokenbroker.local.LocalBrokerOptions;
import io.tokenbroker.testing.EventFiles;
import io.tokenbroker.testing.SamTemplate;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
    broker.close();
  }

  /** Runs the script with only what a CI runner would set, plus {@code env}. */
  private static SamTemplate.Result job(Map<String, String> env) throws Exception {
    if (!onPath("curl")) {
      SamTemplate.missing("curl", "apt-get install curl"); // fails under CI=true
      assumeTrue(false, "curl is not installed: examples/ci-job.sh is not run");
    }
    ProcessBuilder builder =
        new ProcessBuilder(
                "bash", EventFiles.projectRoot().resolve("examples/ci-job.sh").toString())
            .redirectErrorStream(true);
    Map<String, String> environment = builder.environment();
    environment.keySet().removeIf(name -> name.startsWith("AWS_"));
    environment.put("BROKER_URL", broker.issuer().toString());
    environment.putAll(env);
    Process process = builder.start();
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new SamTemplate.Result(process.exitValue(), output);
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

  private static boolean onPath(String command) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(dir, command))) {
        return true;
      }
    }
    return false;
  }
}
