package io.tokenbroker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.dpop.JWKThumbprintConfirmation;
import com.nimbusds.oauth2.sdk.dpop.verifiers.DPoPIssuer;
import com.nimbusds.oauth2.sdk.dpop.verifiers.DPoPProtectedResourceRequestVerifier;
import com.nimbusds.oauth2.sdk.dpop.verifiers.DPoPTokenRequestVerifier;
import com.nimbusds.oauth2.sdk.dpop.verifiers.InMemoryDPoPSingleUseChecker;
import com.nimbusds.oauth2.sdk.token.DPoPAccessToken;
import com.nimbusds.openid.connect.sdk.Nonce;
import io.tokenbroker.cli.Cli.Run;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code brokerctl dpop-proof}: its proofs pass Nimbus OAuth SDK's RFC 9449 verifiers (an
 * implementation other than brokerctl's), and bad input is refused with a message and an exit code.
 */
class DPoPProofCommandTest {

  private static final Set<JWSAlgorithm> ALGORITHMS =
      Set.of(JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.RS256, JWSAlgorithm.PS256);
  private static final String TOKEN = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ3In0.c2lnbmF0dXJl";

  @TempDir Path dir;
  private Path key;
  private String thumbprint;

  @BeforeEach
  void keygen() throws Exception {
    key = dir.resolve("dpop.jwk");
    Run run = brokerctl("keygen", "--out", key.toString());
    assertThat(run.exit()).as(run.err()).isZero();
    thumbprint = JWK.parse(Files.readString(key)).computeThumbprint().toString();
  }

  private static Run brokerctl(String... args) {
    return Cli.execute(Map.of(), args);
  }

  @Test
  void printsATokenRequestProofOfKeygensKey() throws Exception {
    URI token = URI.create("https://broker.example.com/token");

    Run run =
        brokerctl(
            "dpop-proof", "--key", key.toString(), "--method", "POST", "--url", token.toString());

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out().lines()).hasSize(1);
    assertThat(run.err()).isEmpty();
    JWKThumbprintConfirmation cnf =
        new DPoPTokenRequestVerifier(
                ALGORITHMS, token, 60, 60, new InMemoryDPoPSingleUseChecker(60, 60))
            .verify(new DPoPIssuer("workload"), SignedJWT.parse(run.out()), null);
    assertThat(cnf.getValue().toString()).isEqualTo(thumbprint);
    SignedJWT proof = SignedJWT.parse(run.out());
    assertThat(proof.getHeader().toJSONObject()).containsOnlyKeys("typ", "alg", "jwk");
    assertThat(proof.getHeader().getJWK().isPrivate()).isFalse();
    assertThat(proof.getJWTClaimsSet().getClaims()).containsOnlyKeys("jti", "htm", "htu", "iat");
    // Another run, another jti.
    Run again =
        brokerctl(
            "dpop-proof", "--key", key.toString(), "--method", "POST", "--url", token.toString());
    assertThat(SignedJWT.parse(again.out()).getJWTClaimsSet().getJWTID())
        .isNotEqualTo(proof.getJWTClaimsSet().getJWTID());
  }

  @Test
  void printsAnApiProofWithAthAndNonceWithoutShowingTheToken() throws Exception {
    Path tokenFile = dir.resolve("token");
    Files.writeString(tokenFile, TOKEN + "\n");

    Run run =
        brokerctl(
            "dpop-proof",
            "--key",
            key.toString(),
            "--method",
            "GET",
            "--url",
            "https://api.example.com/orders?id=7#top",
            "--access-token-file",
            tokenFile.toString(),
            "--nonce",
            "rs-nonce-1");

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out() + run.err()).doesNotContain(TOKEN);
    verifyApiProof(run.out(), "rs-nonce-1");
    assertThat(SignedJWT.parse(run.out()).getJWTClaimsSet().getStringClaim("htu"))
        .isEqualTo("https://api.example.com/orders");
  }

  @Test
  void readsTheAccessTokenFromStandardInput() throws Exception {
    InputStream stdin = System.in;
    System.setIn(new ByteArrayInputStream((TOKEN + "\n").getBytes(StandardCharsets.US_ASCII)));
    Run run;
    try {
      run =
          brokerctl(
              "dpop-proof",
              "--key",
              key.toString(),
              "--method",
              "GET",
              "--url",
              "https://api.example.com/orders",
              "--access-token-file",
              "-");
    } finally {
      System.setIn(stdin);
    }
    assertThat(run.exit()).as(run.err()).isZero();
    verifyApiProof(run.out(), null);
  }

  private void verifyApiProof(String proof, String nonce) throws Exception {
    new DPoPProtectedResourceRequestVerifier(
            ALGORITHMS, 60, 60, new InMemoryDPoPSingleUseChecker(60, 60))
        .verify(
            "GET",
            URI.create("https://api.example.com/orders?id=7"),
            new DPoPIssuer("workload"),
            SignedJWT.parse(proof),
            new DPoPAccessToken(TOKEN),
            new JWKThumbprintConfirmation(new com.nimbusds.jose.util.Base64URL(thumbprint)),
            nonce == null ? null : new Nonce(nonce));
  }

  @Test
  void takesAPemKeyWithItsPublicKeyAndAnRsaPemWithPs256() throws Exception {
    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    ec.initialize(new ECGenParameterSpec("secp384r1"));
    KeyPair p384 = ec.generateKeyPair();
    Path ecPem = dir.resolve("p384.pem");
    Files.writeString(
        ecPem,
        pem("PRIVATE KEY", p384.getPrivate().getEncoded())
            + pem("PUBLIC KEY", p384.getPublic().getEncoded()));
    Run run =
        brokerctl(
            "dpop-proof",
            "--key",
            ecPem.toString(),
            "--method",
            "POST",
            "--url",
            "https://b.example.com/token");
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(SignedJWT.parse(run.out()).getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES384);

    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    KeyPair pair = rsa.generateKeyPair();
    Path rsaPem = dir.resolve("rsa.pem");
    Files.writeString(rsaPem, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
    URI token = URI.create("https://b.example.com/token");
    Run rsaRun =
        brokerctl(
            "dpop-proof",
            "--key",
            rsaPem.toString(),
            "--alg",
            "PS256",
            "--method",
            "POST",
            "--url",
            token.toString());
    assertThat(rsaRun.exit()).as(rsaRun.err()).isZero();
    JWKThumbprintConfirmation cnf =
        new DPoPTokenRequestVerifier(
                ALGORITHMS, token, 60, 60, new InMemoryDPoPSingleUseChecker(60, 60))
            .verify(new DPoPIssuer("workload"), SignedJWT.parse(rsaRun.out()), null);
    assertThat(cnf.getValue())
        .isEqualTo(
            new com.nimbusds.jose.jwk.RSAKey.Builder((RSAPublicKey) pair.getPublic())
                .build()
                .computeThumbprint());
    assertThat(SignedJWT.parse(rsaRun.out()).getHeader().getAlgorithm())
        .isEqualTo(JWSAlgorithm.PS256);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "relative URL       | --url=/token                          | 2 | absolute http or https"
            + " URL",
        "ftp URL            | --url=ftp://b.example.com/token       | 2 | absolute http or https"
            + " URL",
        "lower-case method  | --method=post                         | 2 | did you mean POST?",
        "method with space  | --method=PO ST                        | 2 | HTTP method",
        "nonce with a quote | --nonce=a\"b                          | 2 | --nonce",
        "symmetric alg      | --alg=HS256                           | 2 | one of ES256, ES384,"
            + " RS256, PS256",
        "alg off the curve  | --alg=ES384                           | 2 | signs ES256, not ES384",
        "RSA alg, EC key    | --alg=PS256                           | 2 | signs ES256, not PS256",
      })
  void refusesBadOptions(String name, String option, int exit, String message) {
    Map<String, String> options = new java.util.LinkedHashMap<>();
    options.put("--key", key.toString());
    options.put("--method", "POST");
    options.put("--url", "https://b.example.com/token");
    int eq = option.indexOf('=');
    options.put(option.substring(0, eq), option.substring(eq + 1)); // this row's bad value
    List<String> args = new ArrayList<>(List.of("dpop-proof"));
    options.forEach((k, v) -> args.addAll(List.of(k, v)));
    Run run = brokerctl(args.toArray(String[]::new));

    assertThat(run.exit()).as(run.err()).isEqualTo(exit);
    assertThat(run.err()).contains(message);
    assertThat(run.out()).isEmpty();
  }

  @Test
  void refusesKeysItCannotUseWithoutQuotingThem() throws Exception {
    ECKey ec = new ECKeyGenerator(Curve.P_256).generate();
    Path publicJwk = dir.resolve("public.jwk");
    Files.writeString(publicJwk, ec.toPublicJWK().toJSONString());
    Path broken = dir.resolve("broken.jwk");
    Files.writeString(broken, ec.toJSONString().substring(0, ec.toJSONString().length() - 2));
    Path garbage = dir.resolve("garbage");
    Files.writeString(garbage, "not a key");
    KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
    gen.initialize(new ECGenParameterSpec("secp256r1"));
    Path bare = dir.resolve("bare.pem");
    Files.writeString(bare, pem("PRIVATE KEY", gen.generateKeyPair().getPrivate().getEncoded()));
    Path mismatched = dir.resolve("mismatched.pem");
    Files.writeString(
        mismatched,
        pem("PRIVATE KEY", gen.generateKeyPair().getPrivate().getEncoded())
            + pem("PUBLIC KEY", gen.generateKeyPair().getPublic().getEncoded()));

    assertRefused(publicJwk, "holds no private key");
    assertRefused(broken, "is not a JWK");
    assertRefused(garbage, "neither a JWK nor a PEM private key");
    assertRefused(bare, "openssl pkey -in " + bare + " -pubout");
    assertRefused(mismatched, "not one pair");
    assertRefused(dir.resolve("missing.jwk"), "cannot read --key " + dir.resolve("missing.jwk"));
    assertRefused(dir.resolve("missing.jwk"), "no such file");
    Path binary = dir.resolve("key.der");
    Files.write(binary, new byte[] {0x30, (byte) 0x82, (byte) 0xff, (byte) 0xfe, 0x00});
    assertRefused(binary, "--key " + binary + " is not a text file (a JWK or a PEM is expected)");
    Run run =
        brokerctl(
            "dpop-proof",
            "--key",
            broken.toString(),
            "--method",
            "POST",
            "--url",
            "https://b.example.com/token");
    assertThat(run.err()).doesNotContain(ec.getD().toString());
  }

  private void assertRefused(Path keyFile, String message) {
    Run run =
        brokerctl(
            "dpop-proof",
            "--key",
            keyFile.toString(),
            "--method",
            "POST",
            "--url",
            "https://b.example.com/token");
    assertThat(run.exit()).as(run.err()).isEqualTo(1);
    assertThat(run.err()).contains(message);
    assertThat(run.out()).isEmpty();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "Bearer " + TOKEN + " | not an Authorization header",
        "DPoP " + TOKEN + "   | not an Authorization header",
        TOKEN + " " + TOKEN + " | holds no access token",
        "''                   | holds no access token",
      })
  void refusesAnAccessTokenFileThatHoldsNoTokenWithoutShowingIt(String content, String message)
      throws Exception {
    Path tokenFile = dir.resolve("token");
    Files.writeString(tokenFile, content);

    Run run =
        brokerctl(
            "dpop-proof",
            "--key",
            key.toString(),
            "--method",
            "GET",
            "--url",
            "https://api.example.com/",
            "--access-token-file",
            tokenFile.toString());

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).contains(message).doesNotContain(TOKEN);
    assertThat(run.out()).isEmpty();
  }

  /** The token itself given as the file, by mistake: the error must not print it. */
  @Test
  void refusesATokenGivenAsTheAccessTokenFileWithoutShowingIt() {
    Run run =
        brokerctl(
            "dpop-proof",
            "--key",
            key.toString(),
            "--method",
            "GET",
            "--url",
            "https://api.example.com/",
            "--access-token-file",
            TOKEN);

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err())
        .contains("cannot read --access-token-file: no such file")
        .doesNotContain(TOKEN)
        .doesNotContain("c2lnbmF0dXJl");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void aBinaryAccessTokenFileGetsAClearMessageAndABomIsSkipped() throws Exception {
    Path binary = dir.resolve("token.bin");
    Files.write(binary, new byte[] {(byte) 0xc3, 0x28, 0x00, (byte) 0x80});
    Path bom = dir.resolve("token-bom.txt");
    Files.writeString(bom, "\uFEFF" + TOKEN + "\r\n", StandardCharsets.UTF_8);
    String[] args = {
      "dpop-proof",
      "--key",
      key.toString(),
      "--method",
      "GET",
      "--url",
      "https://api.example.com/orders?id=7",
      "--access-token-file"
    };

    Run refused = brokerctl(append(args, binary.toString()));
    Run fromBom = brokerctl(append(args, bom.toString()));

    assertThat(refused.exit()).isEqualTo(1);
    assertThat(refused.err())
        .contains("--access-token-file " + binary + " is not a text file")
        .doesNotContain("Input length");
    assertThat(fromBom.exit()).as(fromBom.err()).isZero();
    verifyApiProof(fromBom.out().strip(), null);
  }

  private static String[] append(String[] args, String last) {
    String[] all = java.util.Arrays.copyOf(args, args.length + 1);
    all[args.length] = last;
    return all;
  }

  @Test
  void helpOnlyHelps() {
    Run run =
        brokerctl(
            "dpop-proof",
            "--key",
            key.toString(),
            "--method",
            "POST",
            "--url",
            "https://b.example.com/token",
            "--help");

    assertThat(run.exit()).isZero();
    assertThat(run.err()).isEmpty();
    assertThat(run.out())
        .as(run.out())
        .startsWith("Usage: brokerctl dpop-proof ")
        .contains("--access-token-file", "Example:", "Exit codes:")
        .doesNotContain("eyJ");
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
}
