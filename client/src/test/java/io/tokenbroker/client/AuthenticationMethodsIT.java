package io.tokenbroker.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.SignedJWT;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyUsageType;

/**
 * Every way the broker authenticates a client, each used for a first grant and, after simulated
 * time, for the refresh grant (which the broker authenticates the same way); each token then opens
 * the demo API behind the real authorizer.
 */
class AuthenticationMethodsIT {

  private static final Set<String> READ = Set.of("demo:read");

  @TempDir Path dir;

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

  /** A first grant and a refresh grant with this authentication; both tokens open the demo API. */
  private String tokensWith(ClientAuthentication authentication) throws Exception {
    TokenClient tokens =
        TokenClient.builder(TestBroker.issuer(), authentication).clock(clock).build();
    AccessToken first = tokens.token(READ, TestBroker.demoAudience());
    clock.advance(Duration.ofSeconds(230));
    AccessToken refreshed = tokens.token(READ, TestBroker.demoAudience());

    assertThat(refreshed.value()).isNotEqualTo(first.value());
    assertThat(TestBroker.callDemoApi(first)).isEqualTo(200);
    assertThat(TestBroker.callDemoApi(refreshed)).isEqualTo(200);
    var claims = SignedJWT.parse(refreshed.value()).getJWTClaimsSet();
    // A refresh grant's tokens carry the grant's id; both came from one grant.
    assertThat(claims.getStringClaim("sid"))
        .isNotNull()
        .isEqualTo(SignedJWT.parse(first.value()).getJWTClaimsSet().getStringClaim("sid"));
    return claims.getStringClaim("client_id");
  }

  @Test
  void iamWithGivenCredentialsSignsWithSigV4() throws Exception {
    var credentials =
        StaticCredentialsProvider.create(
            AwsBasicCredentials.create(TestBroker.DEMO_ACCESS_KEY, TestBroker.DEMO_SECRET_KEY));

    assertThat(tokensWith(IamAuthentication.with(credentials, Region.US_EAST_1)))
        .isEqualTo("local-workload");
    assertThat(
            tokensWith(
                IamAuthentication.with(credentials, Region.US_EAST_1).forClient("local-workload")))
        .isEqualTo("local-workload");
  }

  @Test
  void iamWithTheSdksDefaultChainsFindsCredentialsAndRegion() throws Exception {
    // The chains' system properties (first in each chain), as a JVM in AWS gets them from the
    // environment; the SDK reads them when a request is signed.
    System.setProperty("aws.accessKeyId", TestBroker.DEMO_ACCESS_KEY);
    System.setProperty("aws.secretAccessKey", TestBroker.DEMO_SECRET_KEY);
    System.setProperty("aws.region", "us-east-1");
    try {
      assertThat(tokensWith(IamAuthentication.defaultChain())).isEqualTo("local-workload");
    } finally {
      System.clearProperty("aws.accessKeyId");
      System.clearProperty("aws.secretAccessKey");
      System.clearProperty("aws.region");
    }
  }

  @Test
  void iamWithAnUnknownAccessKeyIsRefusedByTheGateway() {
    var credentials =
        StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIAUNKNOWN000000001", "x"));
    TokenClient tokens =
        TokenClient.builder(
                TestBroker.issuer(), IamAuthentication.with(credentials, Region.US_EAST_1))
            .build();

    assertThatThrownBy(() -> tokens.token(READ, TestBroker.demoAudience()))
        .isInstanceOfSatisfying(
            TokenRequestRejected.class,
            e -> {
              assertThat(e.status()).isEqualTo(403);
              assertThat(e.errorDescription())
                  .hasValueSatisfying(d -> assertThat(d).contains("security token"));
            });
  }

  @Test
  void iamWithoutCredentialsIsUnavailableNotAnSdkError() {
    TokenClient tokens =
        TokenClient.builder(
                TestBroker.issuer(),
                IamAuthentication.with(
                    () -> {
                      throw new IllegalStateException("no credentials in this chain");
                    },
                    Region.US_EAST_1))
            .build();

    assertThatThrownBy(() -> tokens.token(READ, TestBroker.demoAudience()))
        .isInstanceOf(TokenUnavailable.class)
        .hasMessage("cannot sign with SigV4: no credentials in this chain");
  }

  @Test
  void privateKeyJwtWithAnEcKeyFromAPemFile() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair pair = generator.generateKeyPair();
    ECKey publicJwk =
        new ECKey.Builder(Curve.P_256, (ECPublicKey) pair.getPublic()).keyID("pem-ec").build();
    String clientId = TestBroker.registerClient(publicJwk.toJSONString());
    Path pem = writePem(pair, "ec.pem");

    assertThat(tokensWith(PrivateKeyJwt.fromPemFile(clientId, pem, JWSAlgorithm.ES256, "pem-ec")))
        .isEqualTo(clientId);
  }

  @Test
  void privateKeyJwtWithAnRsaKeyFromAPemFileAndNoKid() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    KeyPair pair = generator.generateKeyPair();
    RSAKey publicJwk =
        new RSAKey.Builder((java.security.interfaces.RSAPublicKey) pair.getPublic())
            .keyID("pem-rsa")
            .build();
    String clientId = TestBroker.registerClient(publicJwk.toJSONString());
    Path pem = writePem(pair, "rsa.pem");

    // Without a kid the broker tries each registered key that fits the algorithm.
    assertThat(tokensWith(PrivateKeyJwt.fromPemFile(clientId, pem, JWSAlgorithm.PS256, null)))
        .isEqualTo(clientId);
  }

  @Test
  void privateKeyJwtWithAKeyFromAJwkFile() throws Exception {
    ECKey key =
        new ECKeyGenerator(Curve.P_384)
            .keyID("jwk-file")
            .keyUse(KeyUse.SIGNATURE)
            .algorithm(JWSAlgorithm.ES384)
            .generate();
    String clientId = TestBroker.registerClient(key.toPublicJWK().toJSONString());
    Path file = Files.writeString(dir.resolve("key.json"), key.toJSONString());
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));

    assertThat(tokensWith(PrivateKeyJwt.fromJwkFile(clientId, file))).isEqualTo(clientId);
  }

  @Test
  void privateKeyJwtWithAKmsKey() throws Exception {
    try (KmsClient kms = TestBroker.kms()) {
      String keyId =
          kms.createKey(r -> r.keySpec(KeySpec.ECC_NIST_P256).keyUsage(KeyUsageType.SIGN_VERIFY))
              .keyMetadata()
              .keyId();
      byte[] spki = kms.getPublicKey(r -> r.keyId(keyId)).publicKey().asByteArray();
      ECPublicKey publicKey =
          (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(spki));
      JWK publicJwk = new ECKey.Builder(Curve.P_256, publicKey).keyID("kms-1").build();
      String clientId = TestBroker.registerClient(publicJwk.toJSONString());

      var signer = new KmsAssertionSigner(kms, keyId, JWSAlgorithm.ES256);
      assertThat(tokensWith(PrivateKeyJwt.signedBy(clientId, signer, JWSAlgorithm.ES256, "kms-1")))
          .isEqualTo(clientId);
    }
  }

  @Test
  void privateKeyJwtWithAKeyTheClientDoesNotHoldIsInvalidClient() throws Exception {
    String clientId =
        TestBroker.registerClient(
            new ECKeyGenerator(Curve.P_256).keyID("k").generate().toPublicJWK().toJSONString());
    ECKey other = new ECKeyGenerator(Curve.P_256).keyID("k").generate();
    TokenClient tokens =
        TokenClient.builder(
                TestBroker.issuer(),
                PrivateKeyJwt.signedBy(clientId, new ECDSASigner(other), JWSAlgorithm.ES256, "k"))
            .build();

    assertThatThrownBy(() -> tokens.token(READ, TestBroker.demoAudience()))
        .isInstanceOfSatisfying(
            TokenRequestRejected.class,
            e -> {
              assertThat(e.status()).isEqualTo(401);
              assertThat(e.error()).isEqualTo("invalid_client");
            });
  }

  @Test
  void assertionsAreAddressedAsTheBrokerRequires() throws Exception {
    ECKey key = new ECKeyGenerator(Curve.P_256).keyID("k").generate();
    String assertion =
        PrivateKeyJwt.signedBy("some-client", new ECDSASigner(key), JWSAlgorithm.ES256, "k")
            .assertion(TestBroker.issuer().toString());

    SignedJWT jwt = SignedJWT.parse(assertion);
    var payload = jwt.getPayload().toJSONObject();
    // aud one string, never an array (the broker refuses arrays); exp within its 300 s.
    assertThat(payload.get("aud")).isEqualTo(TestBroker.issuer().toString());
    assertThat(payload).containsEntry("iss", "some-client").containsEntry("sub", "some-client");
    var claims = jwt.getJWTClaimsSet();
    assertThat(
            Duration.between(
                claims.getIssueTime().toInstant(), claims.getExpirationTime().toInstant()))
        .isEqualTo(Duration.ofSeconds(60));
    assertThat(claims.getJWTID()).hasSize(22);
    assertThat(
            PrivateKeyJwt.signedBy("some-client", new ECDSASigner(key), JWSAlgorithm.ES256, "k")
                .assertion("x"))
        .isNotEqualTo(assertion);
  }

  private Path writePem(KeyPair pair, String name) throws Exception {
    String pem =
        "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes())
                .encodeToString(pair.getPrivate().getEncoded())
            + "\n-----END PRIVATE KEY-----\n";
    return Files.writeString(dir.resolve(name), pem);
  }
}
