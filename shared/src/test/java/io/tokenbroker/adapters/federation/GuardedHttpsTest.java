package io.tokenbroker.adapters.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenbroker.adapters.federation.GuardedHttps.FetchFailed;
import io.tokenbroker.devsupport.TestOidcIssuer;
import io.tokenbroker.devsupport.TestOidcIssuer.Fault;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The SSRF-guarded GET against a real HTTPS issuer on 127.0.0.1. */
class GuardedHttpsTest {

  private static final TestOidcIssuer ISSUER = TestOidcIssuer.start();
  private static final GuardedHttps.Limits LIMITS =
      new GuardedHttps.Limits(Duration.ofSeconds(1), Duration.ofMillis(500), 64 * 1024);

  private final List<String> lookups = new CopyOnWriteArrayList<>();

  @AfterEach
  void heal() {
    ISSUER.heal();
    ISSUER.up();
  }

  @AfterAll
  static void stop() {
    ISSUER.close();
  }

  private static long inSeconds(int seconds) {
    return System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
  }

  /** Loopback allowed (local development), the test issuer trusted. */
  private static GuardedHttps local() {
    return new GuardedHttps(LIMITS, ISSUER.clientContext(), true, GuardedHttps.Resolver.system());
  }

  /** A resolver that answers {@code addresses} for every name, and records each lookup. */
  private GuardedHttps resolvingTo(boolean allowLoopback, InetAddress... addresses) {
    return new GuardedHttps(
        LIMITS,
        ISSUER.clientContext(),
        allowLoopback,
        host -> {
          lookups.add(host);
          return addresses;
        });
  }

  private static FetchFailed failure(ThrowingCallable call) {
    try {
      call.call();
    } catch (FetchFailed e) {
      return e;
    } catch (Throwable e) {
      throw new AssertionError("expected FetchFailed, got " + e, e);
    }
    throw new AssertionError("expected FetchFailed, got an answer");
  }

  @Test
  void fetchesAJsonDocumentOverVerifiedTls() throws Exception {
    String body = local().get(ISSUER.url(TestOidcIssuer.DISCOVERY), inSeconds(5));

    assertThat(body).contains("\"jwks_uri\"");
  }

  @Test
  void readsAChunkedBody() throws Exception {
    ISSUER.fail(TestOidcIssuer.JWKS, new Fault.Chunked());

    assertThat(local().get(ISSUER.jwksUri(), inSeconds(5))).contains(ISSUER.rsaKid());
  }

  @Test
  void refusesPlainHttpWithoutConnecting() {
    URI http = URI.create("http://localhost:" + ISSUER.port() + TestOidcIssuer.JWKS);
    int before = ISSUER.requests(TestOidcIssuer.JWKS);

    FetchFailed refused = failure(() -> local().get(http, inSeconds(5)));

    assertThat(refused.getMessage()).contains("only https");
    assertThat(refused.retryable()).isFalse();
    assertThat(ISSUER.requests(TestOidcIssuer.JWKS)).isEqualTo(before);
  }

  @Test
  void refusesUserInfoAndNeverLogsItOrTheQuery() {
    URI secret =
        URI.create("https://alice:hunter2@localhost:" + ISSUER.port() + "/jwks?token=s3cr3t");

    FetchFailed refused = failure(() -> local().get(secret, inSeconds(5)));

    assertThat(refused.getMessage()).contains("user info").doesNotContain("hunter2", "s3cr3t");
  }

  @Test
  void refusesAPortOutOfRangeAsAFetchFailure() {
    FetchFailed refused =
        failure(() -> local().get(URI.create("https://localhost:99999/jwks"), inSeconds(5)));

    assertThat(refused.getMessage()).contains("not a usable host and port");
    assertThat(refused.retryable()).isFalse();
  }

  @Test
  void refusesLoopbackUnlessLocalDevelopmentAllowsIt() {
    GuardedHttps production =
        new GuardedHttps(LIMITS, ISSUER.clientContext(), false, GuardedHttps.Resolver.system());
    int before = ISSUER.requests(TestOidcIssuer.JWKS);

    FetchFailed refused = failure(() -> production.get(ISSUER.jwksUri(), inSeconds(5)));

    assertThat(refused.getMessage()).contains("loopback address; refused");
    assertThat(refused.retryable()).isFalse();
    assertThat(ISSUER.requests(TestOidcIssuer.JWKS)).isEqualTo(before);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "10.0.0.1",
        "172.16.5.4",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "fd00:ec2::254",
        "fe80::1",
        "::ffff:10.0.0.1",
        "::ffff:169.254.169.254"
      })
  void refusesAHostResolvingToANonPublicAddressEvenInLocalDevelopment(String literal)
      throws Exception {
    FetchFailed refused =
        failure(
            () ->
                resolvingTo(true, address(literal))
                    .get(URI.create("https://issuer.example/jwks"), inSeconds(5)));

    assertThat(refused.getMessage()).contains("refused");
    assertThat(refused.retryable()).isFalse();
  }

  @Test
  void refusesMappedLoopbackWhenLoopbackIsNotAllowed() throws Exception {
    FetchFailed refused =
        failure(
            () ->
                resolvingTo(false, address("::ffff:127.0.0.1"))
                    .get(URI.create("https://issuer.example/jwks"), inSeconds(5)));

    assertThat(refused.getMessage()).contains("loopback address; refused");
  }

  @Test
  void refusesWhenAnyOfTheAddressesIsNotPublic() throws Exception {
    FetchFailed refused =
        failure(
            () ->
                resolvingTo(false, address("8.8.8.8"), address("10.1.1.1"))
                    .get(URI.create("https://issuer.example/jwks"), inSeconds(5)));

    assertThat(refused.getMessage()).contains("10.1.1.1, a private address; refused");
  }

  @Test
  void connectsToTheAddressItCheckedWithOneLookupAndSendsTheNameBySni() throws Exception {
    // issuer.test resolves nowhere but through this resolver, once: a second lookup would fail
    URI alias =
        URI.create("https://" + TestOidcIssuer.ALIAS + ":" + ISSUER.port() + "/.well-known/jwks");
    ISSUER.resetCounts();

    String body = resolvingTo(true, address("127.0.0.1")).get(alias, inSeconds(5));

    assertThat(body).contains(ISSUER.rsaKid());
    assertThat(lookups).containsExactly(TestOidcIssuer.ALIAS);
    assertThat(ISSUER.serverNames()).containsExactly(TestOidcIssuer.ALIAS);
  }

  @Test
  void verifiesTheCertificateForTheHostNameNotTheAddress() throws Exception {
    // issuer.example resolves to the test issuer, whose certificate is for localhost only
    URI other = URI.create("https://issuer.example:" + ISSUER.port() + TestOidcIssuer.JWKS);

    FetchFailed refused =
        failure(() -> resolvingTo(true, address("127.0.0.1")).get(other, inSeconds(5)));

    assertThat(refused.getMessage()).contains("TLS failed (certificate refused)");
    assertThat(refused.retryable()).isFalse();
  }

  @Test
  void refusesACertificateItsTrustDoesNotAnchor() throws Exception {
    GuardedHttps jdkTrust =
        new GuardedHttps(LIMITS, SSLContext.getDefault(), true, GuardedHttps.Resolver.system());

    FetchFailed refused = failure(() -> jdkTrust.get(ISSUER.jwksUri(), inSeconds(5)));

    assertThat(refused.getMessage()).contains("TLS failed (certificate refused)");
    assertThat(refused.retryable()).isFalse();
  }

  @Test
  void refusesARedirectWithoutFollowingIt() {
    ISSUER.fail(TestOidcIssuer.JWKS, new Fault.Redirect(ISSUER.url("/elsewhere").toString()));

    FetchFailed refused = failure(() -> local().get(ISSUER.jwksUri(), inSeconds(5)));

    assertThat(refused.getMessage()).contains("redirect (HTTP 302), which is not followed");
    assertThat(ISSUER.requests("/elsewhere")).isZero();
  }

  @Test
  void aServerErrorIsRetryable() {
    ISSUER.fail(TestOidcIssuer.JWKS, new Fault.Status(503));

    FetchFailed failed = failure(() -> local().get(ISSUER.jwksUri(), inSeconds(5)));

    assertThat(failed.getMessage()).contains("HTTP 503");
    assertThat(failed.retryable()).isTrue();
  }

  /**
   * An issuer's hiccup (a 4xx while it redeploys, an error page, a truncated or oversized answer)
   * is an outage to retry, not a reason to distrust it: only trust refusals (an address that is not
   * public, a redirect, a certificate) are lasting.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(ints = {400, 401, 403, 404, 410})
  void aClientErrorIsRetryableToo(int status) {
    ISSUER.fail(TestOidcIssuer.JWKS, new Fault.Status(status));

    FetchFailed failed = failure(() -> local().get(ISSUER.jwksUri(), inSeconds(5)));

    assertThat(failed.getMessage()).contains("HTTP " + status);
    assertThat(failed.retryable()).isTrue();
  }

  @Test
  void anErrorPageOrAnOversizedAnswerIsRetryable() {
    ISSUER.fail(TestOidcIssuer.JWKS, new Fault.ContentType("text/html"));
    assertThat(failure(() -> local().get(ISSUER.jwksUri(), inSeconds(5))).retryable()).isTrue();

    ISSUER.fail(TestOidcIssuer.JWKS, new Fault.Oversized(64 * 1024 + 1, true));
    assertThat(failure(() -> local().get(ISSUER.jwksUri(), inSeconds(5))).retryable()).isTrue();
  }

  @Test
  void aRedirectIsNotRetryable() {
    ISSUER.fail(TestOidcIssuer.JWKS, new Fault.Redirect(ISSUER.url("/elsewhere").toString()));

    assertThat(failure(() -> local().get(ISSUER.jwksUri(), inSeconds(5))).retryable()).isFalse();
  }

  @ParameterizedTest(name = "chunked {0}")
  @ValueSource(booleans = {false, true})
  void refusesABodyOverTheCap(boolean chunked) {
    ISSUER.fail(TestOidcIssuer.JWKS, new Fault.Oversized(64 * 1024 + 1, chunked));

    FetchFailed refused = failure(() -> local().get(ISSUER.jwksUri(), inSeconds(5)));

    assertThat(refused.getMessage()).contains("larger than 65536 bytes");
  }

  @Test
  void acceptsABodyAtTheCap() throws Exception {
    ISSUER.fail(TestOidcIssuer.JWKS, new Fault.Oversized(64 * 1024, true));

    assertThat(local().get(ISSUER.jwksUri(), inSeconds(5))).hasSize(64 * 1024);
  }

  @Test
  void refusesAContentTypeThatIsNotJson() {
    ISSUER.fail(TestOidcIssuer.JWKS, new Fault.ContentType("text/html"));

    assertThat(failure(() -> local().get(ISSUER.jwksUri(), inSeconds(5))).getMessage())
        .contains("content type is not JSON");
  }

  @Test
  void acceptsTheJwkSetContentTypeKubernetesServes() throws Exception {
    ISSUER.fail(TestOidcIssuer.JWKS, new Fault.ContentType("application/jwk-set+json"));

    assertThat(local().get(ISSUER.jwksUri(), inSeconds(5))).contains(ISSUER.rsaKid());
  }

  @Test
  void aSlowAnswerTimesOut() {
    ISSUER.fail(TestOidcIssuer.JWKS, new Fault.Slow(Duration.ofSeconds(1)));
    long start = System.nanoTime();

    FetchFailed failed = failure(() -> local().get(ISSUER.jwksUri(), inSeconds(5)));

    assertThat(failed.getMessage()).contains("timed out");
    assertThat(failed.retryable()).isTrue();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1500));
  }

  @Test
  void theDeadlineBoundsTheWholeFetch() {
    // each read is within the 2 s read timeout, but the fetch must be over in 300 ms
    GuardedHttps patient =
        new GuardedHttps(
            new GuardedHttps.Limits(Duration.ofSeconds(1), Duration.ofSeconds(2), 64 * 1024),
            ISSUER.clientContext(),
            true,
            GuardedHttps.Resolver.system());
    ISSUER.fail(TestOidcIssuer.JWKS, new Fault.Slow(Duration.ofSeconds(1)));
    long start = System.nanoTime();

    FetchFailed failed =
        failure(
            () ->
                patient.get(
                    ISSUER.jwksUri(), System.nanoTime() + Duration.ofMillis(300).toNanos()));

    assertThat(failed.retryable()).isTrue();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1000));
  }

  @Test
  void anOutageIsRetryable() {
    ISSUER.down();

    FetchFailed failed = failure(() -> local().get(ISSUER.jwksUri(), inSeconds(5)));

    assertThat(failed.getMessage()).contains("cannot connect");
    assertThat(failed.retryable()).isTrue();
  }

  @Test
  void aNameThatDoesNotResolveIsRetryable() {
    GuardedHttps unresolvable =
        new GuardedHttps(
            LIMITS,
            ISSUER.clientContext(),
            false,
            host -> {
              throw new java.net.UnknownHostException(host);
            });

    assertThatThrownBy(() -> unresolvable.get(URI.create("https://nowhere.example/"), inSeconds(5)))
        .isInstanceOf(FetchFailed.class)
        .hasMessageContaining("does not resolve");
  }

  private static InetAddress address(String literal) throws Exception {
    byte[] octets = InetAddress.ofLiteral(literal).getAddress();
    if (literal.startsWith("::ffff:")) {
      byte[] mapped = HexFormat.of().parseHex("00000000000000000000ffff00000000");
      System.arraycopy(octets, 0, mapped, 12, 4);
      return Inet6Address.getByAddress(null, mapped, -1);
    }
    return InetAddress.getByAddress(octets);
  }
}
