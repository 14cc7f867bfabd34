package io.tokenbroker.bench;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.AsymmetricJWK;
import com.nimbusds.jose.jwk.JWK;
import io.tokenbroker.access.RouteRules;
import io.tokenbroker.functions.authorizer.TokenAuthorizer;
import io.tokenbroker.jose.CompactJws;
import io.tokenbroker.jose.SignatureCheck;
import io.tokenbroker.jose.VerificationKey;
import io.tokenbroker.revocation.CachedRevocations;
import io.tokenbroker.testing.TestKeys;
import io.tokenbroker.tokens.RequestOrigin;
import io.tokenbroker.verify.AccessTokenVerifier;
import io.tokenbroker.verify.CachingKeyResolver;
import io.tokenbroker.verify.VerifiedToken;
import io.tokenbroker.verify.VerifierPolicy;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The authorizer's whole decision against the bare signature check it contains.
 *
 * <p>{@link #decision}: API Gateway REST REQUEST authorizer event bytes in, IAM policy JSON bytes
 * out, through the real {@link TokenAuthorizer} (event parsing, strict JWS and header checks, key
 * lookup, the signature, claims, revocation state, policy, telemetry line), with keys and
 * revocation state in memory and warm: what a warm Lambda authorizer does per request, less the
 * Lambda runtime's own I/O.
 *
 * <p>{@link #bareVerify}: the same token's signature checked with plain JCA ({@code SHA256withRSA};
 * {@code SHA256withECDSAinP1363Format}, which takes JWS's r||s form as is), public key and decoded
 * bytes prepared beforehand: the floor any verifier pays per token.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class AuthorizerBenchmark {

  @Param({"RS256", "ES256"})
  public String alg;

  private TokenAuthorizer authorizer;
  private AccessTokenVerifier verifier;
  private String token;
  private JWSAlgorithm algorithm;
  private JWK publicJwk;
  private VerificationKey verificationKey;
  private byte[] event;
  private String jcaAlgorithm;
  private PublicKey publicKey;
  private byte[] signingInput;
  private byte[] signature;

  private final com.amazonaws.services.lambda.runtime.Context context =
      BenchFixtures.lambdaContext();

  @Setup
  public void setUp() throws Exception {
    algorithm = JWSAlgorithm.parse(alg);
    JWK key = TestKeys.generate(algorithm);
    // A token exactly as the broker mints it (real minter, local signature), valid for an hour so
    // that no run outlives it.
    token =
        BenchFixtures.tokenService(key, BenchFixtures.telemetry("token"))
            .issue(
                BenchFixtures.iamCaller(),
                BenchFixtures.tokenRequest(Duration.ofHours(1)),
                new RequestOrigin("203.0.113.10", "bench"))
            .accessToken();
    publicJwk = key.toPublicJWK();
    Clock clock = Clock.systemUTC();
    verifier =
        new AccessTokenVerifier(
            new VerifierPolicy(
                BenchFixtures.ISSUER,
                BenchFixtures.AUDIENCE,
                Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256),
                Duration.ofSeconds(60),
                Duration.ofHours(1)),
            new CachingKeyResolver(
                () -> List.of(publicJwk), clock, Duration.ofHours(1), Duration.ofSeconds(30)),
            new CachedRevocations(BenchFixtures.NO_REVOCATIONS, clock, Duration.ofDays(1), 10_000),
            clock);
    authorizer =
        new TokenAuthorizer(
            verifier,
            RouteRules.parse(BenchFixtures.ROUTES),
            BenchFixtures.telemetry("authorizer"));
    event = BenchFixtures.authorizerEvent(token);

    CompactJws jws = CompactJws.parse(token, AccessTokenVerifier.MAX_TOKEN_LENGTH);
    signingInput = jws.signingInput();
    signature = jws.signature();
    publicKey = ((AsymmetricJWK) publicJwk).toPublicKey();
    verificationKey = VerificationKey.of(publicJwk);
    jcaAlgorithm =
        JWSAlgorithm.ES256.equals(algorithm) ? "SHA256withECDSAinP1363Format" : "SHA256withRSA";

    // Measure the path that allows, nothing else: a denial would be cheaper and mislead.
    String policy = new String(decision(), StandardCharsets.UTF_8);
    if (!policy.contains("\"Effect\":\"Allow\"") || !bareVerify() || !signatureCheck()) {
      throw new IllegalStateException("the benchmark token is not accepted: " + policy);
    }
  }

  /** The token every benchmark here verifies (for {@link NodeComparison}). */
  String token() {
    return token;
  }

  /** The public key that verifies it. */
  JWK publicJwk() {
    return publicJwk;
  }

  @Benchmark
  public byte[] decision() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
    authorizer.handleRequest(new ByteArrayInputStream(event), out, context);
    return out.toByteArray();
  }

  /**
   * Part of {@link #decision}: the token verifier alone (JWS, header, key, signature, claims,
   * revocation), without the event, the policy and the log line.
   */
  @Benchmark
  public VerifiedToken verifyOnly() {
    return verifier.verify(token);
  }

  /**
   * Part of {@link #verifyOnly}: the production signature step alone ({@link SignatureCheck} with
   * the key prepared once, as {@link CachingKeyResolver} holds it).
   */
  @Benchmark
  public boolean signatureCheck() {
    return SignatureCheck.verifies(algorithm, verificationKey, signingInput, signature);
  }

  @Benchmark
  public boolean bareVerify() throws GeneralSecurityException {
    Signature verifier = Signature.getInstance(jcaAlgorithm);
    verifier.initVerify(publicKey);
    verifier.update(signingInput);
    return verifier.verify(signature);
  }
}
