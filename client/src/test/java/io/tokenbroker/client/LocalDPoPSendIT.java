package io.tokenbroker.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.SignedJWT;
import io.tokenbroker.local.LocalBroker;
import io.tokenbroker.local.LocalBrokerOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * The client library end to end against the real local server with DPoP nonces required: {@code
 * TokenClient...dpop()} gets a bound token (answering the broker's 400 use_dpop_nonce once), and
 * {@link AccessToken#send} calls the demo API, whose authorizer answers the first call with its
 * nonce challenge (a 403 from API Gateway's ACCESS_DENIED gateway response, not a 401) and lets the
 * retry through.
 *
 * <p>The API is called on the local server's HTTPS listener: API Gateway serves HTTPS only, so the
 * authorizer compares htu with an https:// URL, which a proof for the plain HTTP listener would not
 * name.
 */
class LocalDPoPSendIT {

  private static LocalBroker broker;

  @BeforeAll
  static void start() {
    broker =
        LocalBroker.start(
            new LocalBrokerOptions(
                    0, Optional.empty(), "tb-client-nonce-", Optional.empty(), Duration.ZERO)
                .withDpopNonces(true)
                .withHttps(new LocalBrokerOptions.Https(0, Optional.empty())));
  }

  @AfterAll
  static void stop() {
    broker.close();
  }

  @Test
  void sendAnswersTheAuthorizersNonceChallengeAndTheCallSucceeds() throws Exception {
    TokenClient tokens =
        TokenClient.builder(
                broker.issuer(),
                IamAuthentication.with(
                    StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(
                            TestBroker.DEMO_ACCESS_KEY, TestBroker.DEMO_SECRET_KEY)),
                    Region.US_EAST_1))
            .dpop()
            .build();
    AccessToken token = tokens.token(Set.of("demo:read"));
    assertThat(token.tokenType()).isEqualTo("DPoP");
    URI api = URI.create(broker.mtlsBaseUrl().orElseThrow() + "/demo/items/1");
    HttpClient https = trustingTheLocalServer();

    HttpResponse<String> response =
        token.send(https, HttpRequest.newBuilder(api), HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    // The retry was made with the authorizer's nonce, which the token keeps for that origin.
    assertThat(
            SignedJWT.parse(token.dpopProof("GET", api)).getJWTClaimsSet().getStringClaim("nonce"))
        .isNotBlank();
    // And the next call needs no challenge: it succeeds with the nonce already known.
    HttpResponse<String> again =
        https.send(
            HttpRequest.newBuilder(api)
                .header("Authorization", token.authorizationHeader())
                .header("DPoP", token.dpopProof("GET", api))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
  }

  private static HttpClient trustingTheLocalServer() throws Exception {
    KeyStore anchors = KeyStore.getInstance("PKCS12");
    anchors.load(null, null);
    anchors.setCertificateEntry("server", broker.httpsCertificate().orElseThrow());
    TrustManagerFactory trust = TrustManagerFactory.getInstance("PKIX");
    trust.init(anchors);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    return HttpClient.newBuilder().sslContext(context).build();
  }
}
