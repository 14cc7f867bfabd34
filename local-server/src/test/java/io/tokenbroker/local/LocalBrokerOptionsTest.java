package io.tokenbroker.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenbroker.local.LocalBrokerOptions.LogFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LocalBrokerOptionsTest {

  private static final String[] NO_ARGS = {};

  @Test
  void logsReadableLinesUnlessJsonIsAskedFor() {
    assertThat(LocalBrokerOptions.parse(NO_ARGS, Map.of()).logFormat()).isEqualTo(LogFormat.TEXT);
    assertThat(LocalBrokerOptions.parse(NO_ARGS, Map.of("BROKER_LOG_FORMAT", "json")).logFormat())
        .isEqualTo(LogFormat.JSON);
    assertThat(LocalBrokerOptions.parse(NO_ARGS, Map.of("BROKER_LOG_FORMAT", "TEXT")).logFormat())
        .isEqualTo(LogFormat.TEXT);
    assertThat(LocalBrokerOptions.parse(NO_ARGS, Map.of("BROKER_LOG_FORMAT", "")).logFormat())
        .isEqualTo(LogFormat.TEXT);
  }

  @Test
  void refusesAnUnknownLogFormatNamingTheVariable() {
    assertThatThrownBy(() -> LocalBrokerOptions.parse(NO_ARGS, Map.of("BROKER_LOG_FORMAT", "xml")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("BROKER_LOG_FORMAT must be text or json, not 'xml'");
  }
}
