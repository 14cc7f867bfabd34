package io.tokenbroker.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.entry;

import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Federated credentials over real HTTP: {@link ExchangeTestServer} stands in for the broker's token
 * endpoint and for GitHub Actions' ID-token endpoint and records every request as it arrived. The
 * exact RFC 8693 form, each source read anew per exchange, the retry rules of an exchange, and the
 * cache, renewal and single flight as for any credential.
 */
class FederatedCredentialsIT {

  private static final Set<String> READ = Set.of("demo:read");
  private static final String API = "https://api.example.com";
  private static final String BROKER_AUDIENCE = "https://broker.example.com";
  private static final String GITHUB_REQUEST_TOKEN = "ghs-request-token-do-not-show-0123456789";

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final List<Duration> waits = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();
  private ExchangeTestServer server;
  @TempDir Path dir;

  @BeforeEach
  void start() throws Exception {
    server = new ExchangeTestServer();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private TokenClient.Builder client(ClientAuthentication authentication) {
    return TokenClient.builder(server.uri(), authentication)
        .clock(clock)
        .sleeper(clock.sleeper(waits::add))
        .retryPolicy(
            new RetryPolicy(
                Duration.ofMillis(100),
                Duration.ofSeconds(1),
                Duration.ofSeconds(10),
                Duration.ofSeconds(2)));
  }

  private FederatedCredentials github() {
    return FederatedCredentials.githubActions(
        "deployer",
        BROKER_AUDIENCE,
        Map.of(
                "ACTIONS_ID_TOKEN_REQUEST_URL",
                server.githubRequestUrl(),
                "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
                GITHUB_REQUEST_TOKEN)
            ::get,
        http);
  }

  private Path tokenFile(String token) throws Exception {
    Path file = dir.resolve("broker");
    Files.writeString(file, token + "\n"); // as the kubelet writes it, or with a newline
    return file;
  }

  @Test
  void aProjectedTokenFileIsExchangedWithExactlyTheFormOfRfc8693() throws Exception {
    String outside = ExchangeTestServer.jwt("https://kubernetes.default.svc", "system:sa:ns:app");
    TokenClient tokens =
        client(FederatedCredentials.fromFile("k8s-app", tokenFile(outside))).build();

    AccessToken token = tokens.token(READ, API);

    ExchangeTestServer.Seen seen = server.brokerRequests().getFirst();
    assertThat(seen.method()).isEqualTo("POST");
    assertThat(seen.path()).isEqualTo("/token");
    assertThat(seen.header("Content-Type")).isEqualTo("application/x-www-form-urlencoded");
    assertThat(seen.header("Authorization")).isNull();
    assertThat(seen.form())
        .containsExactly(
            entry("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange"),
            entry("subject_token", outside),
            entry("subject_token_type", "urn:ietf:params:oauth:token-type:jwt"),
            entry("requested_token_type", "urn:ietf:params:oauth:token-type:access_token"),
            entry("scope", "demo:read"),
            entry("audience", API),
            entry("client_id", "k8s-app"));
    assertThat(token.value()).isEqualTo(server.issued().getFirst());
    assertThat(token.scopes()).containsExactly("demo:read");
    // Cached like any token: a second call while it is fresh makes no request.
    clock.advance(Duration.ofSeconds(190));
    assertThat(tokens.token(READ, API).value()).isEqualTo(token.value());
    assertThat(server.brokerRequests()).hasSize(1);
  }

  @Test
  void theTokenFileIsReadAgainForEveryExchangeAndNoRefreshTokenIsUsed() throws Exception {
    String first = ExchangeTestServer.jwt("https://kubernetes.default.svc", "a");
    String second = ExchangeTestServer.jwt("https://kubernetes.default.svc", "b");
    Path file = tokenFile(first);
    server.withRefreshToken = true; // were the broker to give one, it could not be used
    TokenClient tokens = client(FederatedCredentials.fromFile("k8s-app", file)).build();

    AccessToken old = tokens.token(READ, API);
    Files.writeString(file, second); // the kubelet rotated it
    clock.advance(Duration.ofSeconds(226)); // past the latest refresh point

    AccessToken renewed = tokens.token(READ, API);

    assertThat(renewed.value()).isNotEqualTo(old.value());
    assertThat(server.brokerRequests())
        .extracting(s -> s.form().get("grant_type"), s -> s.form().get("subject_token"))
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(FederatedCredentialsIT.EXCHANGE, first),
            org.assertj.core.groups.Tuple.tuple(FederatedCredentialsIT.EXCHANGE, second));
    assertThat(server.brokerRequests())
        .allSatisfy(s -> assertThat(s.form()).doesNotContainKey("refresh_token"));
  }

  static final String EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";

  @Test
  void theFileAnEnvironmentVariableNamesIsRead() throws Exception {
    String outside = ExchangeTestServer.jwt("https://oidc.eks.amazonaws.com/id/X", "sa");
    Path file = tokenFile(outside);
    TokenClient tokens =
        client(
                FederatedCredentials.fromFileNamedBy(
                    "eks-app",
                    "AWS_WEB_IDENTITY_TOKEN_FILE",
                    Map.of("AWS_WEB_IDENTITY_TOKEN_FILE", file.toString())::get))
            .build();

    tokens.token(READ, API);

    assertThat(server.brokerRequests().getFirst().form())
        .containsEntry("subject_token", outside)
        .containsEntry("client_id", "eks-app");
    assertThatThrownBy(
            () ->
                FederatedCredentials.fromFileNamedBy(
                    "eks-app", "AWS_WEB_IDENTITY_TOKEN_FILE", Map.<String, String>of()::get))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("AWS_WEB_IDENTITY_TOKEN_FILE is not set");
  }

  @Test
  void githubActionsAsksForANewIdTokenForTheAudienceOnEveryExchange() {
    TokenClient tokens = client(github()).build();

    AccessToken first = tokens.token(READ, API);
    clock.advance(Duration.ofSeconds(226));
    AccessToken second = tokens.token(READ, API);

    assertThat(second.value()).isNotEqualTo(first.value());
    List<ExchangeTestServer.Seen> asked = server.githubRequests();
    assertThat(asked).hasSize(2);
    for (ExchangeTestServer.Seen seen : asked) {
      assertThat(seen.method()).isEqualTo("GET");
      assertThat(seen.path()).isEqualTo("/github/idtoken");
      // The runner's URL with &audience= appended, the audience URL-encoded.
      assertThat(seen.rawQuery())
          .isEqualTo("api-version=2.0&audience=https%3A%2F%2Fbroker.example.com");
      assertThat(seen.header("Authorization")).isEqualTo("Bearer " + GITHUB_REQUEST_TOKEN);
      assertThat(seen.header("Accept")).isEqualTo("application/json");
    }
    assertThat(server.brokerRequests())
        .extracting(s -> s.form().get("subject_token"))
        .containsExactlyElementsOf(server.githubTokens());
    assertThat(server.githubTokens()).doesNotHaveDuplicates();
    assertThat(server.brokerRequests().getFirst().form())
        .containsEntry("subject_token_type", "urn:ietf:params:oauth:token-type:id_token")
        .containsEntry("client_id", "deployer")
        .doesNotContainKeys("client_assertion", "client_assertion_type");
  }

  @Test
  void aRetryAfterA503SendsANewGitHubTokenAfterWaitingRetryAfter() {
    server.answerBroker(
        1,
        new ExchangeTestServer.Canned(
            503, Map.of("Retry-After", "3"), f -> "{\"error\":\"temporarily_unavailable\"}"));
    TokenClient tokens = client(github()).build();

    tokens.token(READ, API);

    assertThat(server.brokerRequests())
        .extracting(ExchangeTestServer.Seen::status)
        .containsExactly(503, 200);
    assertThat(waits).containsExactly(Duration.ofSeconds(3));
    // Each attempt its own ID token: the first one's jti may have been recorded as used.
    assertThat(server.brokerRequests())
        .extracting(s -> s.form().get("subject_token"))
        .containsExactlyElementsOf(server.githubTokens())
        .doesNotHaveDuplicates();
  }

  @Test
  void a429IsRetriedButA502A504OrATimeoutIsNotAnExchangeMayHaveSpentItsToken() throws Exception {
    String outside = ExchangeTestServer.jwt("https://kubernetes.default.svc", "a");
    FederatedCredentials file = FederatedCredentials.fromFile("k8s-app", tokenFile(outside));
    server.answerBroker(1, new ExchangeTestServer.Canned(429, Map.of(), f -> "{}"));
    client(file).build().token(READ, API);
    assertThat(server.brokerRequests())
        .extracting(ExchangeTestServer.Seen::status)
        .containsExactly(429, 200);

    for (int status : new int[] {502, 504}) {
      int before = server.brokerRequests().size();
      server.answerBroker(
          1, new ExchangeTestServer.Canned(status, Map.of(), f -> "{\"message\":\"gateway\"}"));
      Throwable failed = catchThrowable(() -> client(file).build().token(READ, API));
      assertThat(failed).isInstanceOf(TokenUnavailable.class).hasMessageContaining("" + status);
      assertThat(server.brokerRequests()).hasSize(before + 1);
    }

    int before = server.brokerRequests().size();
    server.hold = Duration.ofMillis(1500);
    TokenClient impatient =
        TokenClient.builder(server.uri(), file)
            .retryPolicy(
                new RetryPolicy(
                    Duration.ofMillis(10),
                    Duration.ofMillis(20),
                    Duration.ofSeconds(10),
                    Duration.ofMillis(300)))
            .build();
    assertThatThrownBy(() -> impatient.token(READ, API))
        .isInstanceOf(TokenUnavailable.class)
        .hasMessageContaining("not retried, the broker may have received it");
    Thread.sleep(1600); // the held request arrives
    assertThat(server.brokerRequests()).hasSize(before + 1);
  }

  @Test
  void aBrokerThatCannotBeReachedIsRetriedUntilTheDeadline() throws Exception {
    int closed;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = socket.getLocalPort();
    }
    String outside = ExchangeTestServer.jwt("https://kubernetes.default.svc", "a");
    TokenClient tokens =
        client(FederatedCredentials.fromFile("k8s-app", tokenFile(outside)))
            .endpointBase(URI.create("http://127.0.0.1:" + closed))
            .build();

    assertThatThrownBy(() -> tokens.token(READ, API))
        .isInstanceOf(TokenUnavailable.class)
        .hasMessageContaining("token-exchange grant: the broker could not be reached")
        .hasMessageContaining("deadline");
    assertThat(waits).hasSizeGreaterThan(3);
  }

  @Test
  void refusalsAreTypedAndNotRetried() throws Exception {
    String outside = ExchangeTestServer.jwt("https://kubernetes.default.svc", "a");
    FederatedCredentials file = FederatedCredentials.fromFile("k8s-app", tokenFile(outside));
    Map<String, Integer> refusals =
        Map.of(
            "invalid_request", 400,
            "invalid_client", 401,
            "invalid_scope", 400,
            "invalid_target", 400);
    for (var refusal : refusals.entrySet()) {
      int before = server.brokerRequests().size();
      server.answerBroker(
          1,
          new ExchangeTestServer.Canned(
              refusal.getValue(),
              Map.of(),
              f -> "{\"error\":\"" + refusal.getKey() + "\",\"error_description\":\"no\"}"));

      Throwable refused = catchThrowable(() -> client(file).build().token(READ, API));

      assertThat(refused).isInstanceOf(TokenRequestRejected.class);
      TokenRequestRejected rejected = (TokenRequestRejected) refused;
      assertThat(rejected.status()).isEqualTo(refusal.getValue());
      assertThat(rejected.error()).isEqualTo(refusal.getKey());
      assertThat(rejected.errorDescription()).contains("no");
      assertThat(server.brokerRequests()).hasSize(before + 1);
    }
  }

  @Test
  void theGitHubEndpointsFailuresAreRetriedItsRefusalsAreNot() {
    server.answerGitHub(2, new ExchangeTestServer.Canned(503, Map.of(), f -> "{}"));
    TokenClient tokens = client(github()).build();

    tokens.token(READ, API);

    assertThat(server.githubRequests())
        .extracting(ExchangeTestServer.Seen::status)
        .containsExactly(503, 503, 200);
    assertThat(server.brokerRequests()).hasSize(1);

    server.answerGitHub(1, new ExchangeTestServer.Canned(403, Map.of(), f -> "{}"));
    Throwable refused = catchThrowable(() -> client(github()).build().token(READ, API));
    assertThat(refused)
        .isInstanceOf(TokenUnavailable.class)
        .hasMessageContaining("answered 403")
        .hasMessageContaining("id-token: write");
    assertThat(server.brokerRequests()).hasSize(1);
  }

  @Test
  void gitlabCiSendsTheIdTokenOfTheVariableTheJobNamed() {
    String outside = ExchangeTestServer.jwt("https://gitlab.com", "project_path:acme/app");
    TokenClient tokens =
        client(
                FederatedCredentials.gitlabCi(
                    "gitlab-app", "BROKER_ID_TOKEN", Map.of("BROKER_ID_TOKEN", outside)::get))
            .build();

    tokens.token(READ, API);

    assertThat(server.brokerRequests().getFirst().form())
        .containsEntry("subject_token", outside)
        .containsEntry("subject_token_type", "urn:ietf:params:oauth:token-type:id_token")
        .containsEntry("client_id", "gitlab-app");
    assertThatThrownBy(
            () ->
                FederatedCredentials.gitlabCi(
                    "gitlab-app", "BROKER_ID_TOKEN", Map.<String, String>of()::get))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("BROKER_ID_TOKEN is not set")
        .hasMessageContaining("id_tokens");
  }

  @Test
  void aSupplierIsAskedForEveryAttemptAndMayAskForARetry() {
    AtomicInteger calls = new AtomicInteger();
    FederatedCredentials supplied =
        FederatedCredentials.fromSupplier(
            "custom",
            () -> {
              if (calls.incrementAndGet() == 1) {
                throw new UncheckedIOException(new java.io.IOException("metadata server busy"));
              }
              return ExchangeTestServer.jwt("https://idp.example.com", "w" + calls.get());
            },
            FederatedCredentials.JWT);

    client(supplied).build().token(READ, API);

    assertThat(calls).hasValue(2);
    assertThat(waits).hasSize(1);
    assertThat(server.brokerRequests()).hasSize(1);
  }

  @Test
  void somethingThatIsNotAJwtIsNeverSent() throws Exception {
    Path key = dir.resolve("key.pem");
    Files.writeString(key, "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49\n");
    Throwable wrongFile =
        catchThrowable(
            () -> client(FederatedCredentials.fromFile("k8s-app", key)).build().token(READ, API));
    Throwable missing =
        catchThrowable(
            () ->
                client(FederatedCredentials.fromFile("k8s-app", dir.resolve("none")))
                    .build()
                    .token(READ, API));

    assertThat(wrongFile)
        .isInstanceOf(TokenUnavailable.class)
        .hasMessageContaining("not a JWT")
        .hasMessageNotContaining("MIGH");
    assertThat(missing).isInstanceOf(TokenUnavailable.class).hasMessageContaining("does not exist");
    assertThat(server.brokerRequests()).isEmpty();
    assertThat(waits).isEmpty(); // a setting to fix is not waited out
  }

  @Test
  void githubsEndpointMustBeSetAndHttpsOffThisMachine() {
    assertThatThrownBy(
            () ->
                FederatedCredentials.githubActions(
                    "deployer", BROKER_AUDIENCE, Map.<String, String>of()::get, http))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("ACTIONS_ID_TOKEN_REQUEST_URL is not set")
        .hasMessageContaining("permissions: id-token: write");
    assertThatThrownBy(
            () ->
                FederatedCredentials.githubActions(
                    "deployer",
                    BROKER_AUDIENCE,
                    Map.of(
                            "ACTIONS_ID_TOKEN_REQUEST_URL",
                            "http://actions.example.com/idtoken?api-version=2.0",
                            "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
                            GITHUB_REQUEST_TOKEN)
                        ::get,
                    http))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("must be https")
        .hasMessageNotContaining(GITHUB_REQUEST_TOKEN);
  }

  @Test
  void manyCallersShareOneGitHubTokenAndOneExchange() throws Exception {
    TokenClient tokens = client(github()).build();
    server.hold = Duration.ofMillis(300);
    int callers = 20;
    CountDownLatch start = new CountDownLatch(1);
    List<Future<AccessToken>> results = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(callers)) {
      for (int i = 0; i < callers; i++) {
        Callable<AccessToken> call =
            () -> {
              start.await();
              return tokens.token(READ, API);
            };
        results.add(pool.submit(call));
      }
      start.countDown();
      for (Future<AccessToken> result : results) {
        assertThat(result.get().value()).isEqualTo(server.issued().getFirst());
      }
    }
    assertThat(server.githubRequests()).hasSize(1);
    assertThat(server.brokerRequests()).hasSize(1);
  }

  @Test
  void toStringNamesTheSourceNeverAToken() throws Exception {
    String outside = ExchangeTestServer.jwt("https://gitlab.com", "p");
    assertThat(github().toString())
        .isEqualTo(
            "FederatedCredentials[client deployer, GitHub Actions ID token for audience "
                + BROKER_AUDIENCE
                + "]")
        .doesNotContain(GITHUB_REQUEST_TOKEN);
    assertThat(
            FederatedCredentials.gitlabCi(
                    "g", "BROKER_ID_TOKEN", Map.of("BROKER_ID_TOKEN", outside)::get)
                .toString())
        .isEqualTo("FederatedCredentials[client g, GitLab CI ID token from $BROKER_ID_TOKEN]");
    assertThat(client(github()).build().toString()).contains("GitHub Actions");
  }
}
