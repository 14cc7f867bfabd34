package io.tokenbroker.functions.token;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.tokenbroker.adapters.aws.ClientTimeouts;
import io.tokenbroker.adapters.dynamodb.BrokerTables;
import io.tokenbroker.adapters.dynamodb.DynamoDbClientRepository;
import io.tokenbroker.adapters.federation.RemoteIssuerKeys;
import io.tokenbroker.adapters.lifecycle.RenewableRandom;
import io.tokenbroker.adapters.wiring.BrokerAdapters;
import io.tokenbroker.adapters.wiring.TokenWiring;
import io.tokenbroker.config.BrokerConfig;
import io.tokenbroker.config.DpopConfig;
import io.tokenbroker.config.Env;
import io.tokenbroker.config.FederationConfig;
import io.tokenbroker.devsupport.LocalAws;
import io.tokenbroker.devsupport.MotoExtension;
import io.tokenbroker.devsupport.TestOidcIssuer;
import io.tokenbroker.testing.AwsFixture;
import io.tokenbroker.testing.Clients;
import io.tokenbroker.testing.EventFiles;
import io.tokenbroker.testing.RecordingTelemetry;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The token function on the repository's token-exchange event (events/token/token-exchange.json,
 * RFC 8693 at /token), against moto, trusting dev-support's OIDC issuer as the local server does
 * (its certificate, loopback allowed): the exchange's answer as a workload sees it.
 */
@ExtendWith(MotoExtension.class)
class TokenHandlerExchangeIT {

  private static final String ISSUER =
      "https://abcdef1234.execute-api.us-east-1.amazonaws.com/prod";
  private static final Pattern SUBJECT_TOKEN = Pattern.compile("subject_token=([^&]*)");

  private static TestOidcIssuer outside;
  private static TokenHandler handler;
  private static final RecordingTelemetry TELEMETRY = new RecordingTelemetry();

  @BeforeAll
  static void setUp(LocalAws local) {
    outside = TestOidcIssuer.start();
    AwsFixture aws = AwsFixture.provisioned(local);
    aws.bootstrapKey();
    Map<String, Object> deployer = Clients.json("deployer");
    // refresh tokens on for its other grants: an exchange still gives none (renewal re-exchanges)
    deployer.put("refresh_tokens", Map.of("enabled", true));
    deployer.put(
        "trust_policies",
        List.of(
            Map.of(
                "name",
                "deploy-from-main",
                "issuer",
                outside.issuer().toString(),
                "audience",
                ISSUER,
                "subject",
                "repo:acme/deployer:environment:production",
                "claims",
                Map.of("repository_owner_id", "1234567"),
                "scopes",
                List.of("orders:read"))));
    new DynamoDbClientRepository(aws.dynamoDb, aws.tables.clients())
        .save(Clients.parse(deployer), 0);
    Env env = aws.env(Map.of("ISSUER", ISSUER));
    Clock clock = Clock.systemUTC();
    TokenWiring wiring =
        new TokenWiring(
            BrokerAdapters.from(env, ClientTimeouts.requestPath()),
            BrokerConfig.from(env),
            BrokerTables.from(env),
            clock,
            new RenewableRandom(),
            TELEMETRY,
            DpopConfig.from(env),
            // as the local server's --trust-issuer-certs: the test issuer on loopback, its cert
            RemoteIssuerKeys.forLocalDevelopment(
                FederationConfig.from(env), clock, TELEMETRY, outside.clientContext()));
    handler =
        new TokenHandler(
            wiring.clientAuthentication(),
            wiring.tokens(),
            wiring.refreshes(),
            wiring.exchanges(),
            wiring.dpop(),
            wiring.handlerTelemetry());
  }

  @AfterAll
  static void stop() {
    if (outside != null) {
      outside.close();
    }
  }

  /** The repository's event with its placeholder subject token replaced by {@code token}. */
  private static Map<String, Object> exchangeEvent(String token) {
    Map<String, Object> event = EventFiles.load("token/token-exchange.json");
    String body = (String) event.get("body");
    Matcher placeholder = SUBJECT_TOKEN.matcher(body);
    assertThat(placeholder.find()).as("the event carries a subject_token").isTrue();
    event.put("body", body.replace(placeholder.group(1), token));
    return event;
  }

  @Test
  void anOutsideTokenIsExchangedForAnAccessTokenWithoutARefreshToken() throws Exception {
    String outsideToken = outside.github(ISSUER).sign();

    Map<String, Object> response =
        EventFiles.invoke(
            (in, out) -> handler.handleRequest(in, out, null), exchangeEvent(outsideToken));

    assertThat(response.get("statusCode")).as(String.valueOf(response)).isEqualTo(200L);
    assertThat(EventFiles.headers(response))
        .containsEntry("Cache-Control", "no-store")
        .containsEntry("Pragma", "no-cache");
    Map<String, Object> body = EventFiles.body(response);
    assertThat(body)
        .containsEntry("issued_token_type", "urn:ietf:params:oauth:token-type:access_token")
        .containsEntry("token_type", "Bearer")
        .containsEntry("scope", "orders:read")
        .containsKeys("access_token", "expires_in")
        .doesNotContainKey("refresh_token");
    JWTClaimsSet claims = SignedJWT.parse((String) body.get("access_token")).getJWTClaimsSet();
    assertThat(claims.getStringClaim("client_id")).isEqualTo("deployer");
    assertThat(claims.getAudience()).containsExactly("https://orders.example.com");
    assertThat(TELEMETRY.everything()).doesNotContain(outsideToken);
  }

  @Test
  void theEventsPlaceholderTokenItselfIsRefusedAsAnInvalidRequest() {
    Map<String, Object> event = EventFiles.load("token/token-exchange.json");

    Map<String, Object> response =
        EventFiles.invoke((in, out) -> handler.handleRequest(in, out, null), event);

    assertThat(response.get("statusCode")).isEqualTo(400L);
    assertThat(EventFiles.headers(response)).containsEntry("Cache-Control", "no-store");
    assertThat(EventFiles.body(response)).containsEntry("error", "invalid_request");
  }
}
