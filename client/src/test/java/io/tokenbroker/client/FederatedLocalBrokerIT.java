package io.tokenbroker.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.sun.net.httpserver.HttpServer;
import io.tokenbroker.devsupport.TestOidcIssuer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end over the real local server, which trusts dev-support's TestOidcIssuer (real HTTPS,
 * discovery, JWKS, RS256): a client with {@link FederatedCredentials} and no secret gets broker
 * tokens that work at the demo API behind the authorizer. GitHub's ID-token endpoint is a JDK
 * HttpServer in the test that mints GitHub-Actions-shaped tokens from that issuer for the audience
 * asked.
 */
class FederatedLocalBrokerIT {

  private static final String REQUEST_TOKEN = "ghs-runner-request-token-0123456789";
  private static final Set<String> READ = Set.of("demo:read");

  private static final String GITHUB_POLICY =
      """
      {"name": "deploy-from-main", "issuer": "%2$s", "audience": "%1$s",
       "subject": "repo:acme/deployer:environment:production",
       "claims": {"repository_owner_id": "1234567", "ref": "refs/heads/main",
                  "job_workflow_ref": {"pattern": "^acme/workflows/\\\\.github/workflows/deploy\\\\.yml@refs/heads/main$"}},
       "algorithms": ["RS256"], "max_token_age_seconds": 600, "scopes": ["demo:read"],
       "max_lifetime_seconds": 300}
      """;

  private final MutableClock clock = new MutableClock(Instant.now());
  private final List<String> audiencesAsked = new CopyOnWriteArrayList<>();
  private HttpServer github;
  private volatile Function<String, String> mint;
  @TempDir Path dir;

  @BeforeEach
  void startGitHub() throws IOException {
    TestOidcIssuer issuer = TestBroker.outsideIssuer();
    mint = audience -> issuer.github(audience).sign();
    github = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    github.createContext(
        "/idtoken",
        exchange -> {
          try (exchange) {
            String query = exchange.getRequestURI().getRawQuery();
            boolean authorized =
                ("Bearer " + REQUEST_TOKEN)
                    .equals(exchange.getRequestHeaders().getFirst("Authorization"));
            String prefix = "api-version=2.0&audience=";
            if (!authorized || query == null || !query.startsWith(prefix)) {
              exchange.sendResponseHeaders(authorized ? 400 : 401, -1);
              return;
            }
            String audience =
                URLDecoder.decode(query.substring(prefix.length()), StandardCharsets.UTF_8);
            audiencesAsked.add(audience);
            byte[] body =
                ("{\"count\":1,\"value\":\"" + mint.apply(audience) + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(body);
            }
          }
        });
    github.start();
  }

  @AfterEach
  void stopGitHub() {
    github.stop(0);
  }

  private FederatedCredentials githubActions(String clientId) {
    return FederatedCredentials.githubActions(
        clientId,
        TestBroker.issuer().toString(),
        Map.of(
                "ACTIONS_ID_TOKEN_REQUEST_URL",
                "http://127.0.0.1:" + github.getAddress().getPort() + "/idtoken?api-version=2.0",
                "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
                REQUEST_TOKEN)
            ::get,
        HttpClient.newHttpClient());
  }

  @Test
  void aGitHubActionsJobGetsTokensThatWorkAtTheDemoApiAndRenewsWithANewIdToken() throws Exception {
    String clientId = TestBroker.registerFederatedClient(GITHUB_POLICY);
    TokenClient tokens =
        TokenClient.builder(TestBroker.issuer(), githubActions(clientId)).clock(clock).build();

    AccessToken first = tokens.token(READ, TestBroker.demoAudience());
    clock.advance(Duration.ofSeconds(226)); // renewal due: a new exchange, a new ID token
    AccessToken second = tokens.token(READ, TestBroker.demoAudience());

    assertThat(second.value()).isNotEqualTo(first.value());
    assertThat(TestBroker.callDemoApi(first)).isEqualTo(200);
    assertThat(TestBroker.callDemoApi(second)).isEqualTo(200);
    assertThat(first.scopes()).containsExactly("demo:read");
    // Each exchange its own ID token, for the broker's audience: its jti is single use.
    assertThat(audiencesAsked)
        .containsExactly(TestBroker.issuer().toString(), TestBroker.issuer().toString());
  }

  /** DPoP with federated credentials: the broker binds the exchanged token to the client's key. */
  @Test
  void aFederatedTokenIsBoundToTheClientsDpopKey() throws Exception {
    String clientId = TestBroker.registerFederatedClient(GITHUB_POLICY);
    DPoPKey key = DPoPKey.generate();
    TokenClient tokens =
        TokenClient.builder(TestBroker.issuer(), githubActions(clientId)).dpop(key).build();

    AccessToken token = tokens.token(READ, TestBroker.demoAudience());

    assertThat(token.tokenType()).isEqualTo("DPoP");
    Map<String, Object> cnf =
        com.nimbusds.jwt.SignedJWT.parse(token.value()).getJWTClaimsSet().getJSONObjectClaim("cnf");
    assertThat(cnf).containsEntry("jkt", key.thumbprint());
    // Without a proof of the key, the copied token is refused at the API.
    assertThat(TestBroker.callDemoApi(token)).isEqualTo(401);
  }

  /** Why a new ID token per exchange: the broker takes a GitHub token's jti once. */
  @Test
  void theSameIdTokenTwiceIsRefusedAsAReplay() {
    String clientId = TestBroker.registerFederatedClient(GITHUB_POLICY);
    String once = TestBroker.outsideIssuer().github(TestBroker.issuer().toString()).sign();
    mint = audience -> once;

    AccessToken token =
        TokenClient.builder(TestBroker.issuer(), githubActions(clientId))
            .build()
            .token(READ, TestBroker.demoAudience());
    Throwable replayed =
        catchThrowable(
            () ->
                TokenClient.builder(TestBroker.issuer(), githubActions(clientId))
                    .build()
                    .token(READ, TestBroker.demoAudience()));

    assertThat(token.value()).isNotEmpty();
    assertThat(replayed).isInstanceOf(TokenRequestRejected.class);
    assertThat(((TokenRequestRejected) replayed).error()).isEqualTo("invalid_request");
    assertThat(replayed.getMessage()).doesNotContain(once);
  }

  /** A Kubernetes pod: the projected token file, read again after the kubelet rotates it. */
  @Test
  void aPodExchangesItsProjectedTokenFileAgainAfterRotation() throws Exception {
    String clientId =
        TestBroker.registerFederatedClient(
            """
            {"name": "payments-api", "issuer": "%2$s", "audience": "%1$s",
             "subject": "system:serviceaccount:payments:api",
             "claims": {"/kubernetes.io/namespace": "payments",
                        "/kubernetes.io/serviceaccount/name": "api"},
             "max_token_age_seconds": 3600, "single_use": false}
            """);
    TestOidcIssuer issuer = TestBroker.outsideIssuer();
    Path file = dir.resolve("broker");
    Files.writeString(file, issuer.kubernetes(TestBroker.issuer().toString()).sign());
    TokenClient tokens =
        TokenClient.builder(TestBroker.issuer(), FederatedCredentials.fromFile(clientId, file))
            .clock(clock)
            .build();

    AccessToken first = tokens.token(READ, TestBroker.demoAudience());
    // The kubelet's next token, for another audience by mistake: the renewal must read it.
    Files.writeString(file, issuer.kubernetes("https://elsewhere.example.com").sign());
    clock.advance(Duration.ofSeconds(226));
    AccessToken kept = tokens.token(READ, TestBroker.demoAudience());
    clock.advance(Duration.ofSeconds(70)); // past the old token's use: the refusal surfaces
    Throwable refused = catchThrowable(() -> tokens.token(READ, TestBroker.demoAudience()));
    Files.writeString(file, issuer.kubernetes(TestBroker.issuer().toString()).sign());
    clock.advance(Duration.ofSeconds(10));
    AccessToken renewed = tokens.token(READ, TestBroker.demoAudience());

    assertThat(TestBroker.callDemoApi(first)).isEqualTo(200);
    assertThat(kept.value()).isEqualTo(first.value()); // a failed renewal keeps the valid token
    assertThat(refused).isInstanceOf(TokenRequestRejected.class);
    assertThat(((TokenRequestRejected) refused).error()).isEqualTo("invalid_request");
    assertThat(renewed.value()).isNotEqualTo(first.value());
    assertThat(TestBroker.callDemoApi(renewed)).isEqualTo(200);
  }

  /**
   * What FederatedCredentials.gitlabCi's Javadoc says: a GitLab job has one ID token, so the
   * library's renewal sends the same token again, which a policy's default single use refuses as a
   * replay; with {@code single_use: false} the renewal works.
   */
  @Test
  void aGitLabJobsOneIdTokenRenewsOnlyUnderAPolicyWithoutSingleUse() throws Exception {
    String policy =
        """
        {"name": "gitlab-job", "issuer": "%2$s", "audience": "%1$s",
         "subject": "repo:acme/deployer:ref:refs/heads/main"SINGLE_USE}
        """;
    String strict = TestBroker.registerFederatedClient(policy.replace("SINGLE_USE", ""));
    String reusable =
        TestBroker.registerFederatedClient(policy.replace("SINGLE_USE", ", \"single_use\": false"));
    String idToken =
        TestBroker.outsideIssuer().githubWithoutEnvironment(TestBroker.issuer().toString()).sign();
    Map<String, String> job = Map.of("BROKER_ID_TOKEN", idToken);

    TokenClient strictTokens =
        TokenClient.builder(
                TestBroker.issuer(),
                FederatedCredentials.gitlabCi(strict, "BROKER_ID_TOKEN", job::get))
            .clock(clock)
            .build();
    AccessToken first = strictTokens.token(READ, TestBroker.demoAudience());
    clock.advance(Duration.ofSeconds(301)); // expired: the renewal exchanges the same ID token
    Throwable renewal = catchThrowable(() -> strictTokens.token(READ, TestBroker.demoAudience()));

    MutableClock other = new MutableClock(Instant.now());
    TokenClient reusableTokens =
        TokenClient.builder(
                TestBroker.issuer(),
                FederatedCredentials.gitlabCi(reusable, "BROKER_ID_TOKEN", job::get))
            .clock(other)
            .build();
    AccessToken before = reusableTokens.token(READ, TestBroker.demoAudience());
    other.advance(Duration.ofSeconds(301));
    AccessToken renewed = reusableTokens.token(READ, TestBroker.demoAudience());

    assertThat(TestBroker.callDemoApi(first)).isEqualTo(200);
    assertThat(renewal).isInstanceOf(TokenRequestRejected.class);
    assertThat(((TokenRequestRejected) renewal).error()).isEqualTo("invalid_request");
    assertThat(renewed.value()).isNotEqualTo(before.value());
    assertThat(TestBroker.callDemoApi(renewed)).isEqualTo(200);
  }

  /**
   * What FederatedCredentials.fromFileNamedBy's Javadoc says: an IRSA-style token file is reused
   * for up to 24 hours, so a token older than a policy's default max_token_age_seconds (900) is
   * refused; a policy with a larger max age (and no single use) accepts it.
   */
  @Test
  void aReusedTokenFileOlderThanTheDefaultMaxAgeNeedsALargerOne() throws Exception {
    String policy =
        """
        {"name": "irsa-file", "issuer": "%2$s", "audience": "%1$s",
         "subject": "system:serviceaccount:payments:api", "single_use": falseMAX_AGE}
        """;
    String byDefault = TestBroker.registerFederatedClient(policy.replace("MAX_AGE", ""));
    String dayLong =
        TestBroker.registerFederatedClient(
            policy.replace("MAX_AGE", ", \"max_token_age_seconds\": 86400"));
    Instant issued = Instant.now().minus(Duration.ofMinutes(20));
    Path file = dir.resolve("web-identity-token");
    Files.writeString(
        file,
        TestBroker.outsideIssuer()
            .kubernetes(TestBroker.issuer().toString())
            .claim("iat", issued)
            .claim("nbf", issued)
            .claim("exp", issued.plus(Duration.ofHours(24)))
            .sign());
    Map<String, String> env = Map.of("AWS_WEB_IDENTITY_TOKEN_FILE", file.toString());

    Throwable tooOld =
        catchThrowable(
            () ->
                TokenClient.builder(
                        TestBroker.issuer(),
                        FederatedCredentials.fromFileNamedBy(
                            byDefault, "AWS_WEB_IDENTITY_TOKEN_FILE", env::get))
                    .build()
                    .token(READ, TestBroker.demoAudience()));
    AccessToken accepted =
        TokenClient.builder(
                TestBroker.issuer(),
                FederatedCredentials.fromFileNamedBy(
                    dayLong, "AWS_WEB_IDENTITY_TOKEN_FILE", env::get))
            .build()
            .token(READ, TestBroker.demoAudience());

    assertThat(tooOld).isInstanceOf(TokenRequestRejected.class);
    assertThat(((TokenRequestRejected) tooOld).error()).isEqualTo("invalid_request");
    assertThat(TestBroker.callDemoApi(accepted)).isEqualTo(200);
  }
}
