package io.tokenbroker.dpop;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.dpop.DefaultDPoPProofFactory;
import com.nimbusds.oauth2.sdk.dpop.JWKThumbprintConfirmation;
import com.nimbusds.oauth2.sdk.dpop.verifiers.DPoPIssuer;
import com.nimbusds.oauth2.sdk.dpop.verifiers.DPoPProtectedResourceRequestVerifier;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.token.DPoPAccessToken;
import io.tokenbroker.jose.CompactJws;
import io.tokenbroker.jose.SignatureCheck;
import io.tokenbroker.testing.DpopProofs;
import io.tokenbroker.testing.MutableClock;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * What one proof check costs an authorizer, this package's verifier against Nimbus's
 * DPoPProtectedResourceRequestVerifier (the SDK the issue suggested) and against the bare signature
 * check underneath both, as this thread's CPU time per check in alternating 200 ms batches after a
 * common warm-up (PairedRatios' method), one ES256 proof with ath, the replay check left out of
 * both (a store call, the same for either). Run: {@code java -cp <shared test classpath>
 * io.tokenbroker.dpop.DpopProofTiming [rounds]}.
 */
public final class DpopProofTiming {

  private static volatile int sink;

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
    String url = "https://api.example.com/orders";
    String accessToken = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";
    ECKey key = DpopProofs.ecKey();
    Instant now = Instant.now();
    String proof = DpopProofs.by(key, "GET", url, now).ath(accessToken).sign();
    MutableClock clock = new MutableClock(now);
    String jkt = key.computeThumbprint().toString();

    DpopProofVerifier ours =
        new DpopProofVerifier(
            new DpopPolicy(Duration.ofSeconds(60), Duration.ofSeconds(60), Optional.empty()),
            (proofId, keepUntil) -> true,
            clock);
    DpopRequest request = DpopRequest.resourceRequest(List.of(proof), "GET", url, accessToken, jkt);

    DPoPProtectedResourceRequestVerifier nimbus =
        new DPoPProtectedResourceRequestVerifier(
            Set.of(JWSAlgorithm.ES256, JWSAlgorithm.PS256, JWSAlgorithm.RS256), 120, null);
    DPoPIssuer issuer = new DPoPIssuer(new ClientID("bench"));
    DPoPAccessToken dpopToken = new DPoPAccessToken(accessToken);
    JWKThumbprintConfirmation cnf = JWKThumbprintConfirmation.of(key);
    URI uri = URI.create(url);
    // The Nimbus proof factory's proof is checked too: both verifiers accept the same input.
    String nimbusMade =
        new DefaultDPoPProofFactory(key, JWSAlgorithm.ES256)
            .createDPoPJWT("GET", uri, dpopToken)
            .serialize();
    ours.verify(DpopRequest.resourceRequest(List.of(nimbusMade), "GET", url, accessToken, jkt));

    CompactJws jws = CompactJws.parse(proof, DpopProofVerifier.MAX_PROOF_LENGTH);
    JWK publicKey = key.toPublicJWK();

    Callable<Object> oursCheck = () -> ours.verify(request);
    Callable<Object> nimbusCheck =
        () -> {
          nimbus.verify("GET", uri, issuer, SignedJWT.parse(proof), dpopToken, cnf);
          return cnf;
        };
    Callable<Object> bareSignature =
        () ->
            SignatureCheck.verifies(
                JWSAlgorithm.ES256, publicKey, jws.signingInput(), jws.signature());

    for (Callable<Object> c : List.of(oursCheck, nimbusCheck, bareSignature)) {
      long end = System.nanoTime() + 5_000_000_000L;
      while (System.nanoTime() < end) {
        sink += System.identityHashCode(c.call());
      }
    }
    List<Double> oursOverNimbus = new ArrayList<>();
    List<Double> bareOverOurs = new ArrayList<>();
    double[] usOurs = new double[rounds];
    double[] usNimbus = new double[rounds];
    double[] usBare = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      double a = batch(oursCheck);
      double b = batch(nimbusCheck);
      double c = batch(bareSignature);
      usOurs[r] = a / 1000;
      usNimbus[r] = b / 1000;
      usBare[r] = c / 1000;
      oursOverNimbus.add(b / a);
      bareOverOurs.add(c / a);
    }
    System.out.printf(
        "CPU us per check, median of %d rounds: io.tokenbroker.dpop %.1f, Nimbus SDK %.1f, bare"
            + " ES256 signature %.1f%n",
        rounds, median(usOurs), median(usNimbus), median(usBare));
    System.out.printf(
        "throughput ours / Nimbus: median %.2f (min %.2f, max %.2f)%n",
        median(oursOverNimbus), min(oursOverNimbus), max(oursOverNimbus));
    System.out.printf("throughput ours / bare signature: median %.2f%n", median(bareOverOurs));
  }

  /**
   * This thread's CPU nanoseconds per operation over a 200 ms batch (the thread's, not the
   * process's: JIT and GC threads and a loaded machine's other work stay out of it).
   */
  private static double batch(Callable<Object> op) throws Exception {
    var threads = ManagementFactory.getThreadMXBean();
    long cpu = threads.getCurrentThreadCpuTime();
    long end = System.nanoTime() + 200_000_000L;
    long n = 0;
    while (System.nanoTime() < end) {
      sink += System.identityHashCode(op.call());
      n++;
    }
    return (double) (threads.getCurrentThreadCpuTime() - cpu) / n;
  }

  private static double median(double[] values) {
    double[] copy = values.clone();
    Arrays.sort(copy);
    return copy[copy.length / 2];
  }

  private static double median(List<Double> values) {
    return median(values.stream().mapToDouble(Double::doubleValue).toArray());
  }

  private static double min(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).min().orElse(0);
  }

  private static double max(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).max().orElse(0);
  }

  private DpopProofTiming() {}
}
