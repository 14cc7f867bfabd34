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
import io.tokenbroker.json.Json;
import io.tokenbroker.operator.AuditEntry;
import io.tokenbroker.operator.AuditOutcome;
import io.tokenbroker.refresh.RefreshTokens;
import io.tokenbroker.testing.ClientAssertions;
import io.tokenbroker.testing.TestKeys;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Honeytokens end to end over the local server (issue 16): the operator mints decoys for a decoy
 * client on {@code POST /admin/honeytokens}; each use of one, at the demo API's authorizer, at the
 * refresh grant, or as the decoy client's own credential at {@code /token}, is refused as any
 * revoked token or unknown client is, and raises exactly one {@code security.alert} line that says
 * which decoy and from where. No line ever holds a token.
 */
class LocalHoneytokenIT {

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final PrintStream STDOUT = System.out;
  private static final ByteArrayOutputStream LOG = new ByteArrayOutputStream();
  private static final ECKey DECOY_KEY = (ECKey) TestKeys.generate(JWSAlgorithm.ES256);
  private static final String DECOY = "decoy-deployer";
  private static final Pattern FIELD = Pattern.compile("([a-z_]+)=(\"(?:[^\"\\\\]|\\\\.)*\"|\\S*)");

  /** Every token value a test saw: none may appear in the log. */
  private static final List<String> SECRETS = new ArrayList<>();

  private static LocalBroker broker;
  private static ClientAdmin clients;

  @BeforeAll
  static void start() {
    try {
      System.setOut(new PrintStream(LOG, true, StandardCharsets.UTF_8));
      broker = LocalBroker.start(LocalBrokerOptions.onPort(0));
    } finally {
      System.setOut(STDOUT);
    }
    clients =
        new ClientAdmin(
            BrokerAdapters.from(env(), ClientTimeouts.background())
                .clients(broker.tables().clients()));
    Map<String, Object> jwks = Map.of("keys", List.of(DECOY_KEY.toPublicJWK().toJSONObject()));
    clients.put(
        ClientJson.parse(
            """
            {"client_id": "%s", "jwks": %s, "scopes": ["demo:read"], "default_scopes": ["demo:read"],
             "audiences": ["%s"], "refresh_tokens": {"enabled": true}, "decoy": true}
            """
                .formatted(
                    DECOY,
                    JSONObjectUtils.toJSONString(jwks),
                    LocalDemo.audience(broker.issuer()))));
    registerResourceServer();
  }

  private static final ECKey RESOURCE_SERVER_KEY = (ECKey) TestKeys.generate(JWSAlgorithm.ES256);

  /** A resource server that may introspect (private_key_jwt). */
  private static void registerResourceServer() {
    Map<String, Object> jwks =
        Map.of("keys", List.of(RESOURCE_SERVER_KEY.toPublicJWK().toJSONObject()));
    clients.put(
        ClientJson.parse(
            """
            {"client_id": "resource-server", "jwks": %s, "scopes": ["demo:read"],
             "audiences": ["https://api.example"], "introspection": true}
            """
                .formatted(JSONObjectUtils.toJSONString(jwks))));
  }

  @AfterAll
  static void stop() {
    broker.close();
  }

  @AfterEach
  void noTokenInAnyLogLine() {
    String log = LOG.toString(StandardCharsets.UTF_8);
    for (String secret : SECRETS) {
      assertThat(log).doesNotContain(secret);
    }
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

  private static HttpResponse<String> signedPost(
      SigV4Verifier.LocalIdentity identity, String path, String form) throws Exception {
    return HTTP.send(
        SignedPosts.post(URI.create(broker.issuer() + path), identity, form).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(String path, String form) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(broker.issuer() + path))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("User-Agent", "honeytoken-finder/1.0")
            .POST(HttpRequest.BodyPublishers.ofString(form))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The operator mints a decoy; its values are remembered as secrets. */
  private static Map<String, Object> mint(String form) throws Exception {
    HttpResponse<String> response = signedPost(LocalDemo.OPERATOR, "/admin/honeytokens", form);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.headers().firstValue("Cache-Control")).contains("no-store");
    Map<String, Object> minted = Json.object(response.body());
    SECRETS.add((String) minted.get("access_token"));
    if (minted.get("refresh_token") instanceof String refresh) {
      SECRETS.add(refresh);
    }
    return minted;
  }

  /** The fields of every {@code security.alert} line so far, in order. */
  private static List<Map<String, String>> alerts() {
    List<Map<String, String>> alerts = new ArrayList<>();
    for (String line : LOG.toString(StandardCharsets.UTF_8).lines().toList()) {
      if (line.contains(" security.alert ")) {
        Map<String, String> fields = new LinkedHashMap<>();
        Matcher m = FIELD.matcher(line.substring(line.indexOf(" security.alert ")));
        while (m.find()) {
          String value = m.group(2);
          fields.put(
              m.group(1), value.startsWith("\"") ? value.substring(1, value.length() - 1) : value);
        }
        alerts.add(fields);
      }
    }
    return alerts;
  }

  private static List<Map<String, String>> alertsAfter(int seen) {
    List<Map<String, String>> all = alerts();
    return all.subList(seen, all.size());
  }

  @Test
  void anAccessDecoyAtTheDemoApiIsRefusedAndRaisesOneAlertNamingItAndWhereItCameFrom()
      throws Exception {
    Map<String, Object> minted = mint("client_id=" + DECOY);
    assertThat(minted).containsEntry("client_id", DECOY).containsEntry("kind", "access");
    int seen = alerts().size();

    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(broker.issuer() + "/demo/hello"))
                .header("Authorization", "Bearer " + minted.get("access_token"))
                .header("User-Agent", "honeytoken-finder/1.0")
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(alertsAfter(seen))
        .singleElement()
        .satisfies(
            alert ->
                assertThat(alert)
                    .containsEntry("alert", "honeytoken_used")
                    .containsEntry("client_id", DECOY)
                    .containsEntry("evidence_token_kind", "access_token")
                    .containsEntry("evidence_jti", (String) minted.get("jti"))
                    .containsEntry("evidence_endpoint", "authorizer")
                    .containsEntry("evidence_source_ip", "127.0.0.1")
                    .containsEntry("evidence_user_agent", "honeytoken-finder/1.0"));
    assertThat(LOG.toString(StandardCharsets.UTF_8))
        .containsPattern("authorizer\\.denied reason=honeytoken_used source_ip=127\\.0\\.0\\.1");
  }

  @Test
  void aRefreshDecoyAtTheRefreshGrantIsInvalidGrantAndRaisesOneAlert() throws Exception {
    Map<String, Object> minted = mint("client_id=" + DECOY + "&kind=refresh&lifetime_days=400");
    String refresh = (String) minted.get("refresh_token");
    assertThat(refresh).startsWith("tbr_");
    assertThat(Instant.parse((String) minted.get("watched_until")))
        .isAfter(Instant.now().plus(java.time.Duration.ofDays(399)));
    int seen = alerts().size();

    // Someone holding the demo workload's role tries the refresh token found in a config file.
    HttpResponse<String> response =
        signedPost(
            LocalDemo.IDENTITY, "/token/iam", "grant_type=refresh_token&refresh_token=" + refresh);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(Json.object(response.body())).containsEntry("error", "invalid_grant");
    assertThat(alertsAfter(seen))
        .singleElement()
        .satisfies(
            alert ->
                assertThat(alert)
                    .containsEntry("alert", "honeytoken_used")
                    .containsEntry("client_id", DECOY)
                    .containsEntry("evidence_token_kind", "refresh_token")
                    .containsEntry("evidence_sid", (String) minted.get("sid"))
                    .containsEntry("evidence_presented_by", LocalDemo.CLIENT_ID)
                    .containsEntry("evidence_grant", "refresh_token")
                    .containsEntry("evidence_auth_method", "aws_iam")
                    .containsEntry("evidence_source_ip", "127.0.0.1"));
  }

  /**
   * The likeliest use of a found {@code tbr_} value: presented with the client id beside it and no
   * credential, or with a bogus one. The answer is a failed client authentication, the same as for
   * a refresh token that is no decoy, and the alert is raised all the same.
   */
  @ParameterizedTest
  @ValueSource(strings = {"none", "bogus_assertion"})
  void aRefreshDecoyWithoutAValidClientCredentialIsInvalidClientAndRaisesOneAlert(String credential)
      throws Exception {
    Map<String, Object> minted = mint("client_id=" + DECOY + "&kind=refresh&lifetime_days=30");
    String refresh = (String) minted.get("refresh_token");
    String claimed = "payments-deployer";
    String auth =
        credential.equals("none")
            ? "client_id=" + claimed
            : ClientAssertions.formParameters(
                ClientAssertions.signed(
                    DECOY_KEY, claimed, broker.issuer() + "/token", Instant.now()));
    String noDecoy = RefreshTokens.generate(new SecureRandom());
    HttpResponse<String> ordinary =
        post("/token", "grant_type=refresh_token&refresh_token=" + noDecoy + "&" + auth);
    int seen = alerts().size();

    HttpResponse<String> response =
        post("/token", "grant_type=refresh_token&refresh_token=" + refresh + "&" + auth);

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(Json.object(response.body())).containsEntry("error", "invalid_client");
    assertThat(response.body()).isEqualTo(ordinary.body());
    assertThat(alertsAfter(seen))
        .singleElement()
        .satisfies(
            alert ->
                assertThat(alert)
                    .containsEntry("alert", "honeytoken_used")
                    .containsEntry("client_id", DECOY)
                    .containsEntry("evidence_token_kind", "refresh_token")
                    .containsEntry("evidence_sid", (String) minted.get("sid"))
                    .containsEntry("evidence_presented_by", claimed)
                    .containsEntry("evidence_presented_by_credential", "unverified")
                    .containsEntry("evidence_grant", "refresh_token")
                    .containsEntry("evidence_endpoint", "/token")
                    .containsEntry("evidence_source_ip", "127.0.0.1")
                    .containsEntry("evidence_user_agent", "honeytoken-finder/1.0"));
  }

  @Test
  void theDecoyClientsCredentialIsRefusedAsAnUnknownClientsAndRaisesOneAlert() throws Exception {
    String unknownAnswer =
        post(
                "/token",
                "grant_type=client_credentials&"
                    + ClientAssertions.formParameters(
                        ClientAssertions.signed(
                            DECOY_KEY,
                            "no-such-client",
                            broker.issuer() + "/token",
                            Instant.now())))
            .body();
    int seen = alerts().size();

    HttpResponse<String> response =
        post(
            "/token",
            "grant_type=client_credentials&"
                + ClientAssertions.formParameters(
                    ClientAssertions.signed(
                        DECOY_KEY, DECOY, broker.issuer() + "/token", Instant.now())));

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.body()).isEqualTo(unknownAnswer);
    assertThat(alertsAfter(seen))
        .singleElement()
        .satisfies(
            alert ->
                assertThat(alert)
                    .containsEntry("alert", "honeytoken_used")
                    .containsEntry("client_id", DECOY)
                    .containsEntry("evidence_token_kind", "client_credential")
                    .containsEntry("evidence_credential", "verified")
                    .containsEntry("evidence_endpoint", "/token")
                    .containsEntry("evidence_grant", "client_credentials")
                    .containsEntry("evidence_auth_method", "private_key_jwt")
                    .containsEntry("evidence_source_ip", "127.0.0.1")
                    .containsEntry("evidence_user_agent", "honeytoken-finder/1.0"));
  }

  /**
   * A decoy's client id is in every decoy token: anyone may type it. The alert says whether the
   * decoy's own key signed the assertion, the answer is the unknown client's either way.
   */
  @Test
  void aDecoyClientIdClaimedWithAnotherKeyAlertsAsAnUnverifiedCredential() throws Exception {
    ECKey anotherKey = (ECKey) TestKeys.generate(JWSAlgorithm.ES256);
    String unknownAnswer =
        post(
                "/token",
                "grant_type=client_credentials&"
                    + ClientAssertions.formParameters(
                        ClientAssertions.signed(
                            anotherKey,
                            "no-such-client",
                            broker.issuer() + "/token",
                            Instant.now())))
            .body();
    int seen = alerts().size();

    HttpResponse<String> response =
        post(
            "/token",
            "grant_type=client_credentials&"
                + ClientAssertions.formParameters(
                    ClientAssertions.signed(
                        anotherKey, DECOY, broker.issuer() + "/token", Instant.now())));

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.body()).isEqualTo(unknownAnswer);
    assertThat(alertsAfter(seen))
        .singleElement()
        .satisfies(
            alert ->
                assertThat(alert)
                    .containsEntry("alert", "honeytoken_used")
                    .containsEntry("client_id", DECOY)
                    .containsEntry("evidence_token_kind", "client_credential")
                    .containsEntry("evidence_credential", "unverified"));
  }

  @Test
  void mintingForAClientThatIsNoDecoyIsRefusedAndRecordedAsRefused() throws Exception {
    int seen = alerts().size();

    HttpResponse<String> response =
        signedPost(LocalDemo.OPERATOR, "/admin/honeytokens", "client_id=" + LocalDemo.CLIENT_ID);
    HttpResponse<String> unknown =
        signedPost(LocalDemo.OPERATOR, "/admin/honeytokens", "client_id=no-such-client");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).doesNotContain("access_token").contains("invalid_request");
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(unknown.body()).doesNotContain("access_token");
    assertThat(alertsAfter(seen)).isEmpty();
    List<AuditEntry> trail =
        BrokerAdapters.from(env(), ClientTimeouts.background())
            .operatorAudit(broker.tables().audit(), java.time.Clock.systemUTC())
            .recent(100, Optional.empty());
    assertThat(trail)
        .filteredOn(e -> e.target().equals(LocalDemo.CLIENT_ID))
        .filteredOn(e -> e.action().equals("honeytoken.mint"))
        .extracting(AuditEntry::outcome)
        .contains(AuditOutcome.REFUSED)
        .doesNotContain(AuditOutcome.DONE);
  }

  @Test
  void onlyOperatorsMayMintAndTheirMintsAreAudited() throws Exception {
    HttpResponse<String> byWorkload =
        signedPost(LocalDemo.IDENTITY, "/admin/honeytokens", "client_id=" + DECOY);
    Map<String, Object> minted = mint("client_id=" + DECOY);

    assertThat(byWorkload.statusCode()).isEqualTo(403);
    assertThat(byWorkload.body()).doesNotContain("access_token");
    List<AuditEntry> trail =
        BrokerAdapters.from(env(), ClientTimeouts.background())
            .operatorAudit(broker.tables().audit(), java.time.Clock.systemUTC())
            .recent(100, Optional.empty());
    assertThat(trail)
        .filteredOn(e -> e.action().equals("honeytoken.mint"))
        .filteredOn(e -> e.outcome() == AuditOutcome.DONE)
        .anySatisfy(
            e -> {
              assertThat(e.target()).isEqualTo(DECOY);
              assertThat(e.via()).isEqualTo(AuditEntry.ADMIN_ROUTE);
              assertThat(e.detail()).contains((String) minted.get("jti"));
              assertThat(e.detail()).doesNotContain((String) minted.get("access_token"));
            });
  }

  /** brokerctl with these credentials, its output and exit code. */
  private record Cli(int code, String out, String err) {}

  private static Cli brokerctl(SigV4Verifier.LocalIdentity identity, String... args) {
    var cli =
        io.tokenbroker.cli.Brokerctl.commandLine(
            new io.tokenbroker.cli.Brokerctl(
                Map.of(
                    "AWS_ENDPOINT_URL", broker.awsEndpoint().toString(),
                    "AWS_REGION", "us-east-1",
                    "AWS_ACCESS_KEY_ID", identity.accessKeyId(),
                    "AWS_SECRET_ACCESS_KEY", identity.secretAccessKey(),
                    "AUDIT_TABLE", broker.tables().audit())));
    java.io.StringWriter out = new java.io.StringWriter();
    java.io.StringWriter err = new java.io.StringWriter();
    cli.setOut(new java.io.PrintWriter(out));
    cli.setErr(new java.io.PrintWriter(err));
    int code = cli.execute(args);
    return new Cli(code, out.toString(), err.toString());
  }

  @Test
  void brokerctlMintsThroughTheOperatorRouteAndListsTheMintsWithoutTheirValues() throws Exception {
    Cli help = brokerctl(LocalDemo.OPERATOR, "honeytoken", "mint", "--help");
    Cli minted =
        brokerctl(
            LocalDemo.OPERATOR,
            "honeytoken",
            "mint",
            "--client",
            DECOY,
            "--kind",
            "refresh",
            "--days",
            "30",
            "--api-url",
            broker.issuer().toString(),
            "-o",
            "json");
    Cli notDecoy =
        brokerctl(
            LocalDemo.OPERATOR,
            "honeytoken",
            "mint",
            "--client",
            LocalDemo.CLIENT_ID,
            "--api-url",
            broker.issuer().toString());
    Cli notOperator =
        brokerctl(
            LocalDemo.IDENTITY,
            "honeytoken",
            "mint",
            "--client",
            DECOY,
            "--api-url",
            broker.issuer().toString());

    assertThat(help.code()).isZero();
    assertThat(help.out()).contains("--client", "--kind", "--days");
    assertThat(minted.code()).as(minted.err()).isZero();
    Map<String, Object> json = Json.object(minted.out());
    SECRETS.add((String) json.get("access_token"));
    SECRETS.add((String) json.get("refresh_token"));
    assertThat((String) json.get("refresh_token")).startsWith("tbr_");
    assertThat(Instant.parse((String) json.get("watched_until")))
        .isBetween(
            Instant.now().plus(java.time.Duration.ofDays(29)),
            Instant.now().plus(java.time.Duration.ofDays(31)));
    assertThat(notDecoy.code()).isEqualTo(1);
    assertThat(notDecoy.out()).isEmpty();
    assertThat(notDecoy.err()).contains("not a decoy");
    assertThat(notOperator.code()).isEqualTo(1);
    assertThat(notOperator.out()).isEmpty();

    Cli list = brokerctl(LocalDemo.OPERATOR, "honeytoken", "list");
    assertThat(list.code()).as(list.err()).isZero();
    assertThat(list.out())
        .contains(DECOY, (String) json.get("jti"), (String) json.get("sid"))
        .doesNotContain((String) json.get("access_token"))
        .doesNotContain((String) json.get("refresh_token"))
        .doesNotContain(LocalDemo.CLIENT_ID);
  }

  @Test
  void introspectionAndRevocationOfADecoyAnswerAsForAnyRevokedTokenAndEachRaiseAnAlert()
      throws Exception {
    Map<String, Object> minted = mint("client_id=" + DECOY + "&kind=refresh");
    int seen = alerts().size();

    HttpResponse<String> introspected =
        post(
            "/introspect",
            "token="
                + minted.get("access_token")
                + "&"
                + ClientAssertions.formParameters(
                    ClientAssertions.signed(
                        RESOURCE_SERVER_KEY,
                        "resource-server",
                        broker.issuer() + "/token",
                        Instant.now())));
    HttpResponse<String> revoked =
        signedPost(LocalDemo.IDENTITY, "/revoke/iam", "token=" + minted.get("refresh_token"));

    assertThat(introspected.statusCode()).as(introspected.body()).isEqualTo(200);
    assertThat(Json.object(introspected.body())).isEqualTo(Map.of("active", false));
    // another client's refresh token: refused as it always was, and now an alert too
    assertThat(revoked.statusCode()).isEqualTo(400);
    assertThat(alertsAfter(seen))
        .satisfiesExactly(
            atIntrospection ->
                assertThat(atIntrospection)
                    .containsEntry("client_id", DECOY)
                    .containsEntry("evidence_jti", (String) minted.get("jti"))
                    .containsEntry("evidence_endpoint", "/introspect")
                    .containsEntry("evidence_auth_method", "private_key_jwt"),
            atRevocation ->
                assertThat(atRevocation)
                    .containsEntry("client_id", DECOY)
                    .containsEntry("evidence_sid", (String) minted.get("sid"))
                    .containsEntry("evidence_presented_by", LocalDemo.CLIENT_ID)
                    .containsEntry("evidence_endpoint", "/revoke/iam"));
  }
}
