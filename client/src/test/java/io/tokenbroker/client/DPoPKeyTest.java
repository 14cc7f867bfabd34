package io.tokenbroker.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** DPoP proofs (RFC 9449 section 4.2) as an independent verifier and the RFC's text read them. */
class DPoPKeyTest {

  private static final URI TOKEN = URI.create("https://broker.example.com/token");
  // A JWT-shaped access token (its value is what ath hashes).
  private static final String ACCESS_TOKEN = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ3In0.c2lnbmF0dXJl";

  @TempDir Path dir;

  static Stream<Arguments> keys() throws Exception {
    KeyPairGenerator ec256 = KeyPairGenerator.getInstance("EC");
    ec256.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPairGenerator ec384 = KeyPairGenerator.getInstance("EC");
    ec384.initialize(new ECGenParameterSpec("secp384r1"));
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    KeyPair rsaPair = rsa.generateKeyPair();
    return Stream.of(
        Arguments.of("generated", DPoPKey.generate(), JWSAlgorithm.ES256),
        Arguments.of(
            "P-256", DPoPKey.of(ec256.generateKeyPair(), JWSAlgorithm.ES256), JWSAlgorithm.ES256),
        Arguments.of(
            "P-384", DPoPKey.of(ec384.generateKeyPair(), JWSAlgorithm.ES384), JWSAlgorithm.ES384),
        Arguments.of("RSA RS256", DPoPKey.of(rsaPair, JWSAlgorithm.RS256), JWSAlgorithm.RS256),
        Arguments.of("RSA PS256", DPoPKey.of(rsaPair, JWSAlgorithm.PS256), JWSAlgorithm.PS256));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("keys")
  void aTokenRequestProofPassesAnIndependentVerifierAndBindsTheKeysThumbprint(
      String name, DPoPKey key, JWSAlgorithm algorithm) throws Exception {
    String proof = key.proof("POST", TOKEN, Optional.empty());

    String jkt = new DPoPVerifier().tokenRequest(proof, TOKEN, Optional.empty());

    assertThat(jkt).isEqualTo(key.thumbprint());
    assertThat(SignedJWT.parse(proof).getHeader().getAlgorithm()).isEqualTo(algorithm);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("keys")
  void aResourceRequestProofPassesAnIndependentVerifierWithAthAndNonce(
      String name, DPoPKey key, JWSAlgorithm algorithm) throws Exception {
    URI api = URI.create("https://api.example.com/orders/7");
    String proof = key.proof("GET", api, Optional.of("n-1"), Optional.of(ACCESS_TOKEN));

    new DPoPVerifier()
        .resourceRequest(proof, "GET", api, ACCESS_TOKEN, key.thumbprint(), Optional.of("n-1"));

    // The verifier refuses it for another token (ath), method, URL or key, or without the nonce.
    DPoPVerifier verifier = new DPoPVerifier();
    String other = ACCESS_TOKEN + "x";
    assertThat(
            catchThrowable(
                () ->
                    verifier.resourceRequest(
                        proof, "GET", api, other, key.thumbprint(), Optional.of("n-1"))))
        .isNotNull();
    assertThat(
            catchThrowable(
                () ->
                    new DPoPVerifier()
                        .resourceRequest(
                            proof,
                            "POST",
                            api,
                            ACCESS_TOKEN,
                            key.thumbprint(),
                            Optional.of("n-1"))))
        .isNotNull();
    assertThat(
            catchThrowable(
                () ->
                    new DPoPVerifier()
                        .resourceRequest(
                            proof,
                            "GET",
                            URI.create("https://api.example.com/orders/8"),
                            ACCESS_TOKEN,
                            key.thumbprint(),
                            Optional.of("n-1"))))
        .isNotNull();
    assertThat(
            catchThrowable(
                () ->
                    new DPoPVerifier()
                        .resourceRequest(
                            proof,
                            "GET",
                            api,
                            ACCESS_TOKEN,
                            DPoPKey.generate().thumbprint(),
                            Optional.of("n-1"))))
        .isNotNull();
    assertThat(
            catchThrowable(
                () ->
                    new DPoPVerifier()
                        .resourceRequest(
                            proof, "GET", api, ACCESS_TOKEN, key.thumbprint(), Optional.of("n-2"))))
        .isNotNull();
  }

  @Test
  void everyHeaderMemberAndClaimIsAsSection42Says() throws Exception {
    Instant now = Instant.parse("2026-11-30T12:00:00Z");
    DPoPKey key = DPoPKey.generate().withClock(Clock.fixed(now, ZoneOffset.UTC));

    SignedJWT proof =
        SignedJWT.parse(
            key.proof(
                "DELETE",
                URI.create("https://api.example.com/a/b"),
                Optional.of("nonce-1"),
                Optional.of(ACCESS_TOKEN)));

    Map<String, Object> header = proof.getHeader().toJSONObject();
    assertThat(header).containsOnlyKeys("typ", "alg", "jwk");
    assertThat(header.get("typ")).isEqualTo("dpop+jwt");
    assertThat(header.get("alg")).isEqualTo("ES256");
    JWK jwk = JWK.parse(proof.getHeader().getJWK().toJSONObject());
    assertThat(jwk.isPrivate()).isFalse();
    assertThat(jwk.toJSONObject()).containsOnlyKeys("kty", "crv", "x", "y");
    assertThat(jwk.computeThumbprint().toString()).isEqualTo(key.thumbprint());
    Map<String, Object> claims = proof.getJWTClaimsSet().toJSONObject();
    assertThat(claims).containsOnlyKeys("jti", "htm", "htu", "iat", "ath", "nonce");
    assertThat(claims.get("htm")).isEqualTo("DELETE");
    assertThat(claims.get("htu")).isEqualTo("https://api.example.com/a/b");
    assertThat(claims.get("iat")).isEqualTo(now.getEpochSecond());
    assertThat(claims.get("nonce")).isEqualTo("nonce-1");
    // ath, computed here from the RFC's words: base64url (no padding) of SHA-256 of the ASCII
    // token.
    assertThat(claims.get("ath"))
        .isEqualTo(
            Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(
                    MessageDigest.getInstance("SHA-256")
                        .digest(ACCESS_TOKEN.getBytes(StandardCharsets.US_ASCII))));
    // A token request's proof has neither ath nor nonce unless given one.
    assertThat(
            SignedJWT.parse(key.proof("POST", TOKEN, Optional.empty()))
                .getJWTClaimsSet()
                .getClaims())
        .containsOnlyKeys("jti", "htm", "htu", "iat");
  }

  @Test
  void everyProofHasItsOwnRandomJti() throws Exception {
    DPoPKey key = DPoPKey.generate();
    Set<String> jtis = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      String jti =
          SignedJWT.parse(key.proof("POST", TOKEN, Optional.empty())).getJWTClaimsSet().getJWTID();
      assertThat(Base64.getUrlDecoder().decode(jti)).hasSize(16); // 128 random bits
      jtis.add(jti);
    }
    assertThat(jtis).hasSize(200);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://api.example.com/orders?id=7",
        "https://api.example.com/orders#top",
        "https://api.example.com/orders?id=7#top",
        "https://user:secret@api.example.com/orders",
        "HTTPS://API.Example.COM/orders"
      })
  void htuLeavesOutQueryFragmentAndUserInfo(String url) throws Exception {
    DPoPKey key = DPoPKey.generate();
    String proof = key.proof("GET", URI.create(url), Optional.empty(), Optional.of(ACCESS_TOKEN));

    assertThat(SignedJWT.parse(proof).getJWTClaimsSet().getStringClaim("htu"))
        .isEqualTo("https://api.example.com/orders");
    // The independent verifier, given the request's URL with its query, agrees.
    new DPoPVerifier()
        .resourceRequest(
            proof,
            "GET",
            URI.create("https://api.example.com/orders?id=7"),
            ACCESS_TOKEN,
            key.thumbprint(),
            Optional.empty());
  }

  @Test
  void htuKeepsAnExplicitPortAndTheRawPath() {
    assertThat(DPoPKey.htu(URI.create("http://127.0.0.1:8080/a%20b/c?x")))
        .isEqualTo("http://127.0.0.1:8080/a%20b/c");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/token", "ftp://broker.example.com/token", "mailto:a@example.com"})
  void refusesAProofForAUrlThatIsNotAbsoluteHttp(String url) {
    assertThatThrownBy(() -> DPoPKey.generate().proof("POST", URI.create(url), Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("absolute http(s) URL");
  }

  @Test
  void refusesABadMethodNonceOrAccessTokenWithoutQuotingTheToken() {
    DPoPKey key = DPoPKey.generate();
    assertThatThrownBy(() -> key.proof("GET /x", TOKEN, Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not an HTTP method");
    assertThatThrownBy(() -> key.proof("POST", TOKEN, Optional.of("a \"nonce\"")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nonce");
    String badToken = ACCESS_TOKEN + " and more";
    Throwable refused =
        catchThrowable(() -> key.proof("GET", TOKEN, Optional.empty(), Optional.of(badToken)));
    assertThat(refused).isInstanceOf(IllegalArgumentException.class);
    assertThat(refused.getMessage()).doesNotContain(ACCESS_TOKEN);
  }

  @Test
  void readsAKeygenJwkFileWithItsAlgorithm() throws Exception {
    RSAKey rsa =
        new RSAKeyGenerator(2048)
            .keyUse(KeyUse.SIGNATURE)
            .algorithm(JWSAlgorithm.PS256)
            .keyIDFromThumbprint(true)
            .generate();
    Path file = dir.resolve("rsa.jwk");
    Files.writeString(file, rsa.toJSONString());

    DPoPKey key = DPoPKey.fromJwkFile(file);

    assertThat(key.algorithm()).isEqualTo(JWSAlgorithm.PS256);
    assertThat(key.thumbprint()).isEqualTo(rsa.computeThumbprint().toString());
    // Only the members RFC 7638 hashes go into the proofs: no kid, use or alg.
    assertThat(key.publicJwk().toJSONObject()).containsOnlyKeys("kty", "n", "e");
    new DPoPVerifier()
        .tokenRequest(key.proof("POST", TOKEN, Optional.empty()), TOKEN, Optional.empty());
  }

  @Test
  void aJwkWithoutAlgSignsByItsCurve() throws Exception {
    ECKey p384 = new ECKeyGenerator(Curve.P_384).generate();
    Path file = dir.resolve("p384.jwk");
    Files.writeString(file, p384.toJSONString());

    assertThat(DPoPKey.fromJwkFile(file).algorithm()).isEqualTo(JWSAlgorithm.ES384);
  }

  @Test
  void readsAnOpenSslPemWhosePublicKeyItCarries() throws Exception {
    Path pem = resource("openssl-p256.pem");
    // The public key as OpenSSL wrote it apart (openssl pkey -pubout), read by the JDK.
    String pub = Files.readString(resource("openssl-p256.pub.pem"));
    ECPublicKey publicKey =
        (ECPublicKey)
            KeyFactory.getInstance("EC")
                .generatePublic(
                    new X509EncodedKeySpec(
                        Base64.getMimeDecoder()
                            .decode(
                                pub.replace("-----BEGIN PUBLIC KEY-----", "")
                                    .replace("-----END PUBLIC KEY-----", ""))));

    DPoPKey key = DPoPKey.fromPemFile(pem, JWSAlgorithm.ES256);

    assertThat(key.thumbprint())
        .isEqualTo(
            new ECKey.Builder(Curve.P_256, publicKey).build().computeThumbprint().toString());
    new DPoPVerifier()
        .tokenRequest(key.proof("POST", TOKEN, Optional.empty()), TOKEN, Optional.empty());
  }

  @Test
  void readsAPemWithItsPublicKeyAlongsideAndAnRsaPemAlone() throws Exception {
    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    ec.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair pair = ec.generateKeyPair();
    Path both = dir.resolve("both.pem");
    Files.writeString(
        both,
        pem("PRIVATE KEY", pair.getPrivate().getEncoded())
            + pem("PUBLIC KEY", pair.getPublic().getEncoded()));
    assertThat(DPoPKey.fromPemFile(both, JWSAlgorithm.ES256).thumbprint())
        .isEqualTo(
            new ECKey.Builder(Curve.P_256, (ECPublicKey) pair.getPublic())
                .build()
                .computeThumbprint()
                .toString());

    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    KeyPair rsaPair = rsa.generateKeyPair();
    Path alone = dir.resolve("rsa.pem");
    Files.writeString(alone, pem("PRIVATE KEY", rsaPair.getPrivate().getEncoded()));
    DPoPKey key = DPoPKey.fromPemFile(alone, JWSAlgorithm.RS256);
    new DPoPVerifier()
        .tokenRequest(key.proof("POST", TOKEN, Optional.empty()), TOKEN, Optional.empty());
  }

  @Test
  void refusesAPemEcKeyWithoutItsPublicKeyAndSaysHowToAddIt() throws Exception {
    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    ec.initialize(new ECGenParameterSpec("secp256r1"));
    // The JDK's PKCS#8 encoding of an EC key leaves the public point out.
    Path file = dir.resolve("bare.pem");
    Files.writeString(file, pem("PRIVATE KEY", ec.generateKeyPair().getPrivate().getEncoded()));

    assertThatThrownBy(() -> DPoPKey.fromPemFile(file, JWSAlgorithm.ES256))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("openssl pkey -in " + file + " -pubout");
  }

  @Test
  void refusesKeysThatDoNotFitTheAlgorithmOrEachOther() throws Exception {
    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    ec.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair one = ec.generateKeyPair();
    KeyPair two = ec.generateKeyPair();
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(1024);
    KeyPair small = rsa.generateKeyPair();

    assertThatThrownBy(() -> DPoPKey.of(one, JWSAlgorithm.ES384))
        .hasMessageContaining("needs a key on P-384");
    assertThatThrownBy(() -> DPoPKey.of(one, JWSAlgorithm.RS256))
        .hasMessageContaining("needs an RSA key");
    assertThatThrownBy(() -> DPoPKey.of(one, JWSAlgorithm.HS256)).hasMessageContaining("one of");
    assertThatThrownBy(() -> DPoPKey.of(one, JWSAlgorithm.ES512)).hasMessageContaining("one of");
    assertThatThrownBy(
            () -> DPoPKey.of(new KeyPair(two.getPublic(), one.getPrivate()), JWSAlgorithm.ES256))
        .hasMessageContaining("not one pair");
    assertThatThrownBy(() -> DPoPKey.of(small, JWSAlgorithm.RS256)).hasMessageContaining("2048");
  }

  @Test
  void aPublicJwkFileOrGarbageIsRefusedWithoutQuotingIt() throws Exception {
    ECKey key = new ECKeyGenerator(Curve.P_256).generate();
    Path publicOnly = dir.resolve("public.jwk");
    Files.writeString(publicOnly, key.toPublicJWK().toJSONString());
    Path garbage = dir.resolve("garbage.jwk");
    Files.writeString(garbage, key.toJSONString().substring(0, 60));

    assertThatThrownBy(() -> DPoPKey.fromJwkFile(publicOnly))
        .hasMessageContaining("holds no private key");
    Throwable refused = catchThrowable(() -> DPoPKey.fromJwkFile(garbage));
    assertThat(refused).hasMessageContaining("is not a JWK");
    assertThat(refused.getMessage()).doesNotContain(key.getD().toString());
  }

  @Test
  void aBrokenOrBinaryPemFileIsNamedInTheMessageWithoutQuotingIt() throws Exception {
    Path broken = dir.resolve("broken.pem");
    Files.writeString(
        broken, "-----BEGIN PRIVATE KEY-----\nMIGHAgEA=secret=\n-----END PRIVATE KEY-----\n");
    Path binary = dir.resolve("key.der");
    Files.write(binary, new byte[] {0x30, (byte) 0x82, (byte) 0xff, (byte) 0xfe, 0x00});

    Throwable refused = catchThrowable(() -> DPoPKey.fromPemFile(broken, JWSAlgorithm.ES256));
    assertThat(refused)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(broken + ": its -----BEGIN PRIVATE KEY----- block is not valid base64");
    assertThat(refused.getMessage()).doesNotContain("secret");
    assertThatThrownBy(() -> DPoPKey.fromPemFile(binary, JWSAlgorithm.ES256))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(binary + " is not a text file (a JWK or a PEM is expected)");
  }

  @Test
  void toStringShowsTheAlgorithmAndThumbprintOnly() throws Exception {
    ECKey jwk = new ECKeyGenerator(Curve.P_256).generate();
    DPoPKey key = DPoPKey.of(jwk.toKeyPair(), JWSAlgorithm.ES256);
    assertThat(key.toString())
        .isEqualTo("DPoPKey[ES256, jkt " + jwk.computeThumbprint() + "]")
        .doesNotContain(jwk.getD().toString());
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  private static Path resource(String name) throws Exception {
    return Path.of(DPoPKeyTest.class.getResource("/dpop/" + name).toURI());
  }
}
