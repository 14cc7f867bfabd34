package io.tokenbroker.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import java.net.URI;
import java.net.http.HttpRequest;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client's guarantees against the real local server, counted at a proxy in front of it: cache
 * hits, refresh ahead, one refresh for many callers, back-off, the invalid_grant fallback.
 */
class TokenClientIT {

  private static final Set<String> READ = Set.of("demo:read");

  private RecordingProxy proxy;
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private PrivateKeyJwt authentication;

  @BeforeEach
  void newClientBehindAProxy() throws Exception {
    proxy = new RecordingProxy(TestBroker.issuer());
    ECKey key = new ECKeyGenerator(Curve.P_256).keyID("k1").generate();
    String clientId = TestBroker.registerClient(key.toPublicJWK().toJSONString());
    authentication =
        PrivateKeyJwt.signedBy(clientId, new ECDSASigner(key), JWSAlgorithm.ES256, "k1");
  }

  @AfterEach
  void stopProxy() {
    proxy.close();
  }

  private TokenClient.Builder client() {
    return TokenClient.builder(TestBroker.issuer(), authentication)
        .endpointBase(proxy.uri())
        .clock(clock);
  }

  @Test
  void aSecondCallWhileTheTokenIsFreshMakesNoRequest() throws Exception {
    TokenClient tokens = client().build();

    AccessToken first = tokens.token(READ, TestBroker.demoAudience());
    clock.advance(Duration.ofSeconds(190)); // before the earliest refresh point, 195 s
    AccessToken second = tokens.token(READ, TestBroker.demoAudience());

    assertThat(second.value()).isEqualTo(first.value());
    assertThat(proxy.forwardedGrants()).containsExactly("client_credentials");
    assertThat(TestBroker.callDemoApi(second)).isEqualTo(200);
    // Another scope set is another token.
    AccessToken write = tokens.token(Set.of("demo:write"), TestBroker.demoAudience());
    assertThat(write.value()).isNotEqualTo(first.value());
    assertThat(write.scopes()).containsExactly("demo:write");
    assertThat(proxy.forwardedGrants()).hasSize(2);
  }

  @Test
  void refreshesAheadOfExpiryWithTheRefreshGrant() throws Exception {
    TokenClient tokens = client().build();
    AccessToken first = tokens.token(READ, TestBroker.demoAudience());
    assertThat(first.expiresAt()).isEqualTo(clock.instant().plusSeconds(300));

    clock.advance(Duration.ofSeconds(226)); // past the latest refresh point (225 s), still valid
    AccessToken second = tokens.token(READ, TestBroker.demoAudience());

    assertThat(second.value()).isNotEqualTo(first.value());
    assertThat(second.expiresAt()).isEqualTo(clock.instant().plusSeconds(300));
    assertThat(proxy.forwardedGrants()).containsExactly("client_credentials", "refresh_token");
    assertThat(proxy.seen().getLast().status()).isEqualTo(200);
    assertThat(TestBroker.callDemoApi(second)).isEqualTo(200);
    // And the rotated refresh token works in turn.
    clock.advance(Duration.ofSeconds(226));
    assertThat(tokens.token(READ, TestBroker.demoAudience()).value()).isNotEqualTo(second.value());
    assertThat(proxy.forwardedGrants())
        .containsExactly("client_credentials", "refresh_token", "refresh_token");
  }

  @Test
  void jitterBringsTheRefreshUpToATenthOfTheLifetimeEarlier() {
    // Jitter at its largest (a random draw of almost 1) and at none (0): due at 195 s and 225 s.
    TokenClient earliest = client().random(() -> -1L).build();
    TokenClient latest = client().random(() -> 0L).build();
    AccessToken early = earliest.token(READ, TestBroker.demoAudience());
    AccessToken late = latest.token(READ, TestBroker.demoAudience());

    clock.advance(Duration.ofSeconds(196));

    assertThat(earliest.token(READ, TestBroker.demoAudience()).value()).isNotEqualTo(early.value());
    assertThat(latest.token(READ, TestBroker.demoAudience()).value()).isEqualTo(late.value());
    clock.advance(Duration.ofSeconds(30));
    assertThat(latest.token(READ, TestBroker.demoAudience()).value()).isNotEqualTo(late.value());
  }

  @Test
  void fiftyConcurrentCallersShareOneRefresh() throws Exception {
    TokenClient tokens = client().build();
    AccessToken old = tokens.token(READ, TestBroker.demoAudience());
    clock.advance(Duration.ofSeconds(295)); // within the 10 s margin: nobody may keep the old one
    proxy.hold(Duration.ofMillis(300));

    int callers = 50;
    CountDownLatch start = new CountDownLatch(1);
    List<Future<AccessToken>> results = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(callers)) {
      for (int i = 0; i < callers; i++) {
        Callable<AccessToken> call =
            () -> {
              start.await();
              return tokens.token(READ, TestBroker.demoAudience());
            };
        results.add(pool.submit(call));
      }
      start.countDown();
      List<String> values = new ArrayList<>();
      for (Future<AccessToken> result : results) {
        values.add(result.get().value());
      }

      assertThat(proxy.forwardedGrants()).containsExactly("client_credentials", "refresh_token");
      assertThat(Set.copyOf(values)).hasSize(1).doesNotContain(old.value());
      // The broker saw no second use of the refresh token: the family, and so the token, lives.
      assertThat(TestBroker.callDemoApi(results.getFirst().get())).isEqualTo(200);
    }
  }

  @Test
  void duringARenewalOtherCallersKeepTheStillValidToken() throws Exception {
    TokenClient tokens = client().build();
    AccessToken old = tokens.token(READ, TestBroker.demoAudience());
    clock.advance(Duration.ofSeconds(230)); // renewal due, the token still good for 60 s
    proxy.hold(Duration.ofSeconds(2));

    try (ExecutorService pool = Executors.newSingleThreadExecutor()) {
      Future<AccessToken> renewing =
          pool.submit(() -> tokens.token(READ, TestBroker.demoAudience()));
      while (proxy.seen().size() < 2) {
        Thread.sleep(10); // until the renewal has reached the broker
      }
      long started = System.nanoTime();
      AccessToken meanwhile = tokens.token(READ, TestBroker.demoAudience());

      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
      assertThat(meanwhile.value()).isEqualTo(old.value());
      assertThat(renewing.get().value()).isNotEqualTo(old.value());
      assertThat(tokens.token(READ, TestBroker.demoAudience()).value())
          .isEqualTo(renewing.get().value());
      assertThat(proxy.forwardedGrants()).containsExactly("client_credentials", "refresh_token");
    }
  }

  @Test
  void aFailedRenewalAheadOfExpiryKeepsTheValidTokenAndTriesAgainLater() {
    TokenClient tokens =
        client()
            .retryPolicy(
                new RetryPolicy(
                    Duration.ofMillis(100),
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(2),
                    Duration.ofSeconds(1)))
            .sleeper(clock.sleeper())
            .build();
    AccessToken old = tokens.token(READ, TestBroker.demoAudience());
    clock.advance(Duration.ofSeconds(230));
    proxy.answerNext(1000, unavailable(Map.of("Retry-After", "1")));

    assertThat(tokens.token(READ, TestBroker.demoAudience()).value()).isEqualTo(old.value());
    int attempts = proxy.seen().size();
    // Within the next back-off no new attempt; after it, one again.
    assertThat(tokens.token(READ, TestBroker.demoAudience()).value()).isEqualTo(old.value());
    assertThat(proxy.seen()).hasSize(attempts);
    clock.advance(Duration.ofSeconds(2));
    assertThat(tokens.token(READ, TestBroker.demoAudience()).value()).isEqualTo(old.value());
    assertThat(proxy.seen()).hasSizeGreaterThan(attempts);
    // Once it is no longer good, the failure surfaces.
    clock.advance(Duration.ofSeconds(60));
    assertThatThrownBy(() -> tokens.token(READ, TestBroker.demoAudience()))
        .isInstanceOf(TokenUnavailable.class);
  }

  @Test
  void backsOffOn503HonouringRetryAfterInSeconds() {
    proxy.answerNext(2, unavailable(Map.of("Retry-After", "1")));
    TokenClient tokens =
        TokenClient.builder(TestBroker.issuer(), authentication).endpointBase(proxy.uri()).build();

    AccessToken token = tokens.token(READ, TestBroker.demoAudience());

    assertThat(token.value()).isNotEmpty();
    List<RecordingProxy.Seen> seen = proxy.seen();
    assertThat(seen).extracting(RecordingProxy.Seen::status).containsExactly(503, 503, 200);
    assertThat(gapsMillis(seen)).allSatisfy(gap -> assertThat(gap).isGreaterThanOrEqualTo(950));
  }

  @Test
  void backsOffOn429HonouringRetryAfterAsAnHttpDate() {
    String inTwoSeconds =
        DateTimeFormatter.RFC_1123_DATE_TIME.format(
            Instant.now().plusSeconds(2).atOffset(ZoneOffset.UTC));
    proxy.answerNext(
        1, new RecordingProxy.Canned(429, Map.of("Retry-After", inTwoSeconds), f -> "{}"));
    TokenClient tokens =
        TokenClient.builder(TestBroker.issuer(), authentication).endpointBase(proxy.uri()).build();

    tokens.token(READ, TestBroker.demoAudience());

    List<RecordingProxy.Seen> seen = proxy.seen();
    assertThat(seen).extracting(RecordingProxy.Seen::status).containsExactly(429, 200);
    // The date has one-second precision: at least one second passes.
    assertThat(gapsMillis(seen).getFirst()).isGreaterThanOrEqualTo(950);
  }

  @Test
  void givesUpAtOnceWhenRetryAfterPassesTheDeadline() {
    proxy.answerNext(1, unavailable(Map.of("Retry-After", "60")));
    TokenClient tokens =
        TokenClient.builder(TestBroker.issuer(), authentication)
            .endpointBase(proxy.uri())
            .retryPolicy(
                new RetryPolicy(
                    Duration.ofMillis(100),
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(10),
                    Duration.ofSeconds(5)))
            .build();
    long started = System.nanoTime();

    assertThatThrownBy(() -> tokens.token(READ, TestBroker.demoAudience()))
        .isInstanceOf(TokenUnavailable.class)
        .hasMessageContaining("503")
        .hasMessageContaining("10 s deadline");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    assertThat(proxy.forwardedGrants()).isEmpty();
  }

  @Test
  void retriesAnUnreachableBrokerWithExponentialBackOffUntilTheDeadline() {
    List<Duration> waits = new ArrayList<>();
    TokenClient tokens =
        client()
            .endpointBase(URI.create("http://127.0.0.1:1")) // nothing listens there
            .retryPolicy(
                new RetryPolicy(
                    Duration.ofMillis(100),
                    Duration.ofMillis(800),
                    Duration.ofSeconds(3),
                    Duration.ofSeconds(1)))
            .sleeper(clock.sleeper(waits::add))
            .build();

    assertThatThrownBy(() -> tokens.token(READ, TestBroker.demoAudience()))
        .isInstanceOf(TokenUnavailable.class)
        .hasMessageContaining("could not be reached")
        .hasCauseInstanceOf(java.net.ConnectException.class);
    // Each wait is at least half its ceiling (100, 200, 400, 800, 800 ... ms) and at most it.
    assertThat(waits).hasSizeGreaterThanOrEqualTo(4);
    for (int i = 0; i < waits.size(); i++) {
      long ceiling = Math.min(800, 100L << Math.min(i, 10));
      assertThat(waits.get(i).toMillis()).isBetween(ceiling / 2, ceiling);
    }
    assertThat(waits.stream().mapToLong(Duration::toMillis).sum()).isLessThanOrEqualTo(3000);
  }

  @Test
  void theRetryDeadlineRunsOnRealTimeEvenWhenTheClockStandsStill() {
    TokenClient tokens =
        TokenClient.builder(TestBroker.issuer(), authentication)
            .endpointBase(URI.create("http://127.0.0.1:1")) // nothing listens there
            .clock(Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC))
            .retryPolicy(
                new RetryPolicy(
                    Duration.ofMillis(50),
                    Duration.ofMillis(200),
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(1)))
            .build();

    assertTimeoutPreemptively(
        Duration.ofSeconds(10),
        () ->
            assertThatThrownBy(() -> tokens.token(READ, TestBroker.demoAudience()))
                .isInstanceOf(TokenUnavailable.class)
                .hasMessageContaining("1 s deadline"));
  }

  @Test
  void aRefusedRefreshTokenFallsBackOnceToClientCredentials() {
    TokenClient tokens = client().build();
    AccessToken first = tokens.token(READ, TestBroker.demoAudience());
    // The broker refuses the refresh token (as it does a revoked or expired one) once.
    proxy.answerNext(
        1,
        new RecordingProxy.Canned(
            400,
            Map.of(),
            f -> "{\"error\":\"invalid_grant\",\"error_description\":\"refresh token revoked\"}"));

    clock.advance(Duration.ofSeconds(230));
    AccessToken second = tokens.token(READ, TestBroker.demoAudience());

    assertThat(second.value()).isNotEqualTo(first.value());
    assertThat(proxy.seen())
        .extracting(RecordingProxy.Seen::grantType, RecordingProxy.Seen::status)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("client_credentials", 200),
            org.assertj.core.groups.Tuple.tuple("refresh_token", 400),
            org.assertj.core.groups.Tuple.tuple("client_credentials", 200));
  }

  @Test
  void aRefusalIsATypedExceptionAndNotRetried() {
    TokenClient tokens = client().build();

    assertThatThrownBy(() -> tokens.token(Set.of("admin:everything"), TestBroker.demoAudience()))
        .isInstanceOfSatisfying(
            TokenRequestRejected.class,
            e -> {
              assertThat(e.status()).isEqualTo(400);
              assertThat(e.error()).isEqualTo("invalid_scope");
            });
    assertThat(proxy.forwardedGrants()).hasSize(1);
  }

  @Test
  void aRefreshGrantThatMayHaveReachedTheBrokerIsNeverSentAgain() throws Exception {
    TokenClient tokens = client().sleeper(clock.sleeper()).build();
    AccessToken first = tokens.token(READ, TestBroker.demoAudience());
    clock.advance(Duration.ofSeconds(230));
    // The broker rotates the refresh token, but the gateway times out: the client sees a 504.
    proxy.forwardThenAnswer(
        1, new RecordingProxy.Canned(504, Map.of(), f -> "{\"message\":\"Endpoint timeout\"}"));

    AccessToken second = tokens.token(READ, TestBroker.demoAudience());

    assertThat(second.value()).isNotEqualTo(first.value());
    assertThat(proxy.seen())
        .extracting(RecordingProxy.Seen::grantType, RecordingProxy.Seen::status)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("client_credentials", 200),
            org.assertj.core.groups.Tuple.tuple("refresh_token", 504),
            org.assertj.core.groups.Tuple.tuple("client_credentials", 200));
    // Sent once: the broker saw no reuse, so the first token's family is not revoked.
    assertThat(TestBroker.callDemoApi(first)).isEqualTo(200);
    assertThat(TestBroker.callDemoApi(second)).isEqualTo(200);
    // The next renewal uses the new grant's refresh token, once.
    clock.advance(Duration.ofSeconds(230));
    tokens.token(READ, TestBroker.demoAudience());
    assertThat(proxy.forwardedGrants())
        .containsExactly(
            "client_credentials", "refresh_token", "client_credentials", "refresh_token");
    assertThat(
            proxy.seen().stream()
                .map(seen -> seen.form().get("refresh_token"))
                .filter(Objects::nonNull)
                .toList())
        .hasSize(2)
        .doesNotHaveDuplicates();
  }

  @Test
  void aFailedRefreshAheadOfExpiryDropsTheRefreshTokenAndKeepsTheValidToken() {
    TokenClient tokens =
        client()
            .retryPolicy(
                new RetryPolicy(
                    Duration.ofMillis(100),
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(2),
                    Duration.ofSeconds(1)))
            .sleeper(clock.sleeper())
            .build();
    AccessToken first = tokens.token(READ, TestBroker.demoAudience());
    clock.advance(Duration.ofSeconds(230));
    proxy.forwardThenAnswer(1, new RecordingProxy.Canned(502, Map.of(), f -> "{}"));
    proxy.answerNext(1, unavailable(Map.of()));
    proxy.answerNext(1000, new RecordingProxy.Canned(503, Map.of(), f -> "{}"));

    // The refresh grant is not retried, the client_credentials one fails: the old token stays.
    assertThat(tokens.token(READ, TestBroker.demoAudience()).value()).isEqualTo(first.value());
    assertThat(proxy.seen().stream().filter(s -> "refresh_token".equals(s.grantType()))).hasSize(1);
    // Later renewals never send the spent refresh token again.
    clock.advance(Duration.ofSeconds(6));
    assertThat(tokens.token(READ, TestBroker.demoAudience()).value()).isEqualTo(first.value());
    assertThat(proxy.seen().stream().filter(s -> "refresh_token".equals(s.grantType()))).hasSize(1);
  }

  @Test
  void aThrottledRefreshGrantIsRetried() {
    TokenClient tokens = client().sleeper(clock.sleeper()).build();
    tokens.token(READ, TestBroker.demoAudience());
    clock.advance(Duration.ofSeconds(230));
    proxy.answerNext(1, new RecordingProxy.Canned(429, Map.of("Retry-After", "1"), f -> "{}"));

    tokens.token(READ, TestBroker.demoAudience());

    assertThat(proxy.seen())
        .extracting(RecordingProxy.Seen::grantType, RecordingProxy.Seen::status)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("client_credentials", 200),
            org.assertj.core.groups.Tuple.tuple("refresh_token", 429),
            org.assertj.core.groups.Tuple.tuple("refresh_token", 200));
  }

  @Test
  void anAuthenticationThatThrowsACheckedExceptionReleasesEveryWaiter() throws Exception {
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger calls = new AtomicInteger();
    ClientAuthentication flaky =
        new ClientAuthentication() {
          @Override
          public String tokenPath() {
            return authentication.tokenPath();
          }

          @Override
          public HttpRequest.Builder post(URI endpoint, String issuer, Map<String, String> form) {
            if (calls.incrementAndGet() == 1) {
              inside.countDown();
              await(release);
              throw TokenClientIT.<RuntimeException>sneaky(new GeneralSecurityException("hsm"));
            }
            return authentication.post(endpoint, issuer, form);
          }
        };
    TokenClient tokens =
        TokenClient.builder(TestBroker.issuer(), flaky).endpointBase(proxy.uri()).build();

    // Virtual threads and shutdownNow: a waiter left hanging must fail the test, not stall it.
    ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
    try {
      Future<AccessToken> leader = pool.submit(() -> tokens.token(READ, TestBroker.demoAudience()));
      inside.await();
      Future<AccessToken> waiter = pool.submit(() -> tokens.token(READ, TestBroker.demoAudience()));
      Thread.sleep(200); // the waiter joins the renewal in flight
      release.countDown();

      Throwable led = catchThrowable(() -> leader.get(5, TimeUnit.SECONDS)).getCause();
      Throwable waited = catchThrowable(() -> waiter.get(5, TimeUnit.SECONDS)).getCause();
      assertThat(led)
          .isInstanceOf(TokenUnavailable.class)
          .hasCauseInstanceOf(GeneralSecurityException.class);
      assertThat(waited)
          .isInstanceOf(TokenUnavailable.class)
          .isNotSameAs(led)
          .hasRootCauseInstanceOf(GeneralSecurityException.class);
    } finally {
      pool.shutdownNow();
    }
    // Nothing is left in flight: the next call renews.
    assertThat(tokens.token(READ, TestBroker.demoAudience()).value()).isNotEmpty();
  }

  @Test
  void aWaiterGetsItsOwnCopyOfTheLeadersRefusal() throws Exception {
    proxy.hold(Duration.ofMillis(500));
    TokenClient tokens = client().build();
    try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
      Callable<AccessToken> call = () -> tokens.token(Set.of("admin:everything"));
      Future<AccessToken> first = pool.submit(call);
      Future<AccessToken> second = pool.submit(call);
      Throwable a = catchThrowable(first::get).getCause();
      Throwable b = catchThrowable(second::get).getCause();
      assertThat(a).isInstanceOf(TokenRequestRejected.class).isNotSameAs(b);
      assertThat(b).isInstanceOf(TokenRequestRejected.class);
      assertThat(((TokenRequestRejected) b).error()).isEqualTo("invalid_scope");
    }
  }

  @Test
  void aShortLifetimeShrinksTheMarginAndTheTokenIsStillCached() {
    TokenClient tokens = client().build();
    proxy.answerNext(1, bearer("5")); // under the 10 s margin
    AccessToken token = tokens.token(READ, TestBroker.demoAudience());
    clock.advance(Duration.ofSeconds(1));

    assertThat(tokens.token(READ, TestBroker.demoAudience()).value()).isEqualTo(token.value());
    assertThat(proxy.seen()).hasSize(1);
  }

  @Test
  void anAbsurdLifetimeIsABrokenAnswer() {
    TokenClient tokens = client().build();
    for (String expiresIn : List.of("172800", "100000000000000000")) {
      proxy.answerNext(1, bearer(expiresIn));
      assertThatThrownBy(() -> tokens.token(READ, TestBroker.demoAudience()))
          .isInstanceOf(TokenUnavailable.class)
          .hasMessageContaining("expires_in");
    }
  }

  private static RecordingProxy.Canned bearer(String expiresIn) {
    return new RecordingProxy.Canned(
        200,
        Map.of(),
        f ->
            "{\"access_token\":\"opaque-test-token\",\"token_type\":\"Bearer\",\"expires_in\":"
                + expiresIn
                + "}");
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @SuppressWarnings("unchecked")
  private static <T extends Throwable> T sneaky(Throwable e) throws T {
    throw (T) e;
  }

  private static RecordingProxy.Canned unavailable(Map<String, String> headers) {
    return new RecordingProxy.Canned(
        503,
        headers,
        f -> "{\"error\":\"temporarily_unavailable\",\"error_description\":\"try again\"}");
  }

  private static List<Long> gapsMillis(List<RecordingProxy.Seen> seen) {
    List<Long> gaps = new ArrayList<>();
    for (int i = 1; i < seen.size(); i++) {
      gaps.add((seen.get(i).nanoTime() - seen.get(i - 1).nanoTime()) / 1_000_000);
    }
    return gaps;
  }
}
