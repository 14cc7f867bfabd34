package io.tokenbroker.client.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.util.JSONObjectUtils;
import io.tokenbroker.client.IamAuthentication;
import io.tokenbroker.client.MutableClock;
import io.tokenbroker.client.TestBroker;
import io.tokenbroker.client.TokenClient;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/** The README's two examples, run against the local server's demo API as the demo workload. */
class ExamplesIT {

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

  private TokenClient demoWorkload() {
    var credentials =
        StaticCredentialsProvider.create(
            AwsBasicCredentials.create(TestBroker.DEMO_ACCESS_KEY, TestBroker.DEMO_SECRET_KEY));
    return TokenClient.builder(
            TestBroker.issuer(), IamAuthentication.with(credentials, Region.US_EAST_1))
        .clock(clock)
        .build();
  }

  private static URI demoApi() {
    return URI.create(TestBroker.issuer() + "/demo/hello");
  }

  @Test
  void theLambdaFunctionCallsTheApiWithOneTokenPerWarmContainer() throws Exception {
    DemoApiFunction function =
        new DemoApiFunction(demoWorkload(), demoApi(), TestBroker.demoAudience());
    TestLambdaContext first = new TestLambdaContext();
    TestLambdaContext second = new TestLambdaContext();

    String firstAnswer = function.handleRequest(Map.of(), first);
    clock.advance(Duration.ofSeconds(60));
    String secondAnswer = function.handleRequest(Map.of(), second);

    Map<String, Object> firstCaller = authorizer(firstAnswer);
    assertThat(firstCaller).containsEntry("client_id", "local-workload");
    // The second invocation reused the cached token: the API saw the same jti.
    assertThat(authorizer(secondAnswer).get("jti")).isEqualTo(firstCaller.get("jti"));
    assertThat(first.log()).contains("calling " + demoApi()).contains("scopes=[demo:read]");
    assertThat(first.log() + second.log()).doesNotContain("eyJ");
  }

  @Test
  void theServiceKeepsCallingAcrossTokenExpiryAndRenewal() throws Exception {
    DemoApiService service =
        new DemoApiService(demoWorkload(), demoApi(), TestBroker.demoAudience());

    // One simulated hour, a call a minute: every 300 s token expires many times over.
    List<String> answers = service.run(60, Duration.ofSeconds(60), clock::advance);

    List<Object> jtis = new ArrayList<>();
    for (String answer : answers) {
      jtis.add(authorizer(answer).get("jti"));
    }
    assertThat(jtis).hasSize(60).doesNotContainNull();
    // Due 195-225 s after it was asked for, so renewed at the 4th minute: 15 tokens an hour,
    // each used for 4 consecutive calls.
    long tokens = jtis.stream().distinct().count();
    assertThat(tokens).isEqualTo(15);
    long changes = 0;
    for (int i = 1; i < jtis.size(); i++) {
      changes += jtis.get(i).equals(jtis.get(i - 1)) ? 0 : 1;
    }
    assertThat(changes).isEqualTo(tokens - 1);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> authorizer(String demoAnswer) throws Exception {
    return (Map<String, Object>) JSONObjectUtils.parse(demoAnswer).get("authorizer");
  }
}
