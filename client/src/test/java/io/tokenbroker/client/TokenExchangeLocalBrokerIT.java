package io.tokenbroker.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link TokenClient#downscope} and {@link TokenClient#actFor} end to end over the real local
 * server: the exchanged tokens work at the demo API behind the authorizer, with exactly what the
 * exchange gave them (fewer scopes; the party's subject and the agent in the act chain the
 * authorizer hands the API), for an agent with a key and for a federated agent whose actor token
 * comes from the outside issuer.
 */
class TokenExchangeLocalBrokerIT {

  private static final Set<String> READ = Set.of("demo:read");
  private static final Set<String> READ_WRITE = Set.of("demo:read", "demo:write");

  @TempDir Path dir;

  private record Registered(String clientId, TokenClient tokens) {}

  /** A client with its own key, registered with {@code more} JSON members. */
  private static Registered keyClient(String prefix, String more) throws Exception {
    ECKey key = new ECKeyGenerator(Curve.P_256).keyID("k1").generate();
    String clientId =
        TestBroker.registerClient(prefix, key.toPublicJWK().toJSONString(), null, more);
    return new Registered(
        clientId,
        TokenClient.builder(
                TestBroker.issuer(),
                PrivateKeyJwt.signedBy(clientId, new ECDSASigner(key), JWSAlgorithm.ES256, "k1"))
            .build());
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> authorizerContext(HttpResponse<String> response)
      throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return (Map<String, Object>) JSONObjectUtils.parse(response.body()).get("authorizer");
  }

  @Test
  void aDownScopedTokenWorksWithFewerScopesAndIsRefusedWhereTheDroppedOneIsNeeded()
      throws Exception {
    Registered a = keyClient("client-down", "");
    AccessToken full = a.tokens().token(READ_WRITE, TestBroker.demoAudience());

    AccessToken narrow = a.tokens().downscope(full, READ, TestBroker.demoAudience());

    assertThat(narrow.scopes()).containsExactly("demo:read");
    Map<String, Object> context =
        authorizerContext(TestBroker.callDemoApi("GET", "/items", narrow));
    assertThat(context)
        .containsEntry("client_id", a.clientId())
        .containsEntry("scope", "demo:read")
        .doesNotContainKey("act");
    assertThat(TestBroker.callDemoApi("POST", "/items", narrow).statusCode()).isEqualTo(403);
    assertThat(TestBroker.callDemoApi("POST", "/items", full).statusCode()).isEqualTo(200);
  }

  @Test
  void anAgentWithAKeyActsForAUserAndTheApiSeesTheActChain() throws Exception {
    Registered agent = keyClient("client-agent", ", \"max_delegation_depth\": 1");
    Registered user =
        keyClient(
            "client-user",
            ", \"may_act\": [\"" + agent.clientId() + "\"], \"max_delegation_depth\": 1");
    AccessToken users = user.tokens().token(READ_WRITE, TestBroker.demoAudience());

    AccessToken acting = agent.tokens().actFor(users.value(), READ, TestBroker.demoAudience());

    assertActingFor(acting, user.clientId(), agent.clientId());
  }

  @Test
  void aFederatedAgentActsForAUserWithItsOutsideToken() throws Exception {
    String agentId =
        TestBroker.registerClient(
            "client-fed-agent",
            null,
            """
            [{"name": "agent-pod", "issuer": "%2$s", "audience": "%1$s",
              "subject": "system:serviceaccount:payments:api",
              "claims": {"/kubernetes.io/namespace": "payments"},
              "max_token_age_seconds": 3600, "single_use": false}]
            """,
            ", \"max_delegation_depth\": 1");
    Registered user =
        keyClient(
            "client-user", ", \"may_act\": [\"" + agentId + "\"], \"max_delegation_depth\": 1");
    Path file = dir.resolve("broker");
    Files.writeString(
        file, TestBroker.outsideIssuer().kubernetes(TestBroker.issuer().toString()).sign());
    TokenClient agent =
        TokenClient.builder(TestBroker.issuer(), FederatedCredentials.fromFile(agentId, file))
            .build();
    AccessToken users = user.tokens().token(READ_WRITE, TestBroker.demoAudience());

    AccessToken acting = agent.actFor(users.value(), READ, TestBroker.demoAudience());

    assertActingFor(acting, user.clientId(), agentId);
  }

  /** One hop: the user's subject, the agent as actor, read only. */
  private static void assertActingFor(AccessToken acting, String userId, String agentId)
      throws Exception {
    assertThat(acting.scopes()).containsExactly("demo:read");
    Map<String, Object> context =
        authorizerContext(TestBroker.callDemoApi("GET", "/items/1", acting));
    assertThat(context)
        .containsEntry("sub", userId)
        .containsEntry("client_id", agentId)
        .containsEntry("scope", "demo:read")
        .containsEntry("actor_sub", agentId)
        .containsEntry("actor_client_id", agentId);
    assertThat(String.valueOf(context.get("delegation_depth"))).isEqualTo("1");
    assertThat(JSONObjectUtils.parse((String) context.get("act")))
        .isEqualTo(Map.of("sub", agentId, "client_id", agentId));
    assertThat(TestBroker.callDemoApi("POST", "/items", acting).statusCode()).isEqualTo(403);
  }
}
