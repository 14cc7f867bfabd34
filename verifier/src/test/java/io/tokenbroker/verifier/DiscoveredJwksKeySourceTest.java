package io.tokenbroker.verifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.tokenbroker.errors.ServiceFailure;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DiscoveredJwksKeySourceTest {

  private static final URI HTTPS_ISSUER = URI.create("https://broker.example.com");

  @Test
  void anHttpsIssuersKeysNeverComeOverPlainHttpNotEvenFromLoopback() {
    assertThatThrownBy(
            () ->
                DiscoveredJwksKeySource.jwksUri(
                    HTTPS_ISSUER,
                    Map.of(
                        "issuer",
                        HTTPS_ISSUER.toString(),
                        "jwks_uri",
                        "http://127.0.0.1:8080/jwks.json")))
        .isInstanceOfSatisfying(ServiceFailure.class, f -> assertThat(f.retryable()).isFalse())
        .hasMessageContaining("http jwks_uri");
    assertThat(
            DiscoveredJwksKeySource.jwksUri(
                HTTPS_ISSUER,
                Map.of(
                    "issuer",
                    HTTPS_ISSUER.toString(),
                    "jwks_uri",
                    "https://keys.example.com/jwks.json")))
        .isEqualTo(URI.create("https://keys.example.com/jwks.json"));
    // A local (loopback http) issuer may name a loopback http jwks_uri.
    URI local = URI.create("http://127.0.0.1:3000");
    assertThat(
            DiscoveredJwksKeySource.jwksUri(
                local,
                Map.of("issuer", local.toString(), "jwks_uri", "http://127.0.0.1:3000/jwks")))
        .isEqualTo(URI.create("http://127.0.0.1:3000/jwks"));
  }

  @Test
  void aThrottledDiscoveryIsWorthAskingAgain() throws Exception {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          exchange.sendResponseHeaders(429, -1);
          exchange.close();
        });
    server.start();
    try {
      URI issuer = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
      assertThatThrownBy(() -> new DiscoveredJwksKeySource(issuer, Duration.ofSeconds(2)).fetch())
          .isInstanceOfSatisfying(ServiceFailure.class, f -> assertThat(f.retryable()).isTrue())
          .hasMessageContaining("429");
    } finally {
      server.stop(0);
    }
  }
}
