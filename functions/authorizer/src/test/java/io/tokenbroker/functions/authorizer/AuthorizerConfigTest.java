package io.tokenbroker.functions.authorizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import io.tokenbroker.config.Env;
import io.tokenbroker.errors.ConfigException;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

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

  @Test
  void checksDpopProofsOnlyWhereApiGatewayAsksAboutEveryRequest() {
    assertThat(AuthorizerConfig.from(Env.of(valid())).seesEveryRequest()).isFalse();
    Map<String, String> env = valid();
    env.put("AUTHORIZER_RESULT_TTL_SECONDS", "300");
    AuthorizerConfig cached = AuthorizerConfig.from(Env.of(env));
    assertThat(cached.seesEveryRequest()).isFalse();
    assertThat(cached.dpopReplayTable()).isEmpty();
    env.put("AUTHORIZER_RESULT_TTL_SECONDS", "0");
    env.put("ASSERTIONS_TABLE", "assertions");
    AuthorizerConfig uncached = AuthorizerConfig.from(Env.of(env));
    assertThat(uncached.seesEveryRequest()).isTrue();
    assertThat(uncached.dpopReplayTable()).contains("assertions");
    assertThat(uncached.dpop().proofMaxAge()).isEqualTo(Duration.ofSeconds(60));
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
        "REVOCATION_CACHE_SECONDS|-1|REVOCATION_CACHE_SECONDS",
        "AUTHORIZER_RESULT_TTL_SECONDS|3601|AUTHORIZER_RESULT_TTL_SECONDS",
        "AUTHORIZER_RESULT_TTL_SECONDS|-1|AUTHORIZER_RESULT_TTL_SECONDS",
        "AUTHORIZER_RESULT_TTL_SECONDS|0|ASSERTIONS_TABLE",
        "DPOP_PROOF_MAX_AGE_SECONDS|3600|DPOP_PROOF_MAX_AGE_SECONDS"
      })
  void failsFastNamingWhatIsWrong(String variable, String value, String message) {
    Map<String, String> env = valid();
    env.put(variable, value);

    assertThatThrownBy(() -> AuthorizerConfig.from(Env.of(env)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(message);
  }

  private static Map<String, String> withJwksUrl(String url) {
    Map<String, String> env = valid();
    env.remove("KEYS_TABLE");
    env.put("JWKS_URL", url);
    return env;
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://broker.example.com/.well-known/jwks.json",
        "https://broker.example.com:8443/prod/.well-known/jwks.json",
        "https://127.0.0.1/jwks",
        "http://127.0.0.1:4566/.well-known/jwks.json",
        "http://127.255.10.1/jwks",
        "http://localhost:8080/.well-known/jwks.json",
        "http://LocalHost/jwks",
        "http://[::1]:8080/.well-known/jwks.json"
      })
  void acceptsAnHttpsJwksUrlOrHttpOnLoopback(String url) {
    assertThat(AuthorizerConfig.from(Env.of(withJwksUrl(url))).jwksUrl()).contains(URI.create(url));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://broker.example.com/.well-known/jwks.json",
        "http://127.0.0.1.evil.com/jwks",
        "http://localhost.evil/jwks",
        "http://localhost./jwks",
        "http://127.0.0.1@evil.example/jwks",
        "http://localhost:80@evil.example/jwks",
        "https://user:secret@broker.example.com/jwks",
        "https://broker.example.com/jwks#frag",
        "http://evil.example/jwks#@127.0.0.1",
        "https://broker.example.com/jwks?x=1",
        "HTTPS://broker.example.com/jwks",
        "HTTP://127.0.0.1/jwks",
        "ftp://broker.example.com/jwks",
        "file:///etc/jwks.json",
        "jar:https://broker.example.com/k.jar!/jwks",
        "ws://127.0.0.1/jwks",
        "//broker.example.com/jwks",
        "https:/jwks",
        "http://127.1/jwks",
        "http://0x7f.0.0.1/jwks",
        "http://2130706433/jwks",
        "http://0177.0.0.1/jwks",
        "http://127.0.0.01/jwks",
        "http://127.0.0.256/jwks",
        "http://128.0.0.1/jwks",
        "http://[::2]/jwks",
        "http://[::ffff:127.0.0.1]/jwks",
        "http://[0:0:0:0:0:0:0:1]/jwks"
      })
  void refusesAJwksUrlThatIsNotHttpsOrLoopbackHttp(String url) {
    assertThatThrownBy(() -> AuthorizerConfig.from(Env.of(withJwksUrl(url))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("JWKS_URL");
  }
}
