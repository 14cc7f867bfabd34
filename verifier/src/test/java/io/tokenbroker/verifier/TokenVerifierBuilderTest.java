package io.tokenbroker.verifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenbroker.errors.ConfigException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The builder refuses what would make a verifier weaker or wrong, when it is built. */
class TokenVerifierBuilderTest {

  private static TokenVerifier.Builder valid() {
    return TokenVerifier.builder()
        .issuer("https://broker.example.com/prod")
        .audience("https://orders.example.com")
        .route("GET /orders/*", "orders:read");
  }

  @Test
  void buildsWithIssuerAudienceAndRoutesAlone() {
    assertThat(valid().build()).isNotNull();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://broker.example.com/prod", // http to a host that is not loopback
        "http://127.1/prod", // a loopback address in a form resolvers read differently
        "https://user:pw@broker.example.com/prod",
        "https://broker.example.com/prod/", // iss never ends with a slash
        "https://broker.example.com/prod?x=1",
        "ftp://broker.example.com",
        "/prod"
      })
  void refusesAnIssuerThatIsNotAnHttpsBaseUrl(String issuer) {
    assertThatThrownBy(() -> TokenVerifier.builder().issuer(issuer))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://127.0.0.1:8080", "http://localhost:8080", "http://[::1]:8080"})
  void allowsPlainHttpToLoopbackForLocalDevelopment(String issuer) {
    assertThat(valid().issuer(issuer).build()).isNotNull();
  }

  @Test
  void refusesAJwksUriThatIsNotHttpsOrLoopback() {
    assertThatThrownBy(() -> valid().jwksUri("http://keys.example.com/jwks.json"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(valid().jwksUri("https://keys.example.com/jwks.json").build()).isNotNull();
  }

  @Test
  void requiresIssuerAudienceAndRoutes() {
    assertThatThrownBy(() -> TokenVerifier.builder().audience("a").route("GET /x").build())
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(
            () -> TokenVerifier.builder().issuer("https://b.example").route("GET /x").build())
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(
            () -> TokenVerifier.builder().issuer("https://b.example").audience("a").build())
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> TokenVerifier.builder().audience(" "))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void takesRoutesOneWayOnlyAndEachOnce() {
    assertThatThrownBy(() -> valid().routes("{\"GET /a\": []}").build())
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> valid().route("GET /orders/*", "orders:write"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> valid().discoverJwksUri().jwksUri("https://k.example/j").build())
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void refusesRouteRulesTheAuthorizerWouldRefuse() {
    assertThatThrownBy(() -> valid().route("FETCH /orders").build())
        .isInstanceOf(ConfigException.class);
    assertThatThrownBy(() -> valid().route("GET orders").build())
        .isInstanceOf(ConfigException.class);
    assertThatThrownBy(() -> valid().route("GET /orders/x", "two words").build())
        .isInstanceOf(ConfigException.class);
  }

  @Test
  void refusesSymmetricOrUnknownAlgorithmsAndOutOfRangeDurations() {
    assertThatThrownBy(() -> valid().algorithms("HS256").build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> valid().algorithms().build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> valid().clockSkew(Duration.ofMinutes(6)).build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> valid().maxTokenLifetime(Duration.ofDays(2)).build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> valid().keyCache(Duration.ofHours(2), Duration.ofSeconds(30)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> valid().keyCache(Duration.ofMinutes(5), Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> valid().timeout(Duration.ofMillis(10)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void refusesAnIntrospectionClientThatCouldNeverAuthenticate() {
    var key = io.tokenbroker.testing.TestKeys.rsa();
    assertThatThrownBy(
            () -> valid().introspection("orders-api", key.toPublicJWK(), "POST /x").build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> valid().introspection("orders api", key, "POST /x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> valid().introspection("orders-api", key))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> valid().introspection("orders-api", key, "POST x").build())
        .isInstanceOf(ConfigException.class);
    assertThat(valid().route("POST /x").introspection("orders-api", key, "POST /x").build())
        .isNotNull();
  }

  @Test
  void refusesAnIntrospectionRouteThatIsNotExactlyOneOfTheRules() {
    var key = io.tokenbroker.testing.TestKeys.rsa();
    // Matches requests "GET /orders/*" allows, but is not that rule: refused, not guessed at.
    assertThatThrownBy(() -> valid().introspection("orders-api", key, "GET /orders/1").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("GET /orders/1");
    assertThatThrownBy(
            () ->
                valid()
                    .route("POST /refunds", "orders:write")
                    .introspection("orders-api", key, "POST /refunds", "POST /payments")
                    .build())
        .isInstanceOf(IllegalStateException.class);
    assertThat(
            TokenVerifier.builder()
                .issuer("https://broker.example.com/prod")
                .audience("https://orders.example.com")
                .routes("{\"GET /orders/*\": [\"orders:read\"], \"POST /refunds\": []}")
                .introspection("orders-api", key, "POST /refunds")
                .build())
        .isNotNull();
  }
}
