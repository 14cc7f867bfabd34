package io.tokenbroker.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenbroker.local.LocalBrokerOptions.LogFormat;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
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
  void pointsAtALocalLeakReporterOnlyWithItsKeysUrl() {
    assertThat(LocalBrokerOptions.parse(NO_ARGS, Map.of()).leakReporter()).isEmpty();
    assertThat(
            LocalBrokerOptions.parse(
                    new String[] {
                      "--leak-reporter-keys-url",
                      "https://localhost:9443/meta/public_keys/secret_scanning",
                      "--trust-reporter-certs",
                      "/tmp/scanner.pem"
                    },
                    Map.of())
                .leakReporter())
        .contains(
            new LocalBrokerOptions.LeakReporter(
                java.net.URI.create("https://localhost:9443/meta/public_keys/secret_scanning"),
                Optional.of(Path.of("/tmp/scanner.pem"))));
    assertThatThrownBy(
            () ->
                LocalBrokerOptions.parse(
                    NO_ARGS, Map.of("BROKER_TRUST_REPORTER_CERTS", "/tmp/scanner.pem")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--leak-reporter-keys-url");
  }

  @Test
  void reusesTokensOnlyWhenAWindowIsGiven() {
    assertThat(LocalBrokerOptions.parse(NO_ARGS, Map.of()).tokenReuse()).isZero();
    assertThat(
            LocalBrokerOptions.parse(NO_ARGS, Map.of("BROKER_TOKEN_REUSE_SECONDS", "30"))
                .tokenReuse())
        .isEqualTo(java.time.Duration.ofSeconds(30));
    assertThat(
            LocalBrokerOptions.parse(
                    new String[] {"--token-reuse-seconds", "45"},
                    Map.of("BROKER_TOKEN_REUSE_SECONDS", "30"))
                .tokenReuse())
        .isEqualTo(java.time.Duration.ofSeconds(45));
    assertThatThrownBy(
            () -> LocalBrokerOptions.parse(NO_ARGS, Map.of("BROKER_TOKEN_REUSE_SECONDS", "soon")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("BROKER_TOKEN_REUSE_SECONDS");
    assertThatThrownBy(
            () -> LocalBrokerOptions.parse(new String[] {"--token-reuse-seconds", "-1"}, Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--token-reuse-seconds");
  }

  @Test
  void refusesAnUnknownLogFormatNamingTheVariable() {
    assertThatThrownBy(() -> LocalBrokerOptions.parse(NO_ARGS, Map.of("BROKER_LOG_FORMAT", "xml")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("BROKER_LOG_FORMAT must be text or json, not 'xml'");
  }

  @Test
  void servesHttpOnlyUnlessAnHttpsPortIsGiven() {
    assertThat(LocalBrokerOptions.parse(NO_ARGS, Map.of()).https()).isEmpty();
    assertThat(LocalBrokerOptions.parse(NO_ARGS, Map.of("BROKER_HTTPS_PORT", "")).https())
        .isEmpty();

    assertThat(
            LocalBrokerOptions.parse(
                    NO_ARGS,
                    Map.of("BROKER_HTTPS_PORT", "8443", "BROKER_TLS_TRUSTSTORE", "/etc/ca.pem"))
                .https())
        .contains(new LocalBrokerOptions.Https(8443, Optional.of(Path.of("/etc/ca.pem"))));
    assertThat(
            LocalBrokerOptions.parse(
                    new String[] {"--https-port", "0", "--truststore", "ca.pem"},
                    Map.of("BROKER_HTTPS_PORT", "8443"))
                .https())
        .contains(new LocalBrokerOptions.Https(0, Optional.of(Path.of("ca.pem"))));
  }

  @Test
  void refusesATruststoreWithoutAnHttpsPortAndAPortOutOfRange() {
    assertThatThrownBy(
            () -> LocalBrokerOptions.parse(new String[] {"--truststore", "ca.pem"}, Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--https-port");
    assertThatThrownBy(
            () -> LocalBrokerOptions.parse(NO_ARGS, Map.of("BROKER_HTTPS_PORT", "70000")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("between 0 and 65535");
  }

  @Test
  void trustsIssuersOnThisMachineOnlyWhenTold() {
    assertThat(LocalBrokerOptions.parse(NO_ARGS, Map.of()).outsideIssuerCerts()).isEmpty();
    assertThat(
            LocalBrokerOptions.parse(NO_ARGS, Map.of("BROKER_TRUST_ISSUER_CERTS", "issuer.pem"))
                .outsideIssuerCerts())
        .contains(java.nio.file.Path.of("issuer.pem"));
    assertThat(
            LocalBrokerOptions.parse(
                    new String[] {"--trust-issuer-certs", "cli.pem"},
                    Map.of("BROKER_TRUST_ISSUER_CERTS", "env.pem"))
                .outsideIssuerCerts())
        .contains(java.nio.file.Path.of("cli.pem"));
  }
}
