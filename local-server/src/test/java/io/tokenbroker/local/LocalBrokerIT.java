package io.tokenbroker.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenbroker.adapters.aws.AwsClients;
import io.tokenbroker.adapters.aws.AwsSettings;
import io.tokenbroker.adapters.aws.ClientTimeouts;
import io.tokenbroker.adapters.dynamodb.DynamoDbClientRepository;
import io.tokenbroker.config.Env;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.jose4j.json.JsonUtil;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.PublicJsonWebKey;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local server as README's run command starts it: its own moto, real HTTP, real handlers. */
class LocalBrokerIT {

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static LocalBroker broker;

  @BeforeAll
  static void start() {
    broker =
        LocalBroker.start(
            new LocalBrokerOptions(
                0, Optional.empty(), "tb-local-it-", Optional.empty(), java.time.Duration.ZERO));
  }

  @AfterAll
  static void stop() {
    broker.close();
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(broker.issuer() + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesAJwksThatAnIndependentJoseLibraryAccepts() throws Exception {
    HttpResponse<String> response = get("/.well-known/jwks.json");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Cache-Control")).contains("public, max-age=300");
    JsonWebKeySet jwks = new JsonWebKeySet(response.body());
    assertThat(jwks.getJsonWebKeys()).hasSize(1);
    JsonWebKey jwk = jwks.getJsonWebKeys().getFirst();
    assertThat(jwk.getKeyId())
        .isEqualTo(jwk.calculateBase64urlEncodedThumbprint("SHA-256"))
        .isEqualTo(broker.signingKey().kid());
    assertThat(jwk.getUse()).isEqualTo("sig");
    assertThat(jwk.getAlgorithm()).isEqualTo("RS256");

    var kms =
        AwsClients.kms(
            AwsSettings.from(
                Env.of(
                    Map.of(
                        "AWS_ENDPOINT_URL", broker.awsEndpoint().toString(),
                        "AWS_REGION", "us-east-1",
                        "AWS_ACCESS_KEY_ID", "test",
                        "AWS_SECRET_ACCESS_KEY", "test")),
                ClientTimeouts.background()));
    byte[] kmsPublicKey =
        kms.getPublicKey(r -> r.keyId(broker.signingKey().keyReference()))
            .publicKey()
            .asByteArray();
    assertThat(((PublicJsonWebKey) jwk).getPublicKey().getEncoded()).isEqualTo(kmsPublicKey);
  }

  @Test
  void servesMetadataNamingItsOwnUrls() throws Exception {
    for (String path :
        new String[] {
          "/.well-known/oauth-authorization-server", "/.well-known/openid-configuration"
        }) {
      Map<String, Object> metadata = JsonUtil.parseJson(get(path).body());
      assertThat(metadata)
          .containsEntry("issuer", broker.issuer().toString())
          .containsEntry("jwks_uri", broker.issuer() + "/.well-known/jwks.json");
    }
    // the demo API's scopes, the local stack's PUBLISHED_SCOPES, in the RFC 8414 document only
    // (OIDC Discovery 3 ties scopes_supported to the openid scope the broker does not support)
    assertThat(JsonUtil.parseJson(get("/.well-known/oauth-authorization-server").body()))
        .containsEntry("scopes_supported", java.util.List.of("demo:read", "demo:write"));
    assertThat(JsonUtil.parseJson(get("/.well-known/openid-configuration").body()))
        .doesNotContainKey("scopes_supported");
  }

  @Test
  void answersUnknownRoutesAsApiGatewayDoes() throws Exception {
    HttpResponse<String> response = get("/no/such/route");

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(response.body()).isEqualTo("{\"message\":\"Missing Authentication Token\"}");
  }

  @Test
  void refusesABodyOverApiGatewaysLimit() throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(broker.issuer() + "/.well-known/jwks.json"))
                .method(
                    "GET", HttpRequest.BodyPublishers.ofByteArray(new byte[10 * 1024 * 1024 + 1]))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(413);
  }

  @Test
  void loadsTheClientsFileAtStart(@TempDir Path dir) throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("clients.json"),
            """
            {"clients": [{"client_id": "from-file", "scopes": ["a"], "audiences": ["https://a"],
                          "iam_roles": ["arn:aws:iam::000000000000:role/from-file"]}]}
            """);
    try (LocalBroker withFile =
        LocalBroker.start(
            new LocalBrokerOptions(
                0,
                Optional.of(broker.awsEndpoint()),
                "tb-file-",
                Optional.of(file),
                java.time.Duration.ZERO))) {
      var clients =
          new DynamoDbClientRepository(
              AwsClients.dynamoDb(
                  AwsSettings.from(
                      Env.of(
                          Map.of(
                              "AWS_ENDPOINT_URL", broker.awsEndpoint().toString(),
                              "AWS_REGION", "us-east-1",
                              "AWS_ACCESS_KEY_ID", "test",
                              "AWS_SECRET_ACCESS_KEY", "test")),
                      ClientTimeouts.background())),
              withFile.tables().clients());
      assertThat(withFile.startedMoto()).isFalse();
      assertThat(clients.clientIdForRole("arn:aws:iam::000000000000:role/from-file"))
          .contains("from-file");
      assertThat(clients.find(LocalDemo.CLIENT_ID)).isPresent();
      // The banner confirms the file it loaded and names what it registered from it.
      assertThat(withFile.banner())
          .contains("clients            local-workload (demo workload, IAM role local-workload)")
          .contains("; from " + file + ": from-file")
          .contains("held by the AWS endpoint above");
    }
  }

  @Test
  void itsBannerNamesTheDemoAudienceAndTheClientsItRegistered() {
    String banner = broker.banner();

    assertThat(banner)
        .contains("demo API audience  " + broker.issuer() + "/demo")
        .contains("clients            local-workload (demo workload, IAM role local-workload)")
        .doesNotContain("; from ")
        .contains("gone when this server stops");
  }

  @Test
  void stopsTheMotoItStartedWhenClosed() throws Exception {
    LocalBroker second = LocalBroker.start(LocalBrokerOptions.onPort(0));
    URI moto = second.awsEndpoint();
    assertThat(second.startedMoto()).isTrue();

    second.close();

    assertThatThrownBy(
            () ->
                HTTP.send(
                    HttpRequest.newBuilder(moto.resolve("/moto-api/")).build(),
                    HttpResponse.BodyHandlers.discarding()))
        .isInstanceOf(ConnectException.class);
  }
}
