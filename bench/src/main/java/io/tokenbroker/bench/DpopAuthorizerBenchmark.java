package io.tokenbroker.bench;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.AsymmetricJWK;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import io.tokenbroker.access.RouteRules;
import io.tokenbroker.dpop.DpopPolicy;
import io.tokenbroker.dpop.DpopProofVerifier;
import io.tokenbroker.functions.authorizer.DpopAuthorization;
import io.tokenbroker.functions.authorizer.TokenAuthorizer;
import io.tokenbroker.jose.CompactJws;
import io.tokenbroker.jose.Confirmation;
import io.tokenbroker.revocation.CachedRevocations;
import io.tokenbroker.testing.DpopProofs;
import io.tokenbroker.testing.TestKeys;
import io.tokenbroker.tokens.RequestOrigin;
import io.tokenbroker.verify.AccessTokenVerifier;
import io.tokenbroker.verify.CachingKeyResolver;
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
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The authorizer's decision on a DPoP request (issue 14) against what it cannot do without: a bare
 * JCA verify of the access token's signature plus a bare JCA verify of the proof's (ES256).
 *
 * <p>{@link #decision}: the REST REQUEST event of a custom domain with a base path ({@code
 * events/authorizer/rest-request-custom-domain-dpop.json}) carrying {@code DPoP <token>} and a
 * proof bound to it, through the whole handler: event read, token verify, every proof check of RFC
 * 9449 4.3 (JSON, jwk, thumbprint, signature, htm/htu, iat, ath, cnf.jkt), the policy. The replay
 * store is this process's memory, accepting every proof (the one proof is reused: the decision's
 * CPU is the same as for a new one); deployed it is one DynamoDB conditional PutItem per DPoP
 * decision, the only AWS call DPoP adds, counted apart. The proof verifier's clock is the proof's
 * iat, so no run outlives the proof's window.
 */
public class DpopAuthorizerBenchmark {

  public String alg = "ES256";

  private TokenAuthorizer authorizer;
  private final com.amazonaws.services.lambda.runtime.Context context =
      BenchFixtures.lambdaContext();
  private byte[] event;
  private PublicKey tokenKey;
  private String tokenJca;
  private byte[] tokenInput;
  private byte[] tokenSignature;
  private PublicKey proofKey;
  private byte[] proofInput;
  private byte[] proofSignature;

  public void setUp() throws Exception {
    JWSAlgorithm algorithm = JWSAlgorithm.parse(alg);
    JWK key = TestKeys.generate(algorithm);
    ECKey holder = DpopProofs.ecKey();
    String token =
        BenchFixtures.tokenService(key, BenchFixtures.telemetry("token"))
            .issue(
                BenchFixtures.iamCaller(),
                BenchFixtures.tokenRequest(Duration.ofHours(1)),
                new RequestOrigin("203.0.113.10", "bench"),
                Optional.of(new Confirmation.DpopKey(holder.computeThumbprint().toString())))
            .accessToken();
    Instant iat = Instant.now();
    String url = "https://api.example.com/shop/orders/42";
    String proof = DpopProofs.by(holder, "GET", url, iat).ath(token).sign();

    JWK publicJwk = key.toPublicJWK();
    Clock clock = Clock.systemUTC();
    AccessTokenVerifier verifier =
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
    DpopProofVerifier proofs =
        new DpopProofVerifier(
            new DpopPolicy(Duration.ofSeconds(60), Duration.ofSeconds(60), Optional.empty()),
            (proofId, keepUntil) -> true,
            Clock.fixed(iat, ZoneOffset.UTC));
    authorizer =
        new TokenAuthorizer(
            verifier,
            new DpopAuthorization(verifier, Optional.of(proofs)),
            RouteRules.parse(BenchFixtures.ROUTES),
            BenchFixtures.telemetry("authorizer"));
    event = BenchFixtures.dpopAuthorizerEvent(token, proof);

    CompactJws tokenJws = CompactJws.parse(token, AccessTokenVerifier.MAX_TOKEN_LENGTH);
    tokenInput = tokenJws.signingInput();
    tokenSignature = tokenJws.signature();
    tokenKey = ((AsymmetricJWK) publicJwk).toPublicKey();
    tokenJca =
        JWSAlgorithm.ES256.equals(algorithm) ? "SHA256withECDSAinP1363Format" : "SHA256withRSA";
    CompactJws proofJws = CompactJws.parse(proof, DpopProofVerifier.MAX_PROOF_LENGTH);
    proofInput = proofJws.signingInput();
    proofSignature = proofJws.signature();
    proofKey = holder.toPublicKey();

    String policy = new String(decision(), StandardCharsets.UTF_8);
    if (!policy.contains("\"Effect\":\"Allow\"") || !bareVerifyTokenAndProof()) {
      throw new IllegalStateException("the benchmark DPoP request is not accepted: " + policy);
    }
  }

  public byte[] decision() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
    authorizer.handleRequest(new ByteArrayInputStream(event), out, context);
    return out.toByteArray();
  }

  public boolean bareVerifyTokenAndProof() throws GeneralSecurityException {
    Signature token = Signature.getInstance(tokenJca);
    token.initVerify(tokenKey);
    token.update(tokenInput);
    Signature proof = Signature.getInstance("SHA256withECDSAinP1363Format");
    proof.initVerify(proofKey);
    proof.update(proofInput);
    return token.verify(tokenSignature) & proof.verify(proofSignature);
  }
}
