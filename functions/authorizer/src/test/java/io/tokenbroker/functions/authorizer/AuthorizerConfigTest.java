package io.tokenbroker.functions.authorizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import io.tokenbroker.config.ConfigException;
import io.tokenbroker.config.Env;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AuthorizerConfigTest {

  private static Map<String, String> valid() {
    Map<String, String> env = new HashMap<>();
    env.put("ISSUER", "https://broker.example.com/prod");
    env.put("AUDIENCE", "https://orders.example.com");
    env.put("ROUTE_SCOPES", "{\"GET /orders/*\": [\"orders:read\"]}");
    env.put("KEYS_TABLE", "keys");
    env.put("REVOCATIONS_TABLE", "revocations");
    return env;
  }

  @Test
  void readsAValidConfigurationWithSecureDefaults() {
    AuthorizerConfig config = AuthorizerConfig.from(Env.of(valid()));

    assertThat(config.policy().algorithms())
        .containsExactlyInAnyOrder(JWSAlgorithm.RS256, JWSAlgorithm.ES256);
    assertThat(config.policy().clockSkew()).isEqualTo(Duration.ofSeconds(60));
    assertThat(config.revocationCache()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.routes().rules()).hasSize(1);
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "ISSUER|''|ISSUER",
        "ISSUER|not a url|ISSUER",
        "AUDIENCE|''|AUDIENCE",
        "ROUTE_SCOPES|''|ROUTE_SCOPES",
        "ROUTE_SCOPES|{\"GET orders\": []}|ROUTE_SCOPES",
        "ALLOWED_ALGORITHMS|HS256|ALLOWED_ALGORITHMS",
        "ALLOWED_ALGORITHMS|none|ALLOWED_ALGORITHMS",
        "ALLOWED_ALGORITHMS|RS256,RS512|ALLOWED_ALGORITHMS",
        "CLOCK_SKEW_SECONDS|600|CLOCK_SKEW_SECONDS",
        "REVOCATIONS_TABLE|''|REVOCATIONS_TABLE",
        "JWKS_URL|https://broker.example.com/.well-known/jwks.json|exactly one of KEYS_TABLE",
        "KEYS_TABLE|''|exactly one of KEYS_TABLE",
        "REVOCATION_CACHE_SECONDS|-1|REVOCATION_CACHE_SECONDS"
      })
  void failsFastNamingWhatIsWrong(String variable, String value, String message) {
    Map<String, String> env = valid();
    env.put(variable, value);

    assertThatThrownBy(() -> AuthorizerConfig.from(Env.of(env)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(message);
  }
}
