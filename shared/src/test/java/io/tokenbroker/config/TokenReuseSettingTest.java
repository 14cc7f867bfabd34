package io.tokenbroker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenbroker.errors.ConfigException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** TOKEN_REUSE_SECONDS: off by default, bounded, refused at start-up when out of bounds. */
class TokenReuseSettingTest {

  private static BrokerConfig config(Map<String, String> variables) {
    Map<String, String> env = new java.util.HashMap<>(variables);
    env.put("ISSUER", "https://broker.example.com/prod");
    return BrokerConfig.from(Env.of(env));
  }

  @Test
  void isOffByDefault() {
    assertThat(config(Map.of()).tokenReuse()).isEqualTo(Duration.ZERO);
  }

  @ParameterizedTest
  @CsvSource({"0, 900", "60, 900", "225, 900", "300, 1200", "300, 3600", "15, 60"})
  void acceptsAWindowWithinItsBounds(long seconds, long maxLifetime) {
    assertThat(
            config(
                    Map.of(
                        "TOKEN_REUSE_SECONDS", Long.toString(seconds),
                        "ACCESS_TOKEN_MAX_LIFETIME_SECONDS", Long.toString(maxLifetime)))
                .tokenReuse())
        .isEqualTo(Duration.ofSeconds(seconds));
  }

  @ParameterizedTest
  @CsvSource({
    "-1, 900, between 0 and 300",
    "301, 3600, between 0 and 300",
    "226, 900, at most a quarter of ACCESS_TOKEN_MAX_LIFETIME_SECONDS (225)",
    "16, 60, at most a quarter of ACCESS_TOKEN_MAX_LIFETIME_SECONDS (15)",
    "ten, 900, TOKEN_REUSE_SECONDS"
  })
  void refusesAWindowOutOfBoundsNamingTheVariable(
      String seconds, long maxLifetime, String message) {
    assertThatThrownBy(
            () ->
                config(
                    Map.of(
                        "TOKEN_REUSE_SECONDS",
                        seconds,
                        "ACCESS_TOKEN_MAX_LIFETIME_SECONDS",
                        Long.toString(maxLifetime))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("TOKEN_REUSE_SECONDS")
        .hasMessageContaining(message);
  }
}
