package io.tokenbroker.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenbroker.adapters.aws.AwsClients;
import io.tokenbroker.adapters.aws.AwsSettings;
import io.tokenbroker.adapters.aws.ClientTimeouts;
import io.tokenbroker.adapters.dynamodb.DynamoDbClientRepository;
import io.tokenbroker.adapters.dynamodb.DynamoDbIssuanceRepository;
import io.tokenbroker.auth.AuthMethod;
import io.tokenbroker.clients.ClientAdmin;
import io.tokenbroker.clients.ClientJson;
import io.tokenbroker.clients.InvalidClientPolicy;
import io.tokenbroker.config.Env;
import io.tokenbroker.devsupport.TestOidcIssuer;
import io.tokenbroker.json.Json;
import io.tokenbroker.local.LocalBrokerOptions.LogFormat;
import io.tokenbroker.tokens.ExchangedFrom;
import io.tokenbroker.tokens.Issuance;
import io.tokenbroker.tokens.TokenDigest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Federation end to end over the local server: outside tokens from a test OIDC issuer (real HTTPS,
 * discovery, JWKS, RSA and EC keys) exchanged at the real /token (RFC 8693) for broker tokens that
 * work at the demo API behind the authorizer, recorded with the outside identity; and every kind of
 * bad outside token refused with invalid_request, nothing recorded, the reason in the log.
 */
class LocalFederationIT {

  private static final String EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
  private static final String JWT = "urn:ietf:params:oauth:token-type:jwt";
  private static final String ID_TOKEN = "urn:ietf:params:oauth:token-type:id_token";
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final PrintStream STDOUT = System.out;
  private static final ByteArrayOutputStream LOG = new ByteArrayOutputStream();

  private static TestOidcIssuer github;
  private static TestOidcIssuer kubernetes;
  private static TestOidcIssuer elsewhere;
  private static TestOidcIssuer privateJwks;
  private static LocalBroker broker;
  private static LocalBroker loopbackRefused;
  private static DynamoDbClient dynamoDb;

  @BeforeAll
  static void start() throws Exception {
    github = TestOidcIssuer.start();
    kubernetes = TestOidcIssuer.start(java.time.Clock.systemUTC(), "/id/EXAMPLE");
    elsewhere = TestOidcIssuer.start();
    privateJwks = TestOidcIssuer.start();
    // Discovery on loopback (allowed here) names a JWKS on the instance-metadata address.
    privateJwks.discoveryJwksUri("https://169.254.169.254/.well-known/jwks");
    Path certificates = Files.createTempFile("outside-issuers-", ".pem");
    Files.writeString(
        certificates,
        github.certificatePem()
            + kubernetes.certificatePem()
            + elsewhere.certificatePem()
            + privateJwks.certificatePem());
    try {
      System.setOut(new PrintStream(LOG, true, StandardCharsets.UTF_8));
      broker =
          LocalBroker.start(
              LocalBrokerOptions.onPort(0)
                  .withLogFormat(LogFormat.JSON)
                  .withOutsideIssuerCerts(certificates));
      loopbackRefused =
          LocalBroker.start(
              new LocalBrokerOptions(
                      0,
                      Optional.of(broker.awsEndpoint()),
                      "tb-fed-strict-",
                      Optional.empty(),
                      Duration.ZERO)
                  .withLogFormat(LogFormat.JSON));
    } finally {
      System.setOut(STDOUT);
    }
    dynamoDb =
        AwsClients.dynamoDb(
            AwsSettings.from(
                Env.of(
                    Map.of(
                        "AWS_ENDPOINT_URL", broker.awsEndpoint().toString(),
                        "AWS_REGION", "us-east-1",
                        "AWS_ACCESS_KEY_ID", "test",
                        "AWS_SECRET_ACCESS_KEY", "test")),
                ClientTimeouts.background()));
    register(broker, github.issuer().toString(), "gh-deployer");
    register(broker, privateJwks.issuer().toString(), "private-jwks");
    register(loopbackRefused, github.issuer().toString(), "gh-deployer");
    clients(broker)
        .put(
            ClientJson.parse(
                """
                {"client_id": "k8s-api", "scopes": ["demo:read", "demo:write"],
                 "default_scopes": ["demo:read"], "audiences": ["%1$s/demo"],
                 "trust_policies": [{
                   "name": "payments-api-pods",
                   "issuer": "%2$s",
                   "audience": "%1$s",
                   "subject": {"pattern": "^system:serviceaccount:payments:[a-z0-9-]+$"},
                   "claims": {"/kubernetes.io/namespace": "payments",
                              "/kubernetes.io/serviceaccount/name": "api"},
                   "max_token_age_seconds": 3600,
                   "single_use": false}]}
                """
                    .formatted(broker.issuer(), kubernetes.issuer())));
  }

  /** A client whose only way in is a GitHub-Actions trust policy naming {@code issuer}. */
  private static void register(LocalBroker on, String issuer, String clientId) {
    clients(on)
        .put(
            ClientJson.parse(
                """
                {"client_id": "%3$s", "scopes": ["demo:read", "demo:write"],
                 "default_scopes": ["demo:read"], "audiences": ["%1$s/demo"],
                 "trust_policies": [{
                   "name": "deploy-from-main",
                   "issuer": "%2$s",
                   "audience": "%1$s",
                   "subject": "repo:acme/deployer:environment:production",
                   "claims": {
                     "repository_owner_id": "1234567",
                     "ref": "refs/heads/main",
                     "job_workflow_ref": {"pattern": "^acme/workflows/\\\\.github/workflows/deploy\\\\.yml@refs/heads/main$"}},
                   "algorithms": ["RS256"],
                   "max_token_age_seconds": 600,
                   "scopes": ["demo:read"],
                   "max_lifetime_seconds": 300}]}
                """
                    .formatted(on.issuer(), issuer, clientId)));
  }

  private static ClientAdmin clients(LocalBroker on) {
    return new ClientAdmin(new DynamoDbClientRepository(dynamoDb, on.tables().clients()));
  }

  @AfterAll
  static void stop() {
    Stream.of(loopbackRefused, broker).filter(b -> b != null).forEach(LocalBroker::close);
    Stream.of(github, kubernetes, elsewhere, privateJwks)
        .filter(i -> i != null)
        .forEach(TestOidcIssuer::close);
  }

  private static HttpResponse<String> exchange(
      LocalBroker on, String clientId, String subjectToken, String type, String more)
      throws Exception {
    String form =
        "grant_type="
            + enc(EXCHANGE)
            + "&client_id="
            + enc(clientId)
            + "&subject_token="
            + enc(subjectToken)
            + "&subject_token_type="
            + enc(type)
            + more;
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(on.issuer() + "/token"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> exchange(LocalBroker on, String clientId, String token)
      throws Exception {
    return exchange(on, clientId, token, JWT, "");
  }

  private static String enc(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private static String audience() {
    return broker.issuer().toString();
  }

  private static int issuances(LocalBroker on) {
    return dynamoDb.scan(r -> r.tableName(on.tables().issuances()).select("COUNT")).count();
  }

  private static Issuance record(String accessToken) throws Exception {
    String jti =
        (String)
            Json.object(
                    new String(
                        Base64.getUrlDecoder().decode(accessToken.split("\\.")[1]),
                        StandardCharsets.UTF_8))
                .get("jti");
    return new DynamoDbIssuanceRepository(dynamoDb, broker.tables().issuances())
        .find(jti)
        .orElseThrow();
  }

  private static List<String> logLines() {
    return LOG.toString(StandardCharsets.UTF_8).lines().toList();
  }

  @Test
  void aGithubActionsTokenIsExchangedForATokenThatWorksAtTheDemoApi() throws Exception {
    String outside = github.github(audience()).sign();

    HttpResponse<String> response = exchange(broker, "gh-deployer", outside, ID_TOKEN, "");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    Map<String, Object> body = Json.object(response.body());
    assertThat(body)
        .containsEntry("issued_token_type", "urn:ietf:params:oauth:token-type:access_token")
        .containsEntry("token_type", "Bearer")
        .containsEntry("scope", "demo:read")
        .doesNotContainKey("refresh_token");
    assertThat(((Number) body.get("expires_in")).longValue()).isLessThanOrEqualTo(300);
    String accessToken = (String) body.get("access_token");

    HttpResponse<String> demo =
        LocalAuthorizerFlowIT.call(broker, "GET", "/demo/items/1", accessToken);
    assertThat(demo.statusCode()).as(demo.body()).isEqualTo(200);
    assertThat(demo.body()).contains("\"client_id\":\"gh-deployer\"");
    // The policy caps the token at demo:read: writing is refused by the authorizer.
    assertThat(LocalAuthorizerFlowIT.call(broker, "POST", "/demo/items", accessToken).statusCode())
        .isEqualTo(403);

    Issuance issued = record(accessToken);
    assertThat(issued.authMethod()).isEqualTo(AuthMethod.FEDERATED);
    assertThat(issued.callerIdentity())
        .isEqualTo(github.issuer() + " repo:acme/deployer:environment:production");
    ExchangedFrom.OutsideIdentity identity =
        issued.exchangedFrom().orElseThrow().outsideIdentity().orElseThrow();
    assertThat(identity.issuer()).isEqualTo(github.issuer().toString());
    assertThat(identity.subject()).isEqualTo("repo:acme/deployer:environment:production");
    assertThat(identity.matchedClaims())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "repository_owner_id", "1234567",
                "job_workflow_ref", "acme/workflows/.github/workflows/deploy.yml@refs/heads/main",
                "ref", "refs/heads/main"));
    assertThat(identity.tokenSha256()).isEqualTo(TokenDigest.sha256(outside));
    assertThat(
            logLines().stream()
                .filter(l -> l.contains("federation.accepted"))
                .filter(l -> l.contains("\"policy\":\"deploy-from-main\""))
                .findAny())
        .isPresent();
    assertThat(LOG.toString(StandardCharsets.UTF_8)).doesNotContain(outside);
  }

  @Test
  void aPolicysScopeCapRefusesMoreAndNothingIsRecorded() throws Exception {
    int before = issuances(broker);

    HttpResponse<String> response =
        exchange(
            broker, "gh-deployer", github.github(audience()).sign(), JWT, "&scope=demo%3Awrite");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(Json.object(response.body())).containsEntry("error", "invalid_scope");
    assertThat(issuances(broker)).isEqualTo(before);
  }

  @Test
  void aRefusedRequestLeavesASingleUseTokenUnspentForTheCorrectedRequestAndOnlyOnce()
      throws Exception {
    String outside = github.github(audience()).sign();

    HttpResponse<String> tooMuch =
        exchange(broker, "gh-deployer", outside, JWT, "&scope=demo%3Awrite");
    HttpResponse<String> corrected =
        exchange(broker, "gh-deployer", outside, JWT, "&scope=demo%3Aread");

    assertThat(Json.object(tooMuch.body())).containsEntry("error", "invalid_scope");
    assertThat(corrected.statusCode()).as(corrected.body()).isEqualTo(200);
    assertRefused(broker, "gh-deployer", () -> outside, "federation_replayed");
  }

  @Test
  void aKubernetesTokenMatchedByNamespaceAndServiceAccountIsExchangedAgainAndAgain()
      throws Exception {
    String outside = kubernetes.kubernetes(audience()).sign();

    HttpResponse<String> first = exchange(broker, "k8s-api", outside);
    HttpResponse<String> second = exchange(broker, "k8s-api", outside);

    assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
    assertThat(second.statusCode()).as("single_use false: " + second.body()).isEqualTo(200);
    String accessToken = (String) Json.object(second.body()).get("access_token");
    assertThat(LocalAuthorizerFlowIT.call(broker, "GET", "/demo/hello", accessToken).statusCode())
        .isEqualTo(200);
    assertThat(
            record(accessToken)
                .exchangedFrom()
                .orElseThrow()
                .outsideIdentity()
                .orElseThrow()
                .matchedClaims())
        .containsEntry("/kubernetes.io/namespace", "payments")
        .containsEntry("/kubernetes.io/serviceaccount/name", "api");
  }

  @Test
  void aReplayedJtiIsRefusedUnderASingleUsePolicy() throws Exception {
    String outside = github.github(audience()).sign();
    assertThat(exchange(broker, "gh-deployer", outside).statusCode()).isEqualTo(200);

    assertRefused(broker, "gh-deployer", () -> outside, "federation_replayed");
  }

  static Stream<Arguments> refusals() {
    Instant now = Instant.now();
    return Stream.of(
        refused(
            "wrong audience",
            () -> github.github("https://elsewhere.example.com").sign(),
            "federation_audience_mismatch"),
        refused(
            "non-matching claim",
            () -> github.github(audience()).claim("ref", "refs/heads/feature").sign(),
            "federation_claim_mismatch"),
        refused(
            "another repository",
            () ->
                github
                    .github(audience())
                    .claim("sub", "repo:evil/deployer:environment:production")
                    .sign(),
            "federation_subject_mismatch"),
        refused(
            "expired",
            () ->
                github
                    .github(audience())
                    .claim("iat", now.minusSeconds(400))
                    .claim("nbf", now.minusSeconds(400))
                    .claim("exp", now.minusSeconds(120))
                    .sign(),
            "federation_expired"),
        refused(
            "issued in the future",
            () ->
                github
                    .github(audience())
                    .claim("iat", now.plusSeconds(300))
                    .claim("nbf", now)
                    .claim("exp", now.plusSeconds(600))
                    .sign(),
            "federation_issued_in_future"),
        refused(
            "not yet valid",
            () ->
                github
                    .github(audience())
                    .claim("nbf", now.plusSeconds(300))
                    .claim("exp", now.plusSeconds(600))
                    .sign(),
            "federation_not_yet_valid"),
        refused(
            "older than max_token_age",
            () ->
                github
                    .github(audience())
                    .claim("iat", now.minusSeconds(700))
                    .claim("nbf", now.minusSeconds(700))
                    .claim("exp", now.plusSeconds(60))
                    .sign(),
            "federation_too_old"),
        refused(
            "unknown issuer",
            () -> elsewhere.github(audience()).sign(),
            "federation_unknown_issuer"),
        refused(
            "forged signature",
            () -> github.github(audience()).forged().sign(),
            "federation_bad_signature"),
        refused(
            "alg outside the allow-list",
            () -> github.github(audience()).alg("ES256").sign(),
            "federation_algorithm_not_allowed"),
        refused(
            "typ of an access token",
            () -> github.github(audience()).typ("at+jwt").sign(),
            "federation_typ_not_accepted"));
  }

  static Arguments refused(String what, Supplier<String> token, String reason) {
    return Arguments.of(what, token, reason);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void refusesABadOutsideTokenRecordingNothingWithTheReasonInTheLog(
      String what, Supplier<String> token, String reason) throws Exception {
    assertRefused(broker, "gh-deployer", token, reason);
  }

  @Test
  void refusesAnIssuerWhoseJwksSitsOnAPrivateAddress() throws Exception {
    assertRefused(
        broker,
        "private-jwks",
        () -> privateJwks.github(audience()).sign(),
        "federation_issuer_keys_refused");
  }

  @Test
  void refusesAnIssuerOnLoopbackUnlessTheLocalDevelopmentSettingAllowsIt() throws Exception {
    assertRefused(
        loopbackRefused,
        "gh-deployer",
        () -> github.github(loopbackRefused.issuer().toString()).sign(),
        "federation_issuer_keys_refused");
  }

  @Test
  void refusesAnUnsignedToken() throws Exception {
    int before = issuances(broker);

    HttpResponse<String> response =
        exchange(broker, "gh-deployer", github.github(audience()).alg("none").sign());

    // Refused before federation: an unsigned token is no compact JWS (no signature segment).
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(Json.object(response.body())).containsEntry("error", "invalid_request");
    assertThat(issuances(broker)).isEqualTo(before);
  }

  @Test
  void refusesAnAccessTokenTypeForAnOutsideToken() throws Exception {
    int before = issuances(broker);

    HttpResponse<String> response =
        exchange(
            broker,
            "gh-deployer",
            github.github(audience()).sign(),
            "urn:ietf:params:oauth:token-type:access_token",
            "");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(Json.object(response.body()))
        .containsEntry("error", "invalid_request")
        .containsEntry("error_description", "subject_token is not acceptable");
    assertThat(issuances(broker)).isEqualTo(before);
  }

  @Test
  void anUnknownClientOrOneWithoutTrustPoliciesIsInvalidClient() throws Exception {
    String outside = github.github(audience()).sign();

    HttpResponse<String> unknown = exchange(broker, "nobody", outside);
    HttpResponse<String> noPolicy = exchange(broker, LocalDemo.CLIENT_ID, outside);

    assertThat(unknown.statusCode()).isEqualTo(401);
    assertThat(Json.object(unknown.body())).containsEntry("error", "invalid_client");
    assertThat(noPolicy.statusCode()).isEqualTo(401);
    assertThat(noPolicy.body()).isEqualTo(unknown.body());
  }

  @Test
  void anUnanchoredPatternIsRefusedAtRegistration() {
    assertThatThrownBy(
            () ->
                clients(broker)
                    .put(
                        ClientJson.parse(
                            """
                            {"client_id": "careless", "scopes": ["demo:read"],
                             "audiences": ["%1$s/demo"],
                             "trust_policies": [{"name": "any-acme", "issuer": "%2$s",
                               "audience": "%1$s", "subject": {"pattern": "repo:acme/.*"}}]}
                            """
                                .formatted(broker.issuer(), github.issuer()))))
        .isInstanceOf(InvalidClientPolicy.class)
        .hasMessageContaining("anchored");
    assertThat(clients(broker).get("careless")).isEmpty();
  }

  private static void assertRefused(
      LocalBroker on, String clientId, Supplier<String> token, String reason) throws Exception {
    int before = issuances(on);
    int linesBefore = logLines().size();

    HttpResponse<String> response = exchange(on, clientId, token.get());

    assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
    assertThat(Json.object(response.body()))
        .containsEntry("error", "invalid_request")
        .containsEntry("error_description", "subject_token is not acceptable");
    assertThat(issuances(on)).as("nothing recorded").isEqualTo(before);
    List<String> lines = logLines();
    assertThat(lines.subList(linesBefore, lines.size()))
        .as("the reason in the log")
        .anySatisfy(
            line ->
                assertThat(line)
                    .contains("federation.refused")
                    .contains("\"reason\":\"" + reason + "\""));
  }
}
