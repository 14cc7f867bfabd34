package io.tokenbroker.verifier;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.util.JSONObjectUtils;
import io.tokenbroker.adapters.aws.ClientTimeouts;
import io.tokenbroker.adapters.wiring.BrokerAdapters;
import io.tokenbroker.clients.ClientAdmin;
import io.tokenbroker.clients.ClientJson;
import io.tokenbroker.config.Env;
import io.tokenbroker.local.LocalBroker;
import io.tokenbroker.testing.ClientAssertions;
import io.tokenbroker.testing.TestKeys;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The library's route rules on delegation, with tokens the local server delegated (RFC 8693): a
 * rule can require or forbid an {@code act} chain, and the principal of a delegated token names its
 * actor.
 */
class TokenVerifierDelegationIT {

  private static final ECKey KEY = (ECKey) TestKeys.generate(JWSAlgorithm.ES256);
  private static final String ROUTES =
      """
      {"GET /orders/*": ["demo:read"],
       "POST /agent/tasks": {"scopes": ["demo:read"], "delegation": "required"},
       "POST /payments": {"scopes": ["demo:read"], "delegation": "forbidden"}}
      """;

  private static LocalBroker broker;
  private static String plain;
  private static String delegated;

  @BeforeAll
  static void start() throws Exception {
    broker = Brokers.shared();
    Map<String, String> vars = new HashMap<>(broker.tables().environment());
    vars.put("AWS_ENDPOINT_URL", broker.awsEndpoint().toString());
    vars.put("AWS_REGION", "us-east-1");
    vars.put("AWS_ACCESS_KEY_ID", "test");
    vars.put("AWS_SECRET_ACCESS_KEY", "test");
    vars.put("ISSUER", broker.issuer().toString());
    ClientAdmin clients =
        new ClientAdmin(
            BrokerAdapters.from(Env.of(vars), ClientTimeouts.background())
                .clients(broker.tables().clients()));
    clients.put(registration("verifier-user", ", \"may_act\": [\"verifier-agent\"]"));
    clients.put(registration("verifier-agent", ""));
    plain = token("verifier-user");
    delegated =
        accessToken(
            post(
                "grant_type="
                    + encode("urn:ietf:params:oauth:grant-type:token-exchange")
                    + "&"
                    + credential("verifier-agent")
                    + "&subject_token="
                    + plain
                    + "&subject_token_type="
                    + encode("urn:ietf:params:oauth:token-type:access_token")
                    + "&actor_token="
                    + token("verifier-agent")
                    + "&actor_token_type="
                    + encode("urn:ietf:params:oauth:token-type:access_token")));
  }

  private static io.tokenbroker.clients.Client registration(String clientId, String more) {
    return ClientJson.parse(
        """
        {"client_id": "%s", "jwks": %s, "scopes": ["demo:read"], "default_scopes": ["demo:read"],
         "audiences": ["%s"], "max_delegation_depth": 1%s}
        """
            .formatted(
                clientId,
                JSONObjectUtils.toJSONString(
                    Map.of("keys", List.of(KEY.toPublicJWK().toJSONObject()))),
                Brokers.audience(broker),
                more));
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private static String credential(String clientId) {
    return ClientAssertions.formParameters(
        ClientAssertions.signed(KEY, clientId, broker.issuer().toString(), Instant.now()));
  }

  private static HttpResponse<String> post(String form) throws Exception {
    return Brokers.HTTP.send(
        HttpRequest.newBuilder(URI.create(broker.issuer() + "/token"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String accessToken(HttpResponse<String> response) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return (String) JSONObjectUtils.parse(response.body()).get("access_token");
  }

  private static String token(String clientId) throws Exception {
    return accessToken(post("grant_type=client_credentials&" + credential(clientId)));
  }

  private static TokenVerifier verifier() {
    return TokenVerifier.builder()
        .issuer(broker.issuer().toString())
        .audience(Brokers.audience(broker))
        .routes(ROUTES)
        .build();
  }

  private static int status(Decision decision) {
    return decision instanceof Decision.Refused refused ? refused.status() : 200;
  }

  @Test
  void aRuleRequiringDelegationTakesOnlyADelegatedToken() {
    assertThat(status(verifier().verify("POST", "/agent/tasks", "Bearer " + delegated)))
        .isEqualTo(200);
    assertThat(status(verifier().verify("POST", "/agent/tasks", "Bearer " + plain))).isEqualTo(403);
    assertThat(refused(verifier().verify("POST", "/agent/tasks", "Bearer " + plain)))
        .isEqualTo(
            new Decision.Refused(
                403,
                "insufficient_scope",
                "delegation_required",
                Optional.of(
                    "Bearer error=\"insufficient_scope\","
                        + " error_description=\"delegated token required\"")));
  }

  /** A delegation refusal names no scope: the token has the rule's; asking for more helps none. */
  private static Decision.Refused refused(Decision decision) {
    return (Decision.Refused) decision;
  }

  @Test
  void aRuleForbiddingDelegationTakesOnlyAPlainToken() {
    assertThat(status(verifier().verify("POST", "/payments", "Bearer " + plain))).isEqualTo(200);
    assertThat(status(verifier().verify("POST", "/payments", "Bearer " + delegated)))
        .isEqualTo(403);
    Decision.Refused refused =
        refused(verifier().verify("POST", "/payments", "Bearer " + delegated));
    assertThat(refused.reason()).isEqualTo("delegation_forbidden");
    assertThat(refused.wwwAuthenticate().get()).doesNotContain("scope=");
  }

  @Test
  void thePrincipalOfADelegatedTokenNamesItsActor() {
    Principal principal =
        ((Decision.Allowed) verifier().verify("GET", "/orders/1", "Bearer " + delegated))
            .principal();
    Principal own =
        ((Decision.Allowed) verifier().verify("GET", "/orders/1", "Bearer " + plain)).principal();

    assertThat(principal.subject()).isEqualTo("verifier-user");
    assertThat(principal.clientId()).isEqualTo("verifier-agent");
    assertThat(principal.actor().get().clientId()).contains("verifier-agent");
    assertThat(own.actor()).isEqualTo(Optional.empty());
  }
}
