package io.tokenbroker.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.SignedJWT;
import io.tokenbroker.adapters.aws.AwsClients;
import io.tokenbroker.adapters.aws.AwsSettings;
import io.tokenbroker.adapters.aws.ClientTimeouts;
import io.tokenbroker.adapters.kms.KmsKeySigner;
import io.tokenbroker.config.Env;
import io.tokenbroker.json.Json;
import io.tokenbroker.local.DemoWorkload;
import io.tokenbroker.local.LocalBroker;
import io.tokenbroker.local.LocalBrokerOptions;
import io.tokenbroker.testing.EventFiles;
import io.tokenbroker.testing.SamTemplate;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtDecoders;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

/**
 * README's resource-server recipes, each run against the local server with the library people
 * already use: Spring Security resolving the broker by its issuer (what {@code issuer-uri} does),
 * Node's jose and aws-jwt-verify, Python's PyJWT. Each must accept a broker token for its API, and
 * refuse one for another API, one whose {@code typ} is not {@code at+jwt} and one with another
 * {@code iss} (both signed by the broker's own key, so only the typ or iss check can refuse them).
 */
class ResourceServerRecipesIT {

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String OTHER_API = "https://orders.example.com";

  private static LocalBroker broker;
  private static String issuer;
  private static String audience;
  private static String token;
  private static String plainJwt;
  private static String otherIssuer;

  @BeforeAll
  static void start() throws Exception {
    broker = LocalBroker.start(LocalBrokerOptions.onPort(0));
    issuer = broker.issuer().toString();
    audience = DemoWorkload.audience(broker.issuer());
    token = demoToken();
    plainJwt = withTyp(token, JOSEObjectType.JWT);
    // signed by the broker's own key, so only the iss check can refuse it; a prefix of the real
    // issuer, which PyJWT 2.10.0's substring comparison (CVE-2024-53861) would have let through
    otherIssuer =
        resigned(
            token, new JOSEObjectType("at+jwt"), "iss", issuer.substring(0, issuer.length() - 1));
  }

  @AfterAll
  static void stop() {
    if (broker != null) {
      broker.close();
    }
  }

  // --- Spring Security ---------------------------------------------------------------------------

  /** The recipe, as a Spring Boot application's {@code JwtDecoder} bean returns it. */
  static JwtDecoder brokerJwtDecoder(String issuer, String audience) {
    NimbusJwtDecoder decoder = JwtDecoders.fromIssuerLocation(issuer);
    decoder.setJwtValidator(
        JwtValidators.createAtJwtValidator().issuer(issuer).audience(audience).build());
    return decoder;
  }

  @Test
  void springResolvesTheBrokerByItsIssuerAndAcceptsItsAccessToken() {
    Jwt jwt = brokerJwtDecoder(issuer, audience).decode(token);

    assertThat(jwt.getSubject()).isEqualTo(DemoWorkload.CLIENT_ID);
    assertThat(jwt.getAudience()).containsExactly(audience);
    assertThat(jwt.<String>getClaim("scope")).isEqualTo("demo:read");
    assertThat(jwt.getHeaders()).containsEntry("typ", "at+jwt");
  }

  @Test
  void springRefusesATokenForAnotherApiAJwtThatIsNoAccessTokenAndAnotherIssuer() {
    assertThatThrownBy(() -> brokerJwtDecoder(issuer, OTHER_API).decode(token))
        .isInstanceOf(JwtValidationException.class)
        .hasMessageContaining("aud");
    assertThatThrownBy(() -> brokerJwtDecoder(issuer, audience).decode(plainJwt))
        .isInstanceOf(JwtValidationException.class)
        .hasMessageContaining("typ");
    assertThatThrownBy(() -> brokerJwtDecoder(issuer, audience).decode(otherIssuer))
        .isInstanceOf(JwtValidationException.class)
        .hasMessageContaining("iss");
  }

  /** Why the recipe is needed: Spring 7's issuer-uri defaults accept typ JWT only. */
  @Test
  void springsDefaultDecoderRefusesAtJwt() {
    JwtDecoder defaults = JwtDecoders.fromIssuerLocation(issuer);

    assertThatThrownBy(() -> defaults.decode(token))
        .isInstanceOf(JwtValidationException.class)
        .hasMessageContaining("typ");
  }

  // --- Node: jose and aws-jwt-verify -------------------------------------------------------------

  @Test
  void nodeJoseAcceptsTheTokenAndRefusesAnotherApisAndANonAccessToken() throws Exception {
    Optional<Path> dir = nodeRecipes();
    assumeTrue(dir.isPresent(), "node or npm is not installed: the Node recipes are not checked");

    assertAcceptedAndRefused(args -> node(dir.get(), "jose", args));
  }

  @Test
  void awsJwtVerifyAcceptsTheTokenAndRefusesAnotherApisAndANonAccessToken() throws Exception {
    Optional<Path> dir = nodeRecipes();
    assumeTrue(dir.isPresent(), "node or npm is not installed: the Node recipes are not checked");

    assertAcceptedAndRefused(args -> node(dir.get(), "aws-jwt-verify", args));
  }

  // --- Python: PyJWT
  // ------------------------------------------------------------------------------

  @Test
  void pyJwtAcceptsTheTokenAndRefusesAnotherApisAndANonAccessToken() throws Exception {
    Optional<String> python = pythonWithPyJwt();
    if (python.isEmpty()) {
      SamTemplate.missing("PyJWT", "pip install 'pyjwt[crypto]'"); // fails under CI=true
      assumeTrue(false, "python3 with PyJWT is not installed: the PyJWT recipe is not checked");
    }
    Path script = EventFiles.projectRoot().resolve("system-tests/src/test/python/verify_pyjwt.py");

    assertAcceptedAndRefused(
        args -> {
          List<String> command = new ArrayList<>(List.of(python.get(), script.toString()));
          command.addAll(args.subList(0, 2));
          return run(command, args.get(2), script.getParent());
        });
  }

  // --- helpers
  // ------------------------------------------------------------------------------------

  /** A verifier run: arguments issuer, audience, token; the recipe's answer. */
  interface Recipe {
    SamTemplate.Result verify(List<String> args) throws Exception;
  }

  /** The three outcomes every recipe must give, judged by its exit code and its report. */
  private static void assertAcceptedAndRefused(Recipe recipe) throws Exception {
    SamTemplate.Result accepted = recipe.verify(List.of(issuer, audience, token));
    SamTemplate.Result otherApi = recipe.verify(List.of(issuer, OTHER_API, token));
    SamTemplate.Result notAnAccessToken = recipe.verify(List.of(issuer, audience, plainJwt));

    assertThat(accepted.exitCode()).as(accepted.output()).isZero();
    Map<String, Object> report = Json.object(lastLine(accepted.output()));
    assertThat(report)
        .containsEntry("ok", true)
        .containsEntry("sub", DemoWorkload.CLIENT_ID)
        .containsEntry("scope", "demo:read");
    assertThat(otherApi.exitCode()).as(otherApi.output()).isEqualTo(1);
    assertThat(Json.object(lastLine(otherApi.output()))).containsEntry("ok", false);
    assertThat(otherApi.output()).containsIgnoringCase("aud");
    assertThat(notAnAccessToken.exitCode()).as(notAnAccessToken.output()).isEqualTo(1);
    assertThat(notAnAccessToken.output()).contains("typ");
    SamTemplate.Result foreign = recipe.verify(List.of(issuer, audience, otherIssuer));
    assertThat(foreign.exitCode()).as(foreign.output()).isEqualTo(1);
    assertThat(Json.object(lastLine(foreign.output()))).containsEntry("ok", false);
    assertThat(foreign.output()).containsIgnoringCase("iss");
  }

  /**
   * The Node recipes' directory under target/, with {@code npm ci} run from the committed lock file
   * (again only when the lock changed), or empty if node or npm is missing (a failure under CI).
   */
  private static Optional<Path> nodeRecipes() throws Exception {
    Optional<String> node = which("node");
    Optional<String> npm = which("npm");
    if (node.isEmpty() || npm.isEmpty()) {
      return SamTemplate.missing("node and npm", "install Node.js 20 or later");
    }
    Path source = EventFiles.projectRoot().resolve("system-tests/src/test/node");
    Path dir = EventFiles.projectRoot().resolve("system-tests/target/interop-node");
    Files.createDirectories(dir);
    boolean lockChanged =
        !Files.exists(dir.resolve("package-lock.json"))
            || Files.mismatch(source.resolve("package-lock.json"), dir.resolve("package-lock.json"))
                != -1;
    for (String file : List.of("package.json", "package-lock.json", "verify.mjs")) {
      Files.copy(
          source.resolve(file),
          dir.resolve(file),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    if (lockChanged || !Files.isDirectory(dir.resolve("node_modules"))) {
      SamTemplate.Result install =
          run(List.of(npm.get(), "ci", "--no-audit", "--no-fund", "--loglevel=error"), null, dir);
      assertThat(install.exitCode()).as("npm ci: " + install.output()).isZero();
    }
    return Optional.of(dir);
  }

  private static SamTemplate.Result node(Path dir, String library, List<String> args)
      throws Exception {
    return run(
        List.of(which("node").orElseThrow(), "verify.mjs", library, args.get(0), args.get(1)),
        args.get(2),
        dir);
  }

  /** Runs a command in {@code dir} with {@code stdin} (the token, never an argument). */
  private static SamTemplate.Result run(List<String> command, String stdin, Path dir)
      throws IOException, InterruptedException {
    Path output = Files.createTempFile("recipe", ".out");
    try {
      // output to a file, not a pipe read to its end: a hung node or npm cannot block the build
      Process process =
          new ProcessBuilder(command)
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .start();
      try (var in = process.getOutputStream()) {
        if (stdin != null) {
          in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
      }
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(
            "timed out: " + command + ": " + Files.readString(output, StandardCharsets.UTF_8));
      }
      return new SamTemplate.Result(
          process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(output);
    }
  }

  private static String lastLine(String output) {
    String[] lines = output.strip().split("\n");
    return lines[lines.length - 1];
  }

  /** A token for the demo workload, as its IAM role gets one (SigV4-signed POST /token/iam). */
  private static String demoToken() throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            DemoWorkload.signedPost(
                    URI.create(issuer + "/token/iam"),
                    "grant_type=client_credentials&scope=demo%3Aread")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return (String) Json.object(response.body()).get("access_token");
  }

  /**
   * The same claims, signed with the broker's own key in KMS, but with another {@code typ}: what an
   * ID token or any other kind of JWT from the same keys looks like to a verifier.
   */
  private static String withTyp(String accessToken, JOSEObjectType typ) throws Exception {
    return resigned(accessToken, typ, null, null);
  }

  /**
   * The token with {@code typ}, and with {@code claim} set to {@code value} (unless null), signed
   * again with the broker's own key in KMS.
   */
  private static String resigned(String accessToken, JOSEObjectType typ, String claim, Object value)
      throws Exception {
    SignedJWT original = SignedJWT.parse(accessToken);
    JWSHeader header =
        new JWSHeader.Builder(original.getHeader().getAlgorithm())
            .type(typ)
            .keyID(original.getHeader().getKeyID())
            .build();
    Base64URL payload = original.getPayload().toBase64URL();
    if (claim != null) {
      Map<String, Object> claims =
          new java.util.LinkedHashMap<>(original.getPayload().toJSONObject());
      claims.put(claim, value);
      payload =
          Base64URL.encode(
              com.nimbusds.jose.util.JSONObjectUtils.toJSONString(claims)
                  .getBytes(StandardCharsets.UTF_8));
    }
    String signingInput = header.toBase64URL() + "." + payload;
    try (var kms =
        AwsClients.kms(
            AwsSettings.from(
                Env.of(
                    Map.of(
                        "AWS_ENDPOINT_URL", broker.awsEndpoint().toString(),
                        "AWS_REGION", "us-east-1",
                        "AWS_ACCESS_KEY_ID", "test",
                        "AWS_SECRET_ACCESS_KEY", "test")),
                ClientTimeouts.background()))) {
      byte[] signature =
          new KmsKeySigner(kms)
              .sign(broker.signingKey(), signingInput.getBytes(StandardCharsets.US_ASCII));
      return signingInput + "." + Base64URL.encode(signature);
    }
  }

  /**
   * The python3 on PATH if it has PyJWT, else Debian's (python3-jwt, which .ci/run may install).
   */
  private static Optional<String> pythonWithPyJwt() throws Exception {
    for (Optional<String> python : List.of(which("python3"), Optional.of("/usr/bin/python3"))) {
      if (python.isPresent()
          && Files.isExecutable(Path.of(python.get()))
          && run(List.of(python.get(), "-c", "import jwt; jwt.PyJWKClient"), null, Path.of("."))
                  .exitCode()
              == 0) {
        return python;
      }
    }
    return Optional.empty();
  }

  private static Optional<String> which(String command) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path candidate = Path.of(dir, command);
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate.toString());
      }
    }
    return Optional.empty();
  }
}
