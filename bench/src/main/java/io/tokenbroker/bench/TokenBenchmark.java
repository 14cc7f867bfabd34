package io.tokenbroker.bench;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import io.tokenbroker.adapters.http.ClientAuthentication;
import io.tokenbroker.auth.AuthenticatedClient;
import io.tokenbroker.auth.ClientAssertionVerifier;
import io.tokenbroker.auth.IamAuthenticator;
import io.tokenbroker.clients.ClientRepository;
import io.tokenbroker.discovery.BrokerEndpoints;
import io.tokenbroker.functions.token.TokenHandler;
import io.tokenbroker.jose.CompactJws;
import io.tokenbroker.oauth.TokenService;
import io.tokenbroker.telemetry.Telemetry;
import io.tokenbroker.testing.EventFiles;
import io.tokenbroker.testing.TestKeys;
import io.tokenbroker.tokens.IssuedToken;
import io.tokenbroker.tokens.RequestOrigin;
import io.tokenbroker.tokens.TokenRequest;
import io.tokenbroker.verify.AccessTokenVerifier;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The token function's local work per token, everything but the KMS and DynamoDB round trips,
 * against a bare local RSA signature.
 *
 * <p>{@link #issue}: {@link TokenService#issue} (grant under the client's policy, RFC 9068 claims,
 * JWS serialization, the signature, the issuance record with the token's SHA-256, the telemetry
 * line) with an in-memory KeySigner that signs in the JVM with an RSA 2048 key (KMS's key size) and
 * in-memory key table and issuance records.
 *
 * <p>{@link #bareSign}: {@code SHA256withRSA} over a payload as long as the token's signing input,
 * private key prepared beforehand.
 *
 * <p>{@link #handlerIam}: for context, the whole {@link TokenHandler} on the {@code /token/iam}
 * sample event (API Gateway event parsing, form, IAM client authentication against an in-memory
 * client table, issue, response JSON).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TokenBenchmark {

  private TokenService tokens;
  private AuthenticatedClient caller;
  private TokenRequest request;
  private RequestOrigin origin;
  private PrivateKey privateKey;
  private byte[] payload;
  private TokenHandler handler;
  private byte[] iamEvent;

  private final com.amazonaws.services.lambda.runtime.Context context =
      BenchFixtures.lambdaContext();

  @Setup
  public void setUp() throws Exception {
    JWK key = TestKeys.generate(JWSAlgorithm.RS256);
    Telemetry telemetry = BenchFixtures.telemetry("token");
    tokens = BenchFixtures.tokenService(key, telemetry);
    caller = BenchFixtures.iamCaller();
    request = BenchFixtures.tokenRequest(Duration.ofMinutes(5));
    origin = new RequestOrigin("203.0.113.10", "aws-sdk-java/2.57.8");
    privateKey = BenchFixtures.privateKey(key);
    String token = issue().accessToken();
    payload = CompactJws.parse(token, AccessTokenVerifier.MAX_TOKEN_LENGTH).signingInput();

    ClientRepository clients = BenchFixtures.clientTable(BenchFixtures.iamClient());
    handler =
        new TokenHandler(
            new ClientAuthentication(
                new IamAuthenticator(clients),
                new ClientAssertionVerifier(
                    clients,
                    (clientId, jti, expiresAt) -> true,
                    new BrokerEndpoints(URI.create(BenchFixtures.ISSUER)),
                    Clock.systemUTC(),
                    Duration.ofMinutes(5),
                    Duration.ofSeconds(60)),
                BenchFixtures.ISSUER),
            tokens,
            null, // the benchmark sends client_credentials only: no refresh service is reached
            null, // nor the token-exchange service
            new io.tokenbroker.oauth.DpopTokenBinding(
                new io.tokenbroker.dpop.DpopProofVerifier(
                    new io.tokenbroker.dpop.DpopPolicy(
                        Duration.ofSeconds(60), Duration.ofSeconds(60), java.util.Optional.empty()),
                    (proofId, keepUntil) -> true, // no DPoP header is sent: never reached
                    Clock.systemUTC()),
                new BrokerEndpoints(URI.create(BenchFixtures.ISSUER))),
            telemetry);
    iamEvent =
        com.nimbusds.jose.util.JSONObjectUtils.toJSONString(
                EventFiles.load("token/client-credentials-iam.json"))
            .getBytes(StandardCharsets.UTF_8);
    String response = new String(handlerIam(), StandardCharsets.UTF_8);
    if (!response.contains("access_token")) {
      throw new IllegalStateException("the handler did not issue a token: " + response);
    }
  }

  @Benchmark
  public IssuedToken issue() {
    return tokens.issue(caller, request, origin);
  }

  @Benchmark
  public byte[] bareSign() throws GeneralSecurityException {
    Signature signer = Signature.getInstance("SHA256withRSA");
    signer.initSign(privateKey);
    signer.update(payload);
    return signer.sign();
  }

  @Benchmark
  public byte[] handlerIam() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(2048);
    handler.handleRequest(new ByteArrayInputStream(iamEvent), out, context);
    return out.toByteArray();
  }

  /** The length of the signing input of the tokens measured (for the report). */
  public int payloadLength() {
    return payload.length;
  }
}
