package io.tokenbroker.devsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The test issuer serves what real issuers serve, over TLS the fetcher can trust. */
class TestOidcIssuerTest {

  private static final TestOidcIssuer ISSUER = TestOidcIssuer.start();
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .sslContext(ISSUER.clientContext())
          .connectTimeout(Duration.ofSeconds(2))
          .build();

  @AfterEach
  void heal() {
    ISSUER.heal();
    ISSUER.up();
  }

  @AfterAll
  static void stop() {
    ISSUER.close();
  }

  private static HttpResponse<String> get(URI uri) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesDiscoveryNamingItselfAndItsJwks() throws Exception {
    HttpResponse<String> response = get(ISSUER.url(TestOidcIssuer.DISCOVERY));
    Map<String, Object> document = JSONObjectUtils.parse(response.body());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(document.get("issuer")).isEqualTo(ISSUER.issuer().toString());
    assertThat(document.get("jwks_uri")).isEqualTo(ISSUER.jwksUri().toString());
    assertThat(ISSUER.issuer().toString()).startsWith("https://localhost:");
  }

  @Test
  void githubAndKubernetesTokensVerifyWithThePublishedKeys() throws Exception {
    JWKSet keys = JWKSet.parse(get(ISSUER.jwksUri()).body());
    assertThat(keys.getKeys()).allMatch(k -> !k.isPrivate());

    SignedJWT github = SignedJWT.parse(ISSUER.github("https://broker.example").sign());
    JWK rsa = keys.getKeyByKeyId(github.getHeader().getKeyID());
    assertThat(github.verify(new RSASSAVerifier(rsa.toRSAKey()))).isTrue();
    // GitHub's shapes: an environment's job has the environment subject, another the ref one
    assertThat(github.getJWTClaimsSet().getSubject())
        .isEqualTo("repo:acme/deployer:environment:production");
    assertThat(github.getJWTClaimsSet().getStringClaim("environment")).isEqualTo("production");
    assertThat(github.getJWTClaimsSet().getStringClaim("ref")).isEqualTo("refs/heads/main");
    var branch =
        SignedJWT.parse(ISSUER.githubWithoutEnvironment("https://broker.example").sign())
            .getJWTClaimsSet();
    assertThat(branch.getSubject()).isEqualTo("repo:acme/deployer:ref:refs/heads/main");
    assertThat(branch.getClaims()).doesNotContainKey("environment").containsKey("ref");
    assertThat(github.getJWTClaimsSet().getIssuer()).isEqualTo(ISSUER.issuer().toString());

    SignedJWT kubernetes = SignedJWT.parse(ISSUER.kubernetes("sts.example").alg("ES256").sign());
    JWK ec = keys.getKeyByKeyId(kubernetes.getHeader().getKeyID());
    assertThat(kubernetes.verify(new ECDSAVerifier(ec.toECKey()))).isTrue();
    assertThat(kubernetes.getJWTClaimsSet().getJSONObjectClaim("kubernetes.io"))
        .containsEntry("namespace", "payments");
  }

  @Test
  void aForgedTokenDoesNotVerify() throws Exception {
    JWKSet keys = JWKSet.parse(get(ISSUER.jwksUri()).body());
    SignedJWT forged = SignedJWT.parse(ISSUER.github("a").forged().sign());

    assertThat(forged.getHeader().getKeyID()).isEqualTo(ISSUER.rsaKid());
    assertThat(forged.verify(new RSASSAVerifier(keys.getKeyByKeyId(ISSUER.rsaKid()).toRSAKey())))
        .isFalse();
  }

  @Test
  void rotationPublishesTheNewKeyNextToTheOld() throws Exception {
    String old = ISSUER.rsaKid();
    String fresh = ISSUER.rotate();
    JWKSet keys = JWKSet.parse(get(ISSUER.jwksUri()).body());

    assertThat(keys.getKeyByKeyId(fresh)).isNotNull();
    assertThat(keys.getKeyByKeyId(old)).isNotNull();
    ISSUER.retire(old);
    assertThat(JWKSet.parse(get(ISSUER.jwksUri()).body()).getKeyByKeyId(old)).isNull();
  }

  @Test
  void knobsMisbehaveAndRequestsAreCounted() throws Exception {
    int before = ISSUER.requests(TestOidcIssuer.JWKS);
    ISSUER.fail(TestOidcIssuer.JWKS, new TestOidcIssuer.Fault.Status(503));
    assertThat(get(ISSUER.jwksUri()).statusCode()).isEqualTo(503);
    ISSUER.fail(TestOidcIssuer.JWKS, new TestOidcIssuer.Fault.Redirect("https://elsewhere/"));
    assertThat(get(ISSUER.jwksUri()).headers().firstValue("Location"))
        .hasValue("https://elsewhere/");
    ISSUER.fail(TestOidcIssuer.JWKS, new TestOidcIssuer.Fault.Oversized(100_000, true));
    assertThat(get(ISSUER.jwksUri()).body()).hasSize(100_000);
    ISSUER.discoveryIssuer("https://token.actions.githubusercontent.com");
    assertThat(JSONObjectUtils.parse(get(ISSUER.url(TestOidcIssuer.DISCOVERY)).body()))
        .containsEntry("issuer", "https://token.actions.githubusercontent.com");

    assertThat(ISSUER.requests(TestOidcIssuer.JWKS)).isEqualTo(before + 3);
  }

  @Test
  void anOutageRefusesConnectionsUntilItIsOver() throws Exception {
    ISSUER.down();
    assertThatThrownBy(() -> get(ISSUER.jwksUri()))
        .isInstanceOfAny(ConnectException.class, IOException.class);
    ISSUER.up();
    assertThat(get(ISSUER.jwksUri()).statusCode()).isEqualTo(200);
  }
}
