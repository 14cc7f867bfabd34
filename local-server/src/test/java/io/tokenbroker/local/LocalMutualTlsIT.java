package io.tokenbroker.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.util.JSONObjectUtils;
import io.tokenbroker.adapters.aws.AwsClients;
import io.tokenbroker.adapters.aws.AwsSettings;
import io.tokenbroker.adapters.aws.ClientTimeouts;
import io.tokenbroker.adapters.dynamodb.DynamoDbClientRepository;
import io.tokenbroker.adapters.dynamodb.DynamoDbIssuanceRepository;
import io.tokenbroker.auth.AuthMethod;
import io.tokenbroker.clients.ClientAdmin;
import io.tokenbroker.clients.ClientJson;
import io.tokenbroker.config.Env;
import io.tokenbroker.devsupport.TestOidcIssuer;
import io.tokenbroker.devsupport.X509Builder;
import io.tokenbroker.jose.ClientCertificates;
import io.tokenbroker.json.Json;
import io.tokenbroker.tokens.Issuance;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * RFC 8705 end to end over the local server's HTTPS listener, with real TLS through the JDK: a CA,
 * client certificates and self-signed ones made in the test, the CA and the self-signed ones in the
 * listener's truststore (as the S3 truststore holds them for API Gateway).
 *
 * <ul>
 *   <li>a certificate-bound token (cnf x5t#S256) works with its certificate only: not without one,
 *       not with another certificate the truststore accepts, not as a bearer token over plain HTTP;
 *   <li>{@code tls_client_auth} by subject DN and by SAN dNSName, refused for an unregistered
 *       subject; {@code self_signed_tls_client_auth} by a registered certificate, refused for
 *       another one; the issuance record names the method and the certificate.
 * </ul>
 */
class LocalMutualTlsIT {

  private static final X509Builder.Issued CA =
      X509Builder.subject("CN=Test CA,O=Example").ca().selfSigned();
  private static final X509Builder.Issued BOUND =
      X509Builder.subject("CN=mtls-bound,O=Example").signedBy(CA);

  /** Same subject, another key: tls_client_auth accepts it, the binding does not. */
  private static final X509Builder.Issued SAME_SUBJECT =
      X509Builder.subject("CN=mtls-bound,O=Example").signedBy(CA);

  private static final X509Builder.Issued SAN =
      X509Builder.subject("CN=service").dns("svc.example.com").signedBy(CA);
  private static final X509Builder.Issued STRANGER =
      X509Builder.subject("CN=stranger,O=Example").dns("other.example.com").signedBy(CA);
  private static final X509Builder.Issued SELF = X509Builder.subject("CN=self").selfSigned();
  private static final X509Builder.Issued OTHER_SELF = X509Builder.subject("CN=self").selfSigned();

  /** The registered key in another certificate than its x5c: refused, the x5c pins the one. */
  private static final X509Builder.Issued SAME_KEY_SELF =
      X509Builder.subject("CN=self").selfSigned(SELF.keys());

  /**
   * A self-signed client whose certificate is a CA (openssl req -x509's default), in the truststore
   * as self-signed clients' certificates are: it can issue any subject the handshake accepts.
   */
  private static final X509Builder.Issued ROGUE =
      X509Builder.subject("CN=rogue,O=Example").ca().selfSigned();

  private static final X509Builder.Issued FORGED =
      X509Builder.subject("CN=mtls-bound,O=Example").signedBy(ROGUE);

  private static Path truststore;
  private static Path clientCas;
  private static Path outsideIssuers;
  private static TestOidcIssuer github;
  private static LocalBroker broker;
  private static DynamoDbClient dynamoDb;

  @BeforeAll
  static void start() throws Exception {
    truststore = Files.createTempFile("mtls-truststore-", ".pem");
    Files.writeString(
        truststore, CA.pem() + SELF.pem() + OTHER_SELF.pem() + SAME_KEY_SELF.pem() + ROGUE.pem());
    clientCas = Files.createTempFile("mtls-client-cas-", ".pem");
    Files.writeString(clientCas, CA.pem());
    github = TestOidcIssuer.start();
    outsideIssuers = Files.createTempFile("mtls-outside-issuers-", ".pem");
    Files.writeString(outsideIssuers, github.certificatePem());
    broker =
        LocalBroker.start(
            LocalBrokerOptions.onPort(0)
                .withHttps(
                    new LocalBrokerOptions.Https(
                        0, Optional.of(truststore), Optional.of(clientCas)))
                .withOutsideIssuerCerts(outsideIssuers));
    dynamoDb =
        AwsClients.dynamoDb(
            AwsSettings.from(
                Env.of(
                    Map.of(
                        "AWS_ENDPOINT_URL", broker.awsEndpoint().toString(),
                        "AWS_REGION", "us-east-1",
                        "AWS_ACCESS_KEY_ID", "test",
                        "AWS_SECRET_ACCESS_KEY", "test")),
                ClientTimeouts.background()));
    ClientAdmin clients =
        new ClientAdmin(new DynamoDbClientRepository(dynamoDb, broker.tables().clients()));
    String audience = broker.issuer() + "/demo";
    clients.put(
        ClientJson.parse(
            """
            {"client_id": "mtls-bound", "scopes": ["demo:read"], "audiences": ["%s"],
             "tls_client_auth_subject_dn": "CN=mtls-bound, O=Example",
             "tls_client_certificate_bound_access_tokens": true}
            """
                .formatted(audience)));
    clients.put(
        ClientJson.parse(
            """
            {"client_id": "mtls-san", "scopes": ["demo:read"], "audiences": ["%s"],
             "tls_client_auth_san_dns": "svc.example.com"}
            """
                .formatted(audience)));
    JWK selfKey =
        new ECKey.Builder(Curve.P_256, (ECPublicKey) SELF.certificate().getPublicKey())
            .x509CertChain(
                List.of(com.nimbusds.jose.util.Base64.encode(SELF.certificate().getEncoded())))
            .keyID("self-1")
            .build();
    clients.put(
        ClientJson.parse(
            """
            {"client_id": "mtls-self", "scopes": ["demo:read"], "audiences": ["%s"],
             "jwks": {"keys": [%s]}, "self_signed_tls_client_auth": true,
             "tls_client_certificate_bound_access_tokens": true}
            """
                .formatted(audience, JSONObjectUtils.toJSONString(selfKey.toJSONObject()))));
  }

  @AfterAll
  static void stop() throws IOException {
    dynamoDb.close();
    broker.close();
    github.close();
    Files.deleteIfExists(truststore);
    Files.deleteIfExists(clientCas);
    Files.deleteIfExists(outsideIssuers);
  }

  /**
   * Over the mutual TLS domain every caller presents a certificate: for a client that registered no
   * certificate authentication it is no credential, so its outside token still authenticates it
   * (federation), and its policy's certificate binding still binds the token.
   */
  @Test
  void aFederatedWorkloadExchangesItsTokenOverMutualTlsAndGetsItBoundToItsCertificate()
      throws Exception {
    String audience = broker.issuer() + "/demo";
    new ClientAdmin(new DynamoDbClientRepository(dynamoDb, broker.tables().clients()))
        .put(
            ClientJson.parse(
                """
                {"client_id": "mtls-federated", "scopes": ["demo:read"], "audiences": ["%s"],
                 "tls_client_certificate_bound_access_tokens": true,
                 "trust_policies": [{"name": "deploy", "issuer": "%s", "audience": "%s",
                   "subject": "repo:acme/deployer:environment:production"}]}
                """
                    .formatted(audience, github.issuer(), broker.issuer())));
    String form =
        "grant_type="
            + enc("urn:ietf:params:oauth:grant-type:token-exchange")
            + "&client_id=mtls-federated&scope=demo%3Aread&subject_token_type="
            + enc("urn:ietf:params:oauth:token-type:jwt")
            + "&subject_token="
            + enc(github.github(broker.issuer().toString()).sign());

    HttpResponse<String> issued =
        https(Optional.of(STRANGER))
            .send(
                HttpRequest.newBuilder(URI.create(broker.mtlsBaseUrl().orElseThrow() + "/token"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form))
                    .build(),
                HttpResponse.BodyHandlers.ofString());

    assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
    String token = (String) Json.object(issued.body()).get("access_token");
    assertThat(cnf(token)).containsExactly(Map.entry("x5t#S256", thumbprint(STRANGER)));
    assertThat(record(token).authMethod()).isEqualTo(AuthMethod.FEDERATED);
    assertThat(demo(Optional.of(STRANGER), token).statusCode()).isEqualTo(200);
  }

  private static String enc(String value) {
    return java.net.URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  @Test
  void aBoundTokenWorksWithItsCertificateOnly() throws Exception {
    HttpResponse<String> issued = token(Optional.of(BOUND), "mtls-bound");
    assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
    String token = (String) Json.object(issued.body()).get("access_token");
    assertThat(cnf(token)).containsExactly(Map.entry("x5t#S256", thumbprint(BOUND)));

    assertThat(demo(Optional.of(BOUND), token).statusCode()).isEqualTo(200);
    assertThat(demo(Optional.empty(), token).statusCode()).isEqualTo(401);
    assertThat(demo(Optional.of(SAME_SUBJECT), token).statusCode()).isEqualTo(401);
    assertThat(demo(Optional.of(SELF), token).statusCode()).isEqualTo(401);
    HttpResponse<String> plain =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(broker.issuer() + "/demo/hello"))
                    .header("Authorization", "Bearer " + token)
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(plain.statusCode()).isEqualTo(401);
  }

  @Test
  void tlsClientAuthMatchesTheRegisteredSubjectAndRecordsIt() throws Exception {
    HttpResponse<String> bySubject = token(Optional.of(SAME_SUBJECT), "mtls-bound");
    assertThat(bySubject.statusCode()).as(bySubject.body()).isEqualTo(200);
    Issuance record = record((String) Json.object(bySubject.body()).get("access_token"));
    assertThat(record.authMethod()).isEqualTo(AuthMethod.TLS_CLIENT_AUTH);
    assertThat(record.callerIdentity()).isEqualTo("x509:CN=mtls-bound,O=Example");
    assertThat(record.confirmation().orElseThrow().thumbprint())
        .isEqualTo(thumbprint(SAME_SUBJECT));

    HttpResponse<String> bySan = token(Optional.of(SAN), "mtls-san");
    assertThat(bySan.statusCode()).as(bySan.body()).isEqualTo(200);
    String unbound = (String) Json.object(bySan.body()).get("access_token");
    assertThat(cnf(unbound)).isNull(); // a client without the flag keeps bearer tokens
    assertThat(demo(Optional.empty(), unbound).statusCode()).isEqualTo(200);
  }

  @Test
  void tlsClientAuthRefusesAnotherSubjectAndAMissingCertificate() throws Exception {
    for (var attempt :
        List.of(
            Map.entry(Optional.of(STRANGER), "mtls-bound"),
            Map.entry(Optional.of(STRANGER), "mtls-san"),
            Map.entry(Optional.of(SELF), "mtls-bound"),
            Map.entry(Optional.<X509Builder.Issued>empty(), "mtls-bound"))) {
      HttpResponse<String> refused = token(attempt.getKey(), attempt.getValue());
      assertThat(refused.statusCode()).as(refused.body()).isEqualTo(401);
      assertThat(Json.object(refused.body())).containsEntry("error", "invalid_client");
    }
  }

  /** RFC 8705 7.4: the handshake accepts the forged certificate; the broker does not. */
  @Test
  void aSelfSignedClientsCertificateCannotVouchForATlsClientAuthName() throws Exception {
    HttpResponse<String> forged = token(Optional.of(FORGED), "mtls-bound");
    assertThat(forged.statusCode()).as(forged.body()).isEqualTo(401);
    assertThat(Json.object(forged.body())).containsEntry("error", "invalid_client");
  }

  @Test
  void selfSignedTlsClientAuthAcceptsTheRegisteredCertificateOnly() throws Exception {
    HttpResponse<String> issued = token(Optional.of(SELF), "mtls-self");
    assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
    String token = (String) Json.object(issued.body()).get("access_token");
    assertThat(cnf(token)).containsExactly(Map.entry("x5t#S256", thumbprint(SELF)));
    Issuance record = record(token);
    assertThat(record.authMethod()).isEqualTo(AuthMethod.SELF_SIGNED_TLS_CLIENT_AUTH);
    assertThat(record.callerIdentity()).isEqualTo("x5t#S256:" + thumbprint(SELF));
    assertThat(demo(Optional.of(SELF), token).statusCode()).isEqualTo(200);
    assertThat(demo(Optional.of(OTHER_SELF), token).statusCode()).isEqualTo(401);

    for (X509Builder.Issued other : List.of(OTHER_SELF, SAME_KEY_SELF, BOUND)) {
      HttpResponse<String> refused = token(Optional.of(other), "mtls-self");
      assertThat(refused.statusCode()).as(refused.body()).isEqualTo(401);
      assertThat(Json.object(refused.body())).containsEntry("error", "invalid_client");
    }
  }

  @Test
  void aCertificateTheTruststoreDoesNotHoldFailsTheHandshake() throws Exception {
    X509Builder.Issued untrusted = X509Builder.subject("CN=mtls-bound,O=Example").selfSigned();
    // Presented whatever CAs the server names (the JDK's own key manager would hold it back).
    X509ExtendedKeyManager insistent =
        new X509ExtendedKeyManager() {
          @Override
          public String chooseClientAlias(String[] types, Principal[] issuers, Socket socket) {
            return "client";
          }

          @Override
          public String chooseEngineClientAlias(
              String[] types, Principal[] issuers, SSLEngine engine) {
            return "client";
          }

          @Override
          public X509Certificate[] getCertificateChain(String alias) {
            return new X509Certificate[] {untrusted.certificate()};
          }

          @Override
          public PrivateKey getPrivateKey(String alias) {
            return untrusted.keys().getPrivate();
          }

          @Override
          public String[] getClientAliases(String type, Principal[] issuers) {
            return new String[] {"client"};
          }

          @Override
          public String[] getServerAliases(String type, Principal[] issuers) {
            return null;
          }

          @Override
          public String chooseServerAlias(String type, Principal[] issuers, Socket socket) {
            return null;
          }
        };
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(new KeyManager[] {insistent}, trustServer().getTrustManagers(), null);
    HttpClient client = HttpClient.newBuilder().sslContext(context).build();

    assertThatThrownBy(
            () ->
                client.send(
                    HttpRequest.newBuilder(
                            URI.create(broker.mtlsBaseUrl().orElseThrow() + "/token"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(
                            HttpRequest.BodyPublishers.ofString(
                                "grant_type=client_credentials&client_id=mtls-bound"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(IOException.class);
  }

  @Test
  @SuppressWarnings("unchecked")
  void discoveryAdvertisesCertificateBoundTokensAndTheMutualTlsEndpoints() throws Exception {
    HttpResponse<String> response =
        https(Optional.empty())
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            broker.mtlsBaseUrl().orElseThrow()
                                + "/.well-known/oauth-authorization-server"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    Map<String, Object> metadata = Json.object(response.body());
    String base = broker.mtlsBaseUrl().orElseThrow().toString();
    assertThat(metadata).containsEntry("tls_client_certificate_bound_access_tokens", true);
    assertThat(metadata.get("mtls_endpoint_aliases"))
        .isEqualTo(
            Map.of(
                "token_endpoint", base + "/token",
                "revocation_endpoint", base + "/revoke",
                "introspection_endpoint", base + "/introspect"));
    assertThat((List<Object>) metadata.get("token_endpoint_auth_methods_supported"))
        .contains("private_key_jwt", "tls_client_auth", "self_signed_tls_client_auth");
    assertThat(metadata).containsEntry("token_endpoint", broker.issuer() + "/token");
  }

  // ---- helpers

  private static HttpResponse<String> token(Optional<X509Builder.Issued> cert, String clientId)
      throws Exception {
    return https(cert)
        .send(
            HttpRequest.newBuilder(URI.create(broker.mtlsBaseUrl().orElseThrow() + "/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "grant_type=client_credentials&scope=demo:read&client_id=" + clientId))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> demo(Optional<X509Builder.Issued> cert, String token)
      throws Exception {
    return https(cert)
        .send(
            HttpRequest.newBuilder(URI.create(broker.mtlsBaseUrl().orElseThrow() + "/demo/hello"))
                .header("Authorization", "Bearer " + token)
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  /** A client trusting the local server's certificate, presenting {@code cert} if given. */
  private static HttpClient https(Optional<X509Builder.Issued> cert) throws Exception {
    char[] password = "test".toCharArray();
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    if (cert.isPresent()) {
      keys.setKeyEntry(
          "client",
          cert.get().keys().getPrivate(),
          password,
          new Certificate[] {cert.get().certificate()});
    }
    KeyManagerFactory keyManagers = KeyManagerFactory.getInstance("PKIX");
    keyManagers.init(keys, password);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keyManagers.getKeyManagers(), trustServer().getTrustManagers(), null);
    return HttpClient.newBuilder().sslContext(context).build();
  }

  private static TrustManagerFactory trustServer() throws Exception {
    KeyStore anchors = KeyStore.getInstance("PKCS12");
    anchors.load(null, null);
    anchors.setCertificateEntry("server", broker.httpsCertificate().orElseThrow());
    TrustManagerFactory trustManagers = TrustManagerFactory.getInstance("PKIX");
    trustManagers.init(anchors);
    return trustManagers;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> cnf(String token) throws Exception {
    String payload =
        new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
    return (Map<String, Object>) Json.object(payload).get("cnf");
  }

  private static String thumbprint(X509Builder.Issued cert) {
    return ClientCertificates.thumbprint(cert.certificate());
  }

  private static Issuance record(String token) throws Exception {
    String jti =
        (String)
            Json.object(
                    new String(
                        Base64.getUrlDecoder().decode(token.split("\\.")[1]),
                        StandardCharsets.UTF_8))
                .get("jti");
    return new DynamoDbIssuanceRepository(dynamoDb, broker.tables().issuances())
        .find(jti)
        .orElseThrow();
  }
}
