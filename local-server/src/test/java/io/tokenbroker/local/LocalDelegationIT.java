package io.tokenbroker.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.util.JSONObjectUtils;
import io.tokenbroker.adapters.aws.ClientTimeouts;
import io.tokenbroker.adapters.wiring.BrokerAdapters;
import io.tokenbroker.clients.ClientAdmin;
import io.tokenbroker.clients.ClientJson;
import io.tokenbroker.config.Env;
import io.tokenbroker.testing.ClientAssertions;
import io.tokenbroker.testing.TestKeys;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Token exchange of the broker's own tokens (RFC 8693) end to end over the local server: the real
 * /token, /revoke, authorizer and demo API. A user client's token is delegated to agent-1, and
 * agent-1's to agent-2, narrowing at each hop, the chain visible in the context the authorizer
 * hands the API; widening, too deep a chain, an actor not in may_act and another client's actor
 * token are refused; a down-scoped token works with less; the children die with their parent; route
 * rules require or forbid delegation.
 */
class LocalDelegationIT {

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ECKey KEY = (ECKey) TestKeys.generate(JWSAlgorithm.ES256);
  private static final String EXCHANGE =
      URLEncoder.encode("urn:ietf:params:oauth:grant-type:token-exchange", StandardCharsets.UTF_8);
  private static final String ACCESS_TOKEN =
      URLEncoder.encode("urn:ietf:params:oauth:token-type:access_token", StandardCharsets.UTF_8);

  /**
   * REVOCATION_CACHE_SECONDS' default: how long a warm authorizer may still accept a revoked token.
   */
  private static final Duration REVOCATION_BOUND = Duration.ofSeconds(5);

  private static LocalBroker broker;
  private static String demo;

  @BeforeAll
  static void start() {
    broker = LocalBroker.start(LocalBrokerOptions.onPort(0));
    demo = LocalDemo.audience(broker.issuer());
    ClientAdmin clients =
        new ClientAdmin(
            BrokerAdapters.from(env(), ClientTimeouts.background())
                .clients(broker.tables().clients()));
    clients.put(
        registration(
            "user-app",
            "[\"demo:read\", \"demo:write\"]",
            "\"" + demo + "\", \"https://other.example\"",
            // the original owner consents to every actor down the chain, not only the first
            ", \"may_act\": [\"agent-1\", \"agent-2\", \"agent-3\"],"
                + " \"max_delegation_depth\": 2"));
    clients.put(
        registration(
            "agent-1",
            "[\"demo:read\", \"demo:write\"]",
            "\"" + demo + "\"",
            ", \"may_act\": [\"agent-2\"], \"max_delegation_depth\": 2"));
    clients.put(
        registration(
            "agent-2",
            "[\"demo:read\", \"demo:write\"]",
            "\"" + demo + "\"",
            ", \"may_act\": [\"agent-3\"], \"max_delegation_depth\": 2"));
    clients.put(
        registration(
            "agent-3", "[\"demo:read\"]", "\"" + demo + "\"", ", \"max_delegation_depth\": 5"));
    clients.put(
        registration(
            "stranger", "[\"demo:read\"]", "\"" + demo + "\"", ", \"max_delegation_depth\": 5"));
  }

  @AfterAll
  static void stop() {
    broker.close();
  }

  private static io.tokenbroker.clients.Client registration(
      String clientId, String scopes, String audiences, String more) {
    Map<String, Object> jwks = Map.of("keys", List.of(KEY.toPublicJWK().toJSONObject()));
    return ClientJson.parse(
        """
        {"client_id": "%s", "jwks": %s, "scopes": %s, "default_scopes": ["demo:read"],
         "audiences": [%s]%s}
        """
            .formatted(clientId, JSONObjectUtils.toJSONString(jwks), scopes, audiences, more));
  }

  private static Env env() {
    Map<String, String> vars = new HashMap<>(broker.tables().environment());
    vars.put("AWS_ENDPOINT_URL", broker.awsEndpoint().toString());
    vars.put("AWS_REGION", "us-east-1");
    vars.put("AWS_ACCESS_KEY_ID", "test");
    vars.put("AWS_SECRET_ACCESS_KEY", "test");
    vars.put("ISSUER", broker.issuer().toString());
    return Env.of(vars);
  }

  private static String credential(String clientId) {
    return ClientAssertions.formParameters(
        ClientAssertions.signed(KEY, clientId, broker.issuer().toString(), Instant.now()));
  }

  private static HttpResponse<String> post(String path, String form) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(broker.issuer() + path))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String accessToken(HttpResponse<String> response) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return (String) JSONObjectUtils.parse(response.body()).get("access_token");
  }

  private static String token(String clientId, String scope) throws Exception {
    return accessToken(
        post(
            "/token",
            "grant_type=client_credentials&"
                + credential(clientId)
                + "&scope="
                + scope.replace(" ", "%20")
                + "&audience="
                + URLEncoder.encode(demo, StandardCharsets.UTF_8)));
  }

  /** The exchange, authenticated as {@code caller}; {@code actor} null for down-scoping. */
  private static HttpResponse<String> exchange(
      String caller, String subject, String actor, String more) throws Exception {
    return post(
        "/token",
        "grant_type="
            + EXCHANGE
            + "&"
            + credential(caller)
            + "&subject_token="
            + subject
            + "&subject_token_type="
            + ACCESS_TOKEN
            + (actor == null ? "" : "&actor_token=" + actor + "&actor_token_type=" + ACCESS_TOKEN)
            + more);
  }

  private static HttpResponse<String> call(String method, String path, String token)
      throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(broker.issuer() + path))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .header("Authorization", "Bearer " + token)
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> authorizerContext(HttpResponse<String> response)
      throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return (Map<String, Object>) JSONObjectUtils.parse(response.body()).get("authorizer");
  }

  private static String errorOf(HttpResponse<String> response) throws Exception {
    return (String) JSONObjectUtils.parse(response.body()).get("error");
  }

  @Test
  void anAgentChainOfTwoHopsNarrowsTheScopesAndIsVisibleToTheApi() throws Exception {
    String user = token("user-app", "demo:read demo:write");
    HttpResponse<String> hop1 =
        exchange("agent-1", user, token("agent-1", "demo:read"), "&scope=demo:read%20demo:write");
    String agent1 = accessToken(hop1);
    assertThat(JSONObjectUtils.parse(hop1.body()))
        .containsEntry("issued_token_type", "urn:ietf:params:oauth:token-type:access_token")
        .containsEntry("scope", "demo:read demo:write");
    String agent2 =
        accessToken(exchange("agent-2", agent1, token("agent-2", "demo:read"), "&scope=demo:read"));

    Map<String, Object> first = authorizerContext(call("POST", "/demo/items", agent1));
    assertThat(first)
        .containsEntry("sub", "user-app")
        .containsEntry("client_id", "agent-1")
        .containsEntry("scope", "demo:read demo:write")
        .containsEntry("actor_sub", "agent-1")
        .containsEntry("actor_client_id", "agent-1");
    assertThat(String.valueOf(first.get("delegation_depth"))).isEqualTo("1");

    Map<String, Object> second = authorizerContext(call("GET", "/demo/items/1", agent2));
    assertThat(second)
        .containsEntry("sub", "user-app")
        .containsEntry("client_id", "agent-2")
        .containsEntry("scope", "demo:read")
        .containsEntry("actor_sub", "agent-2")
        .containsEntry("actor_client_id", "agent-2");
    assertThat(String.valueOf(second.get("delegation_depth"))).isEqualTo("2");
    assertThat(JSONObjectUtils.parse((String) second.get("act")))
        .isEqualTo(
            Map.of(
                "sub", "agent-2",
                "client_id", "agent-2",
                "act", Map.of("sub", "agent-1", "client_id", "agent-1")));
    // narrowed: the second hop dropped demo:write
    assertThat(call("POST", "/demo/items", agent2).statusCode()).isEqualTo(403);
  }

  @Test
  void aHopThatWidensTheScopesIsRefused() throws Exception {
    String user = token("user-app", "demo:read");

    HttpResponse<String> widened =
        exchange("agent-1", user, token("agent-1", "demo:read"), "&scope=demo:read%20demo:write");

    assertThat(widened.statusCode()).isEqualTo(400);
    assertThat(errorOf(widened)).isEqualTo("invalid_scope");
  }

  @Test
  void aChainDeeperThanItsClientsAllowIsRefused() throws Exception {
    String agent1 =
        accessToken(
            exchange("agent-1", token("user-app", "demo:read"), token("agent-1", "demo:read"), ""));
    String agent2 = accessToken(exchange("agent-2", agent1, token("agent-2", "demo:read"), ""));

    // agent-2 may let agent-3 act, but user-app, agent-1 and agent-2 allow chains of 2 only.
    HttpResponse<String> third = exchange("agent-3", agent2, token("agent-3", "demo:read"), "");

    assertThat(third.statusCode()).isEqualTo(400);
    assertThat(errorOf(third)).isEqualTo("invalid_request");
  }

  @Test
  void anActorNotInMayActOrWithAnotherClientsActorTokenIsRefused() throws Exception {
    String user = token("user-app", "demo:read");

    HttpResponse<String> stranger = exchange("stranger", user, token("stranger", "demo:read"), "");
    HttpResponse<String> borrowed = exchange("stranger", user, token("agent-1", "demo:read"), "");
    HttpResponse<String> otherwise = exchange("agent-1", user, token("stranger", "demo:read"), "");

    for (HttpResponse<String> refused : List.of(stranger, borrowed, otherwise)) {
      assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
      assertThat(errorOf(refused)).isEqualTo("invalid_request");
    }
  }

  @Test
  void aDownScopedTokenWorksWithLessAndIsRefusedWhereItsDroppedScopeIsNeeded() throws Exception {
    String user =
        accessToken(
            post(
                "/token",
                "grant_type=client_credentials&"
                    + credential("user-app")
                    + "&scope=demo:read%20demo:write&audience="
                    + URLEncoder.encode(demo, StandardCharsets.UTF_8)
                    + "&audience=https://other.example"));
    HttpResponse<String> narrowed =
        exchange(
            "user-app",
            user,
            null,
            "&scope=demo:read&audience=" + URLEncoder.encode(demo, StandardCharsets.UTF_8));
    String child = accessToken(narrowed);

    assertThat(JSONObjectUtils.parse(narrowed.body())).containsEntry("scope", "demo:read");
    Map<String, Object> context = authorizerContext(call("GET", "/demo/items", child));
    assertThat(context)
        .containsEntry("client_id", "user-app")
        .containsEntry("scope", "demo:read")
        .doesNotContainKey("act");
    assertThat(call("POST", "/demo/items", child).statusCode()).isEqualTo(403);
    assertThat(call("POST", "/demo/items", user).statusCode()).isEqualTo(200);
    // Two audiences, or none of a token that has two: a down-scoped token names exactly one.
    assertThat(exchange("user-app", user, null, "").statusCode()).isEqualTo(400);
  }

  @Test
  void revokingTheParentRevokesItsDownScopedAndDelegatedChildren() throws Exception {
    String user = token("user-app", "demo:read");
    String narrowed = accessToken(exchange("user-app", user, null, ""));
    String delegated = accessToken(exchange("agent-1", user, token("agent-1", "demo:read"), ""));
    assertThat(call("GET", "/demo/x", narrowed).statusCode()).isEqualTo(200);
    assertThat(call("GET", "/demo/x", delegated).statusCode()).isEqualTo(200);

    HttpResponse<String> revoked = post("/revoke", credential("user-app") + "&token=" + user);
    assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
    Instant revokedAt = Instant.now();
    Thread.sleep(REVOCATION_BOUND.toMillis());

    assertThat(call("GET", "/demo/x", narrowed).statusCode()).isEqualTo(401);
    assertThat(call("GET", "/demo/x", delegated).statusCode()).isEqualTo(401);
    assertThat(Duration.between(revokedAt, Instant.now()))
        .isLessThan(REVOCATION_BOUND.multipliedBy(2));
    // A revoked parent cannot be exchanged again either.
    assertThat(exchange("user-app", user, null, "").statusCode()).isEqualTo(400);
  }

  @Test
  void routeRulesRequireOrForbidDelegation() throws Exception {
    String plain = token("user-app", "demo:read");
    String delegated = accessToken(exchange("agent-1", plain, token("agent-1", "demo:read"), ""));

    assertThat(call("PATCH", "/demo/agent/task", plain).statusCode()).isEqualTo(403);
    assertThat(call("PATCH", "/demo/agent/task", delegated).statusCode()).isEqualTo(200);
    assertThat(call("PATCH", "/demo/self/profile", plain).statusCode()).isEqualTo(200);
    assertThat(call("PATCH", "/demo/self/profile", delegated).statusCode()).isEqualTo(403);
  }
}
