package io.tokenbroker.verifier;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.tokenbroker.devsupport.X509Builder;
import io.tokenbroker.jose.ClientCertificates;
import io.tokenbroker.json.Json;
import io.tokenbroker.local.LocalBroker;
import io.tokenbroker.local.LocalBrokerOptions;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * RFC 8705 3 in the verifier library: a service on a JDK {@link HttpsServer} that wants client
 * certificates accepts a certificate-bound token (from the local broker's mutual TLS endpoint) only
 * from a client presenting that certificate; {@link VerifierFilter} reads it from the SSL session.
 */
class VerifierFilterMutualTlsIT {

  private static final String AUDIENCE = "https://orders.example.com";
  private static final X509Builder.Issued CA =
      X509Builder.subject("CN=Verifier Test CA").ca().selfSigned();
  private static final X509Builder.Issued CLIENT =
      X509Builder.subject("CN=verifier-mtls").signedBy(CA);
  private static final X509Builder.Issued OTHER =
      X509Builder.subject("CN=verifier-mtls").signedBy(CA);
  private static final X509Builder.Issued SERVICE =
      X509Builder.subject("CN=orders service").ip("127.0.0.1").selfSigned();

  private static Path truststore;
  private static Path clients;
  private static LocalBroker broker;
  private static HttpsServer service;
  private static HttpServer plainService;
  private static String token;

  @BeforeAll
  static void start() throws Exception {
    truststore = Files.createTempFile("verifier-truststore-", ".pem");
    Files.writeString(truststore, CA.pem());
    clients = Files.createTempFile("verifier-mtls-clients-", ".json");
    Files.writeString(
        clients,
        """
        {"client_id": "verifier-mtls", "scopes": ["orders:read"], "audiences": ["%s"],
         "tls_client_auth_subject_dn": "CN=verifier-mtls",
         "tls_client_certificate_bound_access_tokens": true}
        """
            .formatted(AUDIENCE));
    broker =
        LocalBroker.start(
            new LocalBrokerOptions(
                    0,
                    Optional.of(Brokers.shared().awsEndpoint()),
                    "tb-vmtls-",
                    Optional.of(clients),
                    Duration.ZERO)
                .withHttps(
                    new LocalBrokerOptions.Https(
                        0, Optional.of(truststore), Optional.of(truststore))));
    HttpResponse<String> issued =
        client(Optional.of(CLIENT), broker.httpsCertificate().orElseThrow())
            .send(
                HttpRequest.newBuilder(URI.create(broker.mtlsBaseUrl().orElseThrow() + "/token"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "grant_type=client_credentials&scope=orders:read&client_id=verifier-mtls"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
    token = (String) Json.object(issued.body()).get("access_token");

    TokenVerifier verifier =
        TokenVerifier.builder()
            .issuer(broker.issuer().toString())
            .audience(AUDIENCE)
            .route("GET /orders/*", "orders:read")
            .build();
    service = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    SSLContext context = context(Optional.of(SERVICE), CA.certificate());
    service.setHttpsConfigurator(
        new HttpsConfigurator(context) {
          @Override
          public void configure(HttpsParameters params) {
            SSLParameters parameters = context.getDefaultSSLParameters();
            parameters.setWantClientAuth(true);
            params.setSSLParameters(parameters);
          }
        });
    VerifierFilter.protect(
        service.createContext("/orders", VerifierFilterMutualTlsIT::ok), verifier);
    service.start();
    plainService = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    VerifierFilter.protect(
        plainService.createContext("/orders", VerifierFilterMutualTlsIT::ok), verifier);
    plainService.start();
  }

  @AfterAll
  static void stop() throws Exception {
    service.stop(0);
    plainService.stop(0);
    broker.close();
    Files.deleteIfExists(truststore);
    Files.deleteIfExists(clients);
  }

  private static void ok(com.sun.net.httpserver.HttpExchange exchange) throws java.io.IOException {
    byte[] body = VerifierFilter.principal(exchange).orElseThrow().clientId().getBytes();
    exchange.sendResponseHeaders(200, body.length);
    try (exchange) {
      exchange.getResponseBody().write(body);
    }
  }

  @Test
  void acceptsTheBoundTokenFromTheClientHoldingItsCertificateOnly() throws Exception {
    assertThat(Tokens.claims(token).get("cnf"))
        .isEqualTo(Map.of("x5t#S256", ClientCertificates.thumbprint(CLIENT.certificate())));

    HttpResponse<String> holder = get(Optional.of(CLIENT));
    assertThat(holder.statusCode()).isEqualTo(200);
    assertThat(holder.body()).isEqualTo("verifier-mtls");

    for (Optional<X509Builder.Issued> other :
        List.of(Optional.<X509Builder.Issued>empty(), Optional.of(OTHER))) {
      HttpResponse<String> refused = get(other);
      assertThat(refused.statusCode()).isEqualTo(401);
      assertThat(refused.headers().firstValue("WWW-Authenticate"))
          .contains("Bearer error=\"invalid_token\"");
    }
    HttpResponse<String> plain =
        Brokers.HTTP.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:" + plainService.getAddress().getPort() + "/orders/1"))
                .header("Authorization", "Bearer " + token)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(plain.statusCode()).isEqualTo(401);
  }

  @Test
  void namesWhyInTheDecision() throws Exception {
    TokenVerifier verifier =
        TokenVerifier.builder()
            .issuer(broker.issuer().toString())
            .audience(AUDIENCE)
            .route("GET /orders/*", "orders:read")
            .build();
    String header = "Bearer " + token;

    assertThat(verifier.verify("GET", "/orders/1", header, Optional.of(CLIENT.certificate())))
        .isInstanceOf(Decision.Allowed.class);
    assertThat(verifier.verify("GET", "/orders/1", header, Optional.empty()))
        .isEqualTo(
            new Decision.Refused(
                401,
                "invalid_token",
                "client_certificate_missing",
                Optional.of("Bearer error=\"invalid_token\"")));
    assertThat(
            ((Decision.Refused)
                    verifier.verify("GET", "/orders/1", header, Optional.of(OTHER.certificate())))
                .reason())
        .isEqualTo("client_certificate_mismatch");
    assertThat(((Decision.Refused) verifier.verify("GET", "/orders/1", header)).reason())
        .isEqualTo("client_certificate_missing");
  }

  private static HttpResponse<String> get(Optional<X509Builder.Issued> cert) throws Exception {
    return client(cert, SERVICE.certificate())
        .send(
            HttpRequest.newBuilder(
                    URI.create("https://127.0.0.1:" + service.getAddress().getPort() + "/orders/1"))
                .header("Authorization", "Bearer " + token)
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  private static HttpClient client(Optional<X509Builder.Issued> cert, X509Certificate server)
      throws Exception {
    return HttpClient.newBuilder().sslContext(context(cert, server)).build();
  }

  /** Presenting {@code own} (if any), trusting {@code trusted}. */
  private static SSLContext context(Optional<X509Builder.Issued> own, X509Certificate trusted)
      throws Exception {
    char[] password = "test".toCharArray();
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    if (own.isPresent()) {
      keys.setKeyEntry(
          "own",
          own.get().keys().getPrivate(),
          password,
          new Certificate[] {own.get().certificate()});
    }
    KeyManagerFactory keyManagers = KeyManagerFactory.getInstance("PKIX");
    keyManagers.init(keys, password);
    KeyStore anchors = KeyStore.getInstance("PKCS12");
    anchors.load(null, null);
    anchors.setCertificateEntry("trusted", trusted);
    TrustManagerFactory trustManagers = TrustManagerFactory.getInstance("PKIX");
    trustManagers.init(anchors);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
    return context;
  }
}
