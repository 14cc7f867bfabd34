package io.tokenbroker.verifier;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.RSAKey;
import io.tokenbroker.local.DemoWorkload;
import io.tokenbroker.local.LocalBroker;
import io.tokenbroker.testing.TestKeys;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a JWKS-only service cannot see, and the remedy: a revoked token still passes the local
 * checks, but on a route that introspects, the broker (which reads its revocations table) says it
 * is inactive and the library refuses it. The service is a client the broker lets introspect,
 * authenticating with private_key_jwt.
 */
class IntrospectionIT {

  private static final RSAKey SERVICE_KEY = TestKeys.rsa();

  @Test
  void refusesARevokedTokenAtOnceOnTheRoutesThatIntrospectAndOnlyThere(@TempDir Path dir)
      throws Exception {
    Path clients =
        Files.writeString(
            dir.resolve("clients.json"),
            """
            {"clients": [{"client_id": "orders-api", "introspection": true,
                          "scopes": ["orders:none"], "audiences": ["https://orders.example.com"],
                          "jwks": {"keys": [%s]}}]}
            """
                .formatted(SERVICE_KEY.toPublicJWK().toJSONString()));
    try (LocalBroker broker = Brokers.another("tb-introspect-", Optional.of(clients))) {
      TokenVerifier verifier = verifier(broker, "orders-api");
      String token = Brokers.token(broker, "demo:read");
      String bearer = "Bearer " + token;
      assertThat(verifier.verify("GET", "/orders/1", bearer)).isInstanceOf(Decision.Allowed.class);
      assertThat(verifier.verify("POST", "/refunds", bearer)).isInstanceOf(Decision.Allowed.class);

      HttpResponse<String> revoked =
          Brokers.HTTP.send(
              DemoWorkload.signedPost(URI.create(broker.issuer() + "/revoke/iam"), "token=" + token)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);

      // The local checks cannot know: the revoked token passes where nobody asks the broker.
      assertThat(verifier.verify("GET", "/orders/1", bearer)).isInstanceOf(Decision.Allowed.class);
      Decision.Refused refused = (Decision.Refused) verifier.verify("POST", "/refunds", bearer);
      assertThat(refused.status()).isEqualTo(401);
      assertThat(refused.reason()).isEqualTo("token_inactive");
      assertThat(refused.wwwAuthenticate()).contains("Bearer error=\"invalid_token\"");

      // A service the broker does not know as a client: a misconfiguration, never an allow.
      Decision.Refused unknown =
          (Decision.Refused)
              verifier(broker, "not-registered")
                  .verify("POST", "/refunds", "Bearer " + Brokers.token(broker, "demo:read"));
      assertThat(unknown.status()).isEqualTo(500);
      assertThat(unknown.reason()).isEqualTo("introspection_unavailable");
    }
  }

  private static TokenVerifier verifier(LocalBroker broker, String clientId) {
    return TokenVerifier.builder()
        .issuer(broker.issuer().toString())
        .audience(Brokers.audience(broker))
        .route("GET /orders/*", "demo:read")
        .route("POST /refunds", "demo:read")
        .introspection(clientId, SERVICE_KEY, "POST /refunds")
        .build();
  }
}
