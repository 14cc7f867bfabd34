package io.tokenbroker.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.entry;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Down-scoping and delegation (RFC 8693) from the client's side, over real HTTP: the exact form
 * each sends, its authentication, that its result is never taken for the client's own cached token,
 * the retry rules of an exchange, and DPoP with federated credentials.
 */
class TokenExchangeHelpersIT {

  private static final Set<String> READ_WRITE = Set.of("demo:read", "demo:write");
  private static final String API = "https://api.example.com";
  private static final String EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
  private static final String ACCESS_TOKEN = "urn:ietf:params:oauth:token-type:access_token";

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final List<Duration> waits = new ArrayList<>();
  private ExchangeTestServer server;

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

  private static PrivateKeyJwt keyJwt(String clientId) throws Exception {
    return PrivateKeyJwt.signedBy(
        clientId,
        new ECDSASigner(new ECKeyGenerator(Curve.P_256).generate()),
        JWSAlgorithm.ES256,
        "k1");
  }

  @Test
  void downscopeSendsTheClientsOwnTokenAsSubjectAuthenticatedAndIsNotCached() throws Exception {
    TokenClient tokens = client(keyJwt("orders")).build();
    AccessToken own = tokens.token(READ_WRITE, API);

    AccessToken narrow = tokens.downscope(own, Set.of("demo:read"), "https://reports.example.com");

    ExchangeTestServer.Seen seen = server.brokerRequests().get(1);
    assertThat(seen.path()).isEqualTo("/token");
    assertThat(seen.form().keySet())
        .containsExactly(
            "grant_type",
            "subject_token",
            "subject_token_type",
            "requested_token_type",
            "scope",
            "audience",
            "client_id",
            "client_assertion_type",
            "client_assertion");
    assertThat(seen.form())
        .contains(
            entry("grant_type", EXCHANGE),
            entry("subject_token", own.value()),
            entry("subject_token_type", ACCESS_TOKEN),
            entry("requested_token_type", ACCESS_TOKEN),
            entry("scope", "demo:read"),
            entry("audience", "https://reports.example.com"),
            entry("client_id", "orders"));
    assertThat(narrow.value()).isEqualTo(server.issued().get(1)).isNotEqualTo(own.value());
    assertThat(narrow.scopes()).containsExactly("demo:read");
    // Not the client's token for any key: its own stays cached, and each call is an exchange.
    assertThat(tokens.token(READ_WRITE, API).value()).isEqualTo(own.value());
    assertThat(tokens.token(Set.of("demo:read"), "https://reports.example.com").value())
        .isNotEqualTo(narrow.value());
    tokens.downscope(own, Set.of("demo:read"), "https://reports.example.com");
    assertThat(server.brokerRequests())
        .extracting(s -> s.form().get("grant_type"))
        .containsExactly("client_credentials", EXCHANGE, "client_credentials", EXCHANGE);
  }

  @Test
  void actForSendsTheSubjectsTokenAndTheAgentsOwnAsActor() throws Exception {
    TokenClient agent = client(keyJwt("agent-a")).build();
    String userToken = ExchangeTestServer.jwt(server.uri().toString(), "alice");

    AccessToken delegated = agent.actFor(userToken, Set.of("demo:read"), API);

    List<ExchangeTestServer.Seen> seen = server.brokerRequests();
    assertThat(seen).hasSize(2);
    String own = server.issued().getFirst(); // the agent's own token, asked first
    assertThat(seen.getFirst().form()).containsEntry("grant_type", "client_credentials");
    assertThat(seen.get(1).form().keySet())
        .startsWith(
            "grant_type",
            "subject_token",
            "subject_token_type",
            "actor_token",
            "actor_token_type",
            "requested_token_type",
            "scope",
            "audience");
    assertThat(seen.get(1).form())
        .contains(
            entry("grant_type", EXCHANGE),
            entry("subject_token", userToken),
            entry("subject_token_type", ACCESS_TOKEN),
            entry("actor_token", own),
            entry("actor_token_type", ACCESS_TOKEN),
            entry("client_id", "agent-a"))
        .containsKey("client_assertion");
    assertThat(delegated.value()).isEqualTo(server.issued().get(1));
    // The actor token is the cached one: a second delegation asks for no new one.
    agent.actFor(userToken, Set.of("demo:read"), API);
    assertThat(server.brokerRequests()).hasSize(3);
  }

  @Test
  void aFederatedAgentActsWithItsOutsideTokenAsActorAndCannotDownscope() {
    List<String> outside = new java.util.concurrent.CopyOnWriteArrayList<>();
    TokenClient agent =
        client(
                FederatedCredentials.fromSupplier(
                    "agent-ci",
                    () -> {
                      String t =
                          ExchangeTestServer.jwt(
                              "https://token.actions.githubusercontent.com", "x");
                      outside.add(t);
                      return t;
                    },
                    FederatedCredentials.ID_TOKEN))
            .build();
    String userToken = ExchangeTestServer.jwt(server.uri().toString(), "alice");

    agent.actFor(userToken, Set.of("demo:read"), API);

    // One request: no broker token of its own is needed, the outside token is the actor's proof.
    assertThat(server.brokerRequests()).singleElement();
    assertThat(server.brokerRequests().getFirst().form())
        .contains(
            entry("grant_type", EXCHANGE),
            entry("subject_token", userToken),
            entry("subject_token_type", ACCESS_TOKEN),
            entry("actor_token", outside.getFirst()),
            entry("actor_token_type", FederatedCredentials.ID_TOKEN),
            entry("client_id", "agent-ci"))
        .doesNotContainKey("client_assertion");
    // Down-scoping needs a credential proving the token is the client's: refused before sending.
    AccessToken own = agent.token(Set.of("demo:read"), API);
    assertThat(catchThrowable(() -> agent.downscope(own, Set.of("demo:read"), API)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("token(scopes, audience)");
    assertThat(server.brokerRequests()).hasSize(2);
  }

  @Test
  void anExchangeOfABrokerTokenIsRetriedOn503AndNotAfterA502() throws Exception {
    TokenClient tokens = client(keyJwt("orders")).build();
    AccessToken own = tokens.token(READ_WRITE, API);
    server.answerBroker(
        1,
        new ExchangeTestServer.Canned(
            503, Map.of("Retry-After", "2"), f -> "{\"error\":\"temporarily_unavailable\"}"));

    tokens.downscope(own, Set.of("demo:read"), API);

    assertThat(server.brokerRequests())
        .extracting(ExchangeTestServer.Seen::status)
        .containsExactly(200, 503, 200);
    assertThat(waits).containsExactly(Duration.ofSeconds(2));

    server.answerBroker(1, new ExchangeTestServer.Canned(502, Map.of(), f -> "{}"));
    Throwable failed = catchThrowable(() -> tokens.downscope(own, Set.of("demo:read"), API));
    assertThat(failed).isInstanceOf(TokenUnavailable.class).hasMessageContaining("502");
    assertThat(server.brokerRequests()).hasSize(4);

    server.answerBroker(
        1,
        new ExchangeTestServer.Canned(
            400, Map.of(), f -> "{\"error\":\"invalid_scope\",\"error_description\":\"wider\"}"));
    Throwable refused = catchThrowable(() -> tokens.downscope(own, Set.of("demo:admin"), API));
    assertThat(refused).isInstanceOf(TokenRequestRejected.class);
    assertThat(((TokenRequestRejected) refused).error()).isEqualTo("invalid_scope");
  }

  @Test
  void anIssuedTokenTypeOtherThanAnAccessTokenIsRefused() throws Exception {
    TokenClient tokens = client(keyJwt("orders")).build();
    AccessToken own = tokens.token(READ_WRITE, API);
    server.answerBroker(
        1,
        new ExchangeTestServer.Canned(
            200,
            Map.of(),
            f ->
                "{\"access_token\":\"a.b.c\",\"token_type\":\"N_A\",\"expires_in\":60,"
                    + "\"issued_token_type\":\"urn:ietf:params:oauth:token-type:refresh_token\"}"));

    Throwable failed = catchThrowable(() -> tokens.downscope(own, Set.of("demo:read"), API));

    assertThat(failed).isInstanceOf(TokenUnavailable.class);
  }

  /**
   * DPoP with a federated credential: every exchange carries a proof, each token is bound to it.
   */
  @Test
  void dpopBindsAnExchangedTokenAndADelegatedOne() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    try (DPoPTestServer dpopServer = new DPoPTestServer()) {
      DPoPKey key = DPoPKey.generate();
      TokenClient tokens =
          TokenClient.builder(
                  dpopServer.uri(),
                  FederatedCredentials.fromSupplier(
                      "k8s-app",
                      () -> ExchangeTestServer.jwt("https://kubernetes.default.svc", "sa"),
                      FederatedCredentials.JWT))
              .clock(clock)
              .dpop(key)
              .build();

      AccessToken token = tokens.token(Set.of("demo:read"));
      clock.advance(Duration.ofSeconds(226));
      AccessToken renewed = tokens.token(Set.of("demo:read"));
      AccessToken acting =
          tokens.actFor(
              ExchangeTestServer.jwt(dpopServer.uri().toString(), "alice"),
              Set.of("demo:read"),
              dpopServer.uri() + "/api");

      assertThat(dpopServer.seen("/token"))
          .extracting(DPoPTestServer.Seen::grantType, DPoPTestServer.Seen::status)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple(EXCHANGE, 200),
              // The test server gave a refresh token; a federated client renews by exchange.
              org.assertj.core.groups.Tuple.tuple(EXCHANGE, 200),
              org.assertj.core.groups.Tuple.tuple(EXCHANGE, 200));
      assertThat(dpopServer.seen("/token"))
          .allSatisfy(s -> assertThat(s.jkt()).contains(key.thumbprint()));
      for (AccessToken t : List.of(token, renewed, acting)) {
        assertThat(t.tokenType()).isEqualTo("DPoP");
        HttpResponse<String> answer =
            t.send(
                http,
                HttpRequest.newBuilder(URI.create(dpopServer.uri() + "/api/orders")),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(200);
      }
    }
  }
}
