package io.tokenbroker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenbroker.errors.ConfigException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FederationConfigTest {

  @Test
  void defaultsFitTheTokenFunctionsTenSecondTimeout() {
    FederationConfig config = FederationConfig.from(Env.of(Map.of()));

    assertThat(config)
        .isEqualTo(
            new FederationConfig(
                Duration.ofSeconds(1),
                Duration.ofSeconds(2),
                Duration.ofSeconds(4),
                65536,
                Duration.ofMinutes(5),
                Duration.ofMinutes(1),
                Duration.ofMinutes(15)));
    assertThat(config.fetchDeadline()).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void readsEverySetting() {
    FederationConfig config =
        FederationConfig.from(
            Env.of(
                Map.of(
                    "FEDERATION_CONNECT_TIMEOUT_MILLIS", "300",
                    "FEDERATION_READ_TIMEOUT_MILLIS", "400",
                    "FEDERATION_FETCH_DEADLINE_MILLIS", "900",
                    "FEDERATION_MAX_DOCUMENT_BYTES", "8192",
                    "FEDERATION_JWKS_CACHE_SECONDS", "600",
                    "FEDERATION_JWKS_MIN_REFRESH_SECONDS", "30",
                    "FEDERATION_JWKS_OUTAGE_TOLERANCE_SECONDS", "0")));

    assertThat(config)
        .isEqualTo(
            new FederationConfig(
                Duration.ofMillis(300),
                Duration.ofMillis(400),
                Duration.ofMillis(900),
                8192,
                Duration.ofMinutes(10),
                Duration.ofSeconds(30),
                Duration.ZERO));
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource({
    "FEDERATION_CONNECT_TIMEOUT_MILLIS, 99",
    "FEDERATION_READ_TIMEOUT_MILLIS, 5001",
    "FEDERATION_FETCH_DEADLINE_MILLIS, 8001",
    "FEDERATION_MAX_DOCUMENT_BYTES, 2000000",
    "FEDERATION_JWKS_CACHE_SECONDS, 10",
    "FEDERATION_JWKS_MIN_REFRESH_SECONDS, 1",
    "FEDERATION_JWKS_OUTAGE_TOLERANCE_SECONDS, -1",
  })
  void refusesAValueOutOfRangeNamingTheVariable(String name, String value) {
    assertThatThrownBy(() -> FederationConfig.from(Env.of(Map.of(name, value))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(name);
  }

  @Test
  void refusesAMinimumRefreshIntervalLongerThanTheCacheTtl() {
    assertThatThrownBy(
            () ->
                FederationConfig.from(
                    Env.of(
                        Map.of(
                            "FEDERATION_JWKS_CACHE_SECONDS", "60",
                            "FEDERATION_JWKS_MIN_REFRESH_SECONDS", "120"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("FEDERATION_JWKS_MIN_REFRESH_SECONDS");
  }
}
