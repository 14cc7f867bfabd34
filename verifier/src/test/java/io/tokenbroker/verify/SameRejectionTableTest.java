package io.tokenbroker.verify;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.JWKSet;
import com.sun.net.httpserver.HttpServer;
import io.tokenbroker.verifier.Decision;
import io.tokenbroker.verifier.TokenVerifier;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The shared verifier's rejection table ({@link AccessTokenVerifierTest#attacks}), sent through the
 * library as Authorization headers, with the table's keys served as a JWKS over HTTP: every row is
 * refused with the same reason, so the library runs the same verifier. Rows whose token cannot
 * travel as one bearer credential (empty, with whitespace) are refused before the verifier.
 */
class SameRejectionTableTest {

  private static HttpServer jwks;
  private static TokenVerifier verifier;

  @BeforeAll
  static void serveTheTableKeys() throws Exception {
    byte[] body =
        new JWKSet(List.of(AccessTokenVerifierTest.RSA, AccessTokenVerifierTest.EC))
            .toPublicJWKSet()
            .toString()
            .getBytes(StandardCharsets.UTF_8);
    jwks = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    jwks.createContext(
        "/jwks.json",
        exchange -> {
          exchange.sendResponseHeaders(200, body.length);
          try (exchange) {
            exchange.getResponseBody().write(body);
          }
        });
    jwks.start();
    verifier =
        TokenVerifier.builder()
            .issuer(AccessTokenVerifierTest.ISSUER)
            .audience(AccessTokenVerifierTest.AUDIENCE)
            .route("GET /orders/*", "orders:read")
            .jwksUri("http://127.0.0.1:" + jwks.getAddress().getPort() + "/jwks.json")
            .clock(Clock.fixed(AccessTokenVerifierTest.NOW, ZoneOffset.UTC))
            .build();
  }

  @AfterAll
  static void stop() {
    jwks.stop(0);
  }

  static Stream<Arguments> sendableRows() {
    return AccessTokenVerifierTest.attacks()
        .filter(a -> isOneCredential(((AccessTokenVerifierTest.Row) a.get()[0]).token().get()));
  }

  private static boolean isOneCredential(String token) {
    return !token.isEmpty() && token.chars().noneMatch(c -> c == ',' || Character.isWhitespace(c));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("sendableRows")
  void refusesEveryRowWithTheSharedVerifiersReason(AccessTokenVerifierTest.Row row) {
    Decision decision = verifier.verify("GET", "/orders/1", "Bearer " + row.token().get());

    assertThat(decision).isInstanceOf(Decision.Refused.class);
    Decision.Refused refused = (Decision.Refused) decision;
    assertThat(refused.reason()).isEqualTo(row.reason());
    assertThat(refused.status()).isEqualTo(401);
    assertThat(refused.wwwAuthenticate()).contains("Bearer error=\"invalid_token\"");
  }

  @Test
  void sendsMostOfTheTableAndAcceptsItsGoodToken() {
    assertThat(sendableRows().count()).isGreaterThan(AccessTokenVerifierTest.attacks().count() - 5);
    assertThat(verifier.verify("GET", "/orders/1", "Bearer " + AccessTokenVerifierTest.good()))
        .isInstanceOf(Decision.Allowed.class);
  }
}
