package io.tokenbroker.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The benchmarks measure what they say: each state sets up, and each benchmark method runs once on
 * the path it is meant to measure (an allow, a valid signature, an issued token). No timing.
 */
class BenchmarkStatesTest {

  @ParameterizedTest
  @ValueSource(strings = {"RS256", "ES256"})
  void authorizerBenchmarkAllowsItsTokenAndItsSignatureVerifies(String alg) throws Exception {
    AuthorizerBenchmark benchmark = new AuthorizerBenchmark();
    benchmark.alg = alg;
    benchmark.setUp();

    assertThat(new String(benchmark.decision(), StandardCharsets.UTF_8))
        .contains("\"Effect\":\"Allow\"")
        .contains("\"principalId\":\"ci-deployer\"");
    assertThat(benchmark.bareVerify()).isTrue();
    assertThat(benchmark.signatureCheck()).isTrue();
    assertThat(benchmark.verifyOnly().clientId()).isEqualTo("ci-deployer");
  }

  @Test
  void tokenBenchmarkIssuesTokensAndSignsAPayloadAsLongAsTheirSigningInput() throws Exception {
    TokenBenchmark benchmark = new TokenBenchmark();
    benchmark.setUp();

    String token = benchmark.issue().accessToken();
    assertThat(token.substring(0, token.lastIndexOf('.')).length())
        .isEqualTo(benchmark.payloadLength());
    assertThat(benchmark.bareSign()).hasSize(256);
    assertThat(new String(benchmark.handlerIam(), StandardCharsets.UTF_8))
        .contains("\"statusCode\":200")
        .contains("access_token");
  }
}
