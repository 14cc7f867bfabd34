package io.tokenbroker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenbroker.errors.ConfigException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EnvTest {

  @Test
  void namesTheMissingVariable() {
    assertThatThrownBy(() -> Env.of(Map.of()).required("KEYS_TABLE"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("KEYS_TABLE");
  }

  @Test
  void treatsBlankAsMissing() {
    assertThat(Env.of(Map.of("X", "  ")).optional("X")).isEmpty();
  }

  @Test
  void readsSecondsWithinBounds() {
    Env env = Env.of(Map.of("TTL", "90"));
    assertThat(env.seconds("TTL", Duration.ZERO, Duration.ZERO, Duration.ofMinutes(5)))
        .isEqualTo(Duration.ofSeconds(90));
    assertThatThrownBy(
            () -> env.seconds("TTL", Duration.ZERO, Duration.ZERO, Duration.ofSeconds(60)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("TTL")
        .hasMessageContaining("between 0 and 60");
  }

  @Test
  void rejectsNonNumericSeconds() {
    assertThatThrownBy(
            () ->
                Env.of(Map.of("TTL", "5m"))
                    .seconds("TTL", Duration.ZERO, Duration.ZERO, Duration.ofHours(1)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("TTL must be a whole number");
  }

  @Test
  void dropsTheTrailingSlashOfAUrl() {
    assertThat(Env.of(Map.of("ISSUER", "https://broker.example.com/prod/")).requiredUrl("ISSUER"))
        .isEqualTo(URI.create("https://broker.example.com/prod"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "ftp://broker.example.com",
        "broker.example.com",
        "https://x.example?a=b",
        "https://x.example#f",
        "https://"
      })
  void rejectsUrlsThatCannotBeAnIssuer(String value) {
    assertThatThrownBy(() -> Env.of(Map.of("ISSUER", value)).requiredUrl("ISSUER"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("ISSUER");
  }

  @Test
  void laysOverridesOverTheEnvironment() {
    Env env = Env.of(Map.of("A", "1", "B", "2")).with(Map.of("B", "3"));
    assertThat(env.required("A")).isEqualTo("1");
    assertThat(env.required("B")).isEqualTo("3");
  }
}
