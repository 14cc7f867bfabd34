package io.tokenbroker.functions.revocation;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.ECKey;
import io.tokenbroker.adapters.dynamodb.DynamoDbOperatorAudit;
import io.tokenbroker.adapters.lifecycle.SnapStartHooks;
import io.tokenbroker.adapters.wiring.RevocationWiring;
import io.tokenbroker.clients.Client;
import io.tokenbroker.config.Env;
import io.tokenbroker.devsupport.LocalAws;
import io.tokenbroker.devsupport.MotoExtension;
import io.tokenbroker.operator.AuditEntry;
import io.tokenbroker.operator.AuditOutcome;
import io.tokenbroker.telemetry.Telemetry;
import io.tokenbroker.testing.ClientAssertions;
import io.tokenbroker.testing.Clients;
import io.tokenbroker.testing.EventFiles;
import io.tokenbroker.testing.MotoBroker;
import io.tokenbroker.testing.RecordingTelemetry;
import io.tokenbroker.testing.TestKeys;
import io.tokenbroker.tokens.IssuedToken;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The revocation function on real API Gateway events against moto. */
@ExtendWith(MotoExtension.class)
class RevocationHandlerIT {

  private static final ECKey KEY = TestKeys.ec();
  private static MotoBroker broker;
  private static RevocationHandler handler;
  private static Client alice;
  private static Client bob;
  private static final RecordingTelemetry TELEMETRY = new RecordingTelemetry();

  @BeforeAll
  static void setUp(LocalAws local) {
    broker = new MotoBroker(local);
    var json = Clients.withKeys(Clients.json("alice"), KEY);
    json.put("iam_roles", java.util.List.of("arn:aws:iam::123456789012:role/ci-deployer"));
    json.put("refresh_tokens", Map.of("enabled", true));
    alice = broker.register(Clients.parse(json));
    bob = broker.register(Clients.withKey("bob", TestKeys.rsa()));
    handler = wired(broker.env.with(Map.of("OPERATOR_PRINCIPAL_ARNS", OPERATOR_ROLES)), TELEMETRY);
  }

  /** The operators of these tests: one role with a path, one without (sessions carry neither). */
  private static final String OPERATOR_ROLES =
      "arn:aws:iam::123456789012:role/ops/broker-operator, arn:aws:iam::123456789012:role/other-op";

  /** The sample operator request, signed instead by {@code callerArn}. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> adminRequestBy(String callerArn, String body) {
    Map<String, Object> event = EventFiles.load("revocation/admin-revoke-client.json");
    ((Map<String, Object>) ((Map<String, Object>) event.get("requestContext")).get("identity"))
        .put("userArn", callerArn);
    event.put("body", body);
    return event;
  }

  private static Map<String, Object> invoke(Map<String, Object> event) {
    return EventFiles.invoke((in, out) -> handler.handleRequest(in, out, null), event);
  }

  private static String assertion(String clientId) {
    return ClientAssertions.signed(KEY, clientId, MotoBroker.ISSUER + "/token", Instant.now());
  }

  private static Map<String, Object> revoke(String token, String clientId) {
    Map<String, Object> event = EventFiles.load("revocation/revoke.json");
    event.put(
        "body",
        "token="
            + URLEncoder.encode(token, StandardCharsets.UTF_8)
            + "&"
            + ClientAssertions.formParameters(assertion(clientId)));
    return event;
  }

  private static boolean revoked(IssuedToken token) {
    return broker
        .introspection
        .introspection()
        .introspect(
            new io.tokenbroker.auth.AuthenticatedClient(
                introspector(), io.tokenbroker.auth.AuthMethod.AWS_IAM, "test"),
            token.accessToken())
        .get("active")
        .equals(false);
  }

  private static Client introspector() {
    var json = Clients.json("introspector");
    json.put("iam_roles", java.util.List.of("arn:aws:iam::123456789012:role/introspector"));
    json.put("introspection", true);
    return Clients.parse(json);
  }

  /**
   * The handler as the local server builds it: its wiring read from {@code env}; the hooks that
   * wiring registers are kept in {@link #HOOKS}.
   */
  private static RevocationHandler wired(Env env, Telemetry telemetry) {
    RevocationWiring wiring = RevocationWiring.fromEnvironment(env, Clock.systemUTC(), telemetry);
    RevocationHandler handler =
        new RevocationHandler(
            wiring.clientAuthentication(),
            wiring.revocations(),
            wiring.operatorRevocations(),
            wiring.operatorAudit(),
            RevocationConfig.from(env).operators(),
            wiring.handlerTelemetry());
    HOOKS.put(handler, wiring.snapStartHooks((in, out) -> handler.handleRequest(in, out, null)));
    return handler;
  }

  /** GitHub's stand-in: its key pinned in LEAK_REPORTER_KEYS, as a deployment may pin it. */
  private static final io.tokenbroker.devsupport.TestSecretScanner.ScanningKey SCANNING_KEY =
      io.tokenbroker.devsupport.TestSecretScanner.unpublishedKey();

  /** The handler as Lambda's no-argument constructor wires it, leak routes included. */
  private static RevocationHandler withLeakRoutes() {
    String pem =
        "-----BEGIN PUBLIC KEY-----\\n"
            + java.util.Base64.getEncoder()
                .encodeToString(SCANNING_KEY.keys().getPublic().getEncoded())
            + "\\n-----END PUBLIC KEY-----\\n";
    Env env =
        broker.env.with(
            Map.of(
                "OPERATOR_PRINCIPAL_ARNS",
                OPERATOR_ROLES,
                "LEAK_REPORTER_KEYS",
                "{\"public_keys\":[{\"key_identifier\":\""
                    + SCANNING_KEY.identifier()
                    + "\",\"key\":\""
                    + pem
                    + "\",\"is_current\":true}]}"));
    RevocationWiring wiring = RevocationWiring.fromEnvironment(env, Clock.systemUTC(), TELEMETRY);
    return new RevocationHandler(
        wiring.clientAuthentication(),
        wiring.revocations(),
        wiring.operatorRevocations(),
        wiring.operatorAudit(),
        RevocationConfig.from(env).operators(),
        wiring.handlerTelemetry(),
        new RevocationHandler.LeakRoutes(wiring.leakReports(), wiring.reportSignature()));
  }

  @Test
  @SuppressWarnings("unchecked")
  void revokesAnAccessTokenGitHubReportsAndAnswersInItsFeedbackFormat() throws Exception {
    RevocationHandler leaks = withLeakRoutes();
    IssuedToken token = broker.issue(alice, "");
    String body =
        io.tokenbroker.devsupport.TestSecretScanner.body(
            java.util.List.of(token.accessToken(), "nope"));
    Map<String, Object> event = EventFiles.load("revocation/leak-report-github.json");
    event.put("body", body);
    Map<String, Object> headers = (Map<String, Object>) event.get("headers");
    Map<String, Object> multi = (Map<String, Object>) event.get("multiValueHeaders");
    String signature = io.tokenbroker.devsupport.TestSecretScanner.sign(SCANNING_KEY, body);
    for (var header :
        Map.of(
                "Github-Public-Key-Identifier",
                SCANNING_KEY.identifier(),
                "Github-Public-Key-Signature",
                signature)
            .entrySet()) {
      headers.put(header.getKey(), header.getValue());
      multi.put(header.getKey(), java.util.List.of(header.getValue()));
    }

    Map<String, Object> response =
        EventFiles.invoke((in, out) -> leaks.handleRequest(in, out, null), event);

    assertThat(response.get("statusCode")).isEqualTo(200L);
    assertThat(EventFiles.headers(response)).containsEntry("Cache-Control", "no-store");
    String answer = (String) response.get("body");
    assertThat(answer).doesNotContain(token.accessToken());
    assertThat(io.tokenbroker.json.Json.array(answer))
        .extracting(m -> (Object) ((Map<?, ?>) m).get("label"))
        .containsExactly("true_positive", "false_positive");
    assertThat(revoked(token)).isTrue();
    assertThat(TELEMETRY.everything()).doesNotContain(token.accessToken());
  }

  @Test
  void refusesTheSampleReportWhoseSignatureIsGitHubsDocumentationExample() {
    RevocationHandler leaks = withLeakRoutes();

    Map<String, Object> response =
        EventFiles.invoke(
            (in, out) -> leaks.handleRequest(in, out, null),
            EventFiles.load("revocation/leak-report-github.json"));

    assertThat(response.get("statusCode")).isEqualTo(401L);
  }

  @Test
  void letsOnlyOperatorsReportOnTheAdminLeakRoute() {
    RevocationHandler leaks = withLeakRoutes();
    IssuedToken token = broker.issue(alice, "");
    Map<String, Object> byOperator = EventFiles.load("revocation/admin-leak-report.json");
    byOperator.put(
        "body",
        io.tokenbroker.devsupport.TestSecretScanner.body(java.util.List.of(token.accessToken())));
    Map<String, Object> byOther = EventFiles.load("revocation/admin-leak-report.json");
    byOther.put("body", byOperator.get("body"));
    @SuppressWarnings("unchecked")
    Map<String, Object> identity =
        (Map<String, Object>) ((Map<String, Object>) byOther.get("requestContext")).get("identity");
    identity.put("userArn", "arn:aws:sts::123456789012:assumed-role/ci-deployer/s1");

    Map<String, Object> refused =
        EventFiles.invoke((in, out) -> leaks.handleRequest(in, out, null), byOther);
    assertThat(refused.get("statusCode")).isEqualTo(403L);
    assertThat(revoked(token)).isFalse();

    Map<String, Object> done =
        EventFiles.invoke((in, out) -> leaks.handleRequest(in, out, null), byOperator);
    assertThat(done.get("statusCode")).isEqualTo(200L);
    assertThat(revoked(token)).isTrue();
  }

  /** The SnapStart hooks each wiring registered for its handler, as Lambda's handler keeps them. */
  private static final java.util.Map<Object, SnapStartHooks> HOOKS =
      new java.util.concurrent.ConcurrentHashMap<>();

  private static SnapStartHooks hooks(Object handler) {
    return HOOKS.get(handler);
  }

  @Test
  void letsAClientRevokeItsOwnAccessToken() {
    IssuedToken token = broker.issue(alice, "");

    Map<String, Object> response = invoke(revoke(token.accessToken(), "alice"));

    assertThat(response.get("statusCode")).isEqualTo(200L);
    assertThat(response.get("body")).isEqualTo("");
    assertThat(EventFiles.headers(response)).containsEntry("Cache-Control", "no-store");
    assertThat(revoked(token)).isTrue();
  }

  @Test
  void revokesTheWholeGrantOfARefreshTokenOnTheIamRoute() {
    IssuedToken token = broker.issue(alice, "");
    Map<String, Object> event = EventFiles.load("revocation/revoke-iam.json");
    event.put(
        "body", "token=" + token.refreshToken().orElseThrow() + "&token_type_hint=refresh_token");

    assertThat(invoke(event).get("statusCode")).isEqualTo(200L);
    assertThat(revoked(token)).isTrue();
  }

  @Test
  void refusesToRevokeAnotherClientsToken() {
    IssuedToken token = broker.issue(bob, "");

    Map<String, Object> response = invoke(revoke(token.accessToken(), "alice"));

    assertThat(response.get("statusCode")).isEqualTo(400L);
    assertThat(EventFiles.body(response)).containsEntry("error", "unauthorized_client");
    assertThat(revoked(token)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"garbage", "a.b.c", "tbr_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA12345678"})
  void answers200ForTokensItDoesNotKnow(String token) {
    assertThat(invoke(revoke(token, "alice")).get("statusCode")).isEqualTo(200L);
  }

  @Test
  void answersEveryMalformedRequestWithAnOAuthError() {
    Map<String, Object> noToken = EventFiles.load("revocation/revoke.json");
    noToken.put("body", ((String) noToken.get("body")).replaceFirst("token=[^&]*&", ""));
    Map<String, Object> unauthenticated = EventFiles.load("revocation/revoke.json");
    unauthenticated.put("body", "token=abc");
    Map<String, Object> get = revoke("abc", "alice");
    get.put("httpMethod", "GET");

    assertThat(invoke(noToken).get("statusCode")).isEqualTo(400L);
    assertThat(EventFiles.body(invoke(noToken))).containsEntry("error", "invalid_request");
    assertThat(EventFiles.body(invoke(unauthenticated))).containsEntry("error", "invalid_client");
    assertThat(invoke(get).get("statusCode")).isEqualTo(405L);
  }

  @Test
  @SuppressWarnings("unchecked")
  void letsAnOperatorRevokeEveryTokenOfAClient() {
    IssuedToken before = broker.issue(bob, "");

    Map<String, Object> response = invoke(EventFiles.load("revocation/admin-revoke-client.json"));
    Map<String, Object> event = EventFiles.load("revocation/admin-revoke-client.json");
    event.put("body", "client_id=bob");
    Map<String, Object> revokedBob = invoke(event);

    assertThat(response.get("statusCode")).isEqualTo(200L);
    assertThat(revokedBob.get("statusCode")).isEqualTo(200L);
    assertThat((Map<String, Object>) EventFiles.body(revokedBob).get("revoked"))
        .containsEntry("client_id", "bob");
    assertThat(revoked(before)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "jti=a&kid=b", "client_id=a&jti=b"})
  void refusesAnOperatorRequestWithoutExactlyOneTarget(String body) {
    Map<String, Object> event = EventFiles.load("revocation/admin-revoke-client.json");
    event.put("body", body);

    assertThat(invoke(event).get("statusCode")).isEqualTo(400L);
  }

  /**
   * Identifiers no token can carry: revoking them would protect nothing, and one longer than
   * DynamoDB's 2048-byte key limit was a 500 (found by RevocationHandlerFuzzTest#adminRevocation).
   */
  @ParameterizedTest
  @ValueSource(strings = {"kid=:KID", "client_id=bob%20", "client_id=-bob", "kid=a.b"})
  void refusesAnOperatorRequestNamingWhatNoTokenCanCarry(String body) {
    Map<String, Object> event = EventFiles.load("revocation/admin-revoke-client.json");
    event.put("body", body);

    Map<String, Object> response = invoke(event);

    assertThat(response.get("statusCode")).isEqualTo(400L);
    assertThat(EventFiles.body(response)).containsEntry("error", "invalid_request");
  }

  @Test
  void refusesAJtiLongerThanAnyTokenCarriesWhereDynamoDbWouldFail() {
    Map<String, Object> event = EventFiles.load("revocation/admin-revoke-client.json");
    event.put("body", "jti=" + "j".repeat(257));
    Map<String, Object> atLimit = EventFiles.load("revocation/admin-revoke-client.json");
    atLimit.put("body", "jti=" + "j".repeat(256));
    Map<String, Object> overDynamoDbKeyLimit =
        EventFiles.load("revocation/admin-revoke-client.json");
    overDynamoDbKeyLimit.put("body", "jti=" + "j".repeat(3000));

    assertThat(invoke(atLimit).get("statusCode")).isEqualTo(200L);
    assertThat(invoke(event).get("statusCode")).isEqualTo(400L);
    assertThat(invoke(overDynamoDbKeyLimit).get("statusCode")).isEqualTo(400L);
  }

  @Test
  @SuppressWarnings("unchecked")
  void refusesTheOperatorRouteWithoutAVerifiedIamCaller() {
    Map<String, Object> event = EventFiles.load("revocation/admin-revoke-client.json");
    ((Map<String, Object>) ((Map<String, Object>) event.get("requestContext")).get("identity"))
        .put("userArn", null);

    Map<String, Object> response = invoke(event);

    assertThat(response.get("statusCode")).isEqualTo(403L);
    assertThat(Optional.ofNullable(TELEMETRY.everything()).orElse(""))
        .doesNotContain("arn:aws:sts");
  }

  /**
   * A workload role may call {@code /token/iam}, so its callers hold {@code execute-api:Invoke}:
   * that alone must not open the admin route. Refused with 403 before anything is read or written,
   * logged with a reason and without the caller's ARN or role.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "arn:aws:sts::123456789012:assumed-role/ci-deployer/ci-build-42",
        "arn:aws:sts::123456789012:assumed-role/broker-operator-not/s1",
        "arn:aws:sts::999999999999:assumed-role/broker-operator/s1",
        "arn:aws:iam::123456789012:user/broker-operator"
      })
  void refusesAnyOtherSigV4CallerOnTheAdminRouteAndWritesNothing(String caller) {
    IssuedToken token = broker.issue(bob, "");
    var before = broker.aws.itemCounts();
    RecordingTelemetry telemetry = new RecordingTelemetry();
    var guarded =
        wired(broker.env.with(Map.of("OPERATOR_PRINCIPAL_ARNS", OPERATOR_ROLES)), telemetry);

    Map<String, Object> response =
        EventFiles.invoke(
            (in, out) -> guarded.handleRequest(in, out, null),
            adminRequestBy(caller, "client_id=bob"));

    assertThat(response.get("statusCode")).isEqualTo(403L);
    assertThat(EventFiles.body(response)).containsEntry("error", "access_denied");
    assertThat(broker.aws.itemCounts()).isEqualTo(before);
    assertThat(revoked(token)).isFalse();
    assertThat(telemetry.named("request.rejected")).hasSize(1);
    assertThat(telemetry.everything())
        .contains("caller_")
        .doesNotContain("arn:aws")
        .doesNotContain("ci-deployer")
        .doesNotContain("broker-operator");
  }

  @Test
  void letsAnOperatorRoleWithAPathRevokeThroughAnAssumedRoleSession() {
    Map<String, Object> response =
        invoke(
            adminRequestBy(
                "arn:aws:sts::123456789012:assumed-role/broker-operator/jane", "jti=some-jti"));

    assertThat(response.get("statusCode")).isEqualTo(200L);
  }

  /** The stack parameter's default: no operator roles, and the admin route refuses everyone. */
  @Test
  void refusesEveryoneOnTheAdminRouteWhenNoOperatorsAreConfigured() {
    var before = broker.aws.itemCounts();
    var unconfigured = wired(broker.env, new RecordingTelemetry());

    Map<String, Object> response =
        EventFiles.invoke(
            (in, out) -> unconfigured.handleRequest(in, out, null),
            EventFiles.load("revocation/admin-revoke-client.json"));

    assertThat(response.get("statusCode")).isEqualTo(403L);
    assertThat(EventFiles.body(response)).containsEntry("error", "access_denied");
    assertThat(broker.aws.itemCounts()).isEqualTo(before);
  }

  @Test
  void refusesToRevokeTheActiveKeyOnTheAdminRouteAndPointsAtKeysCompromise() {
    IssuedToken token = broker.issue(bob, "");
    var before = broker.aws.itemCounts();

    Map<String, Object> response =
        invoke(
            adminRequestBy(
                "arn:aws:sts::123456789012:assumed-role/broker-operator/jane",
                "kid=" + token.record().kid()));

    assertThat(response.get("statusCode")).isEqualTo(400L);
    assertThat(EventFiles.body(response)).containsEntry("error", "invalid_request");
    assertThat((String) EventFiles.body(response).get("error_description"))
        .contains("brokerctl keys compromise");
    assertThat(withoutAudit(broker.aws.itemCounts())).isEqualTo(withoutAudit(before));
    assertThat(revoked(token)).isFalse();
    assertThat(auditOf(token.record().kid()))
        .extracting(AuditEntry::outcome)
        .containsExactly(AuditOutcome.REFUSED, AuditOutcome.INTENT);
  }

  /**
   * Every operator revocation is in the audit trail under the caller's ARN, as two entries: the
   * intent before the revocation was written, the outcome after; and the ARN is in no log line.
   */
  @Test
  void recordsAnOperatorRevocationInTheAuditTrailUnderTheCallersArn() {
    String caller = "arn:aws:sts::123456789012:assumed-role/broker-operator/jane";
    String clientId = "audited-" + java.util.UUID.randomUUID().toString().substring(0, 8);
    RecordingTelemetry telemetry = new RecordingTelemetry();
    var audited =
        wired(broker.env.with(Map.of("OPERATOR_PRINCIPAL_ARNS", OPERATOR_ROLES)), telemetry);

    Map<String, Object> response =
        EventFiles.invoke(
            (in, out) -> audited.handleRequest(in, out, null),
            adminRequestBy(caller, "client_id=" + clientId));

    assertThat(response.get("statusCode")).isEqualTo(200L);
    List<AuditEntry> entries = auditOf(clientId);
    assertThat(entries)
        .extracting(AuditEntry::outcome)
        .containsExactly(AuditOutcome.DONE, AuditOutcome.INTENT);
    assertThat(entries)
        .allSatisfy(
            e -> {
              assertThat(e.actor()).isEqualTo(caller);
              assertThat(e.via()).isEqualTo(AuditEntry.ADMIN_ROUTE);
              assertThat(e.action()).isEqualTo("revoke client");
              assertThat(e.id()).isEqualTo(entries.getFirst().id());
            });
    @SuppressWarnings("unchecked")
    var revoked = (Map<String, Object>) EventFiles.body(response).get("revoked");
    assertThat(entries.getFirst().detail())
        .isEqualTo("issued before " + revoked.get("issued_before"));
    assertThat(telemetry.everything()).doesNotContain("jane").doesNotContain("arn:aws");
  }

  /** Fail safe: an operator revocation the trail cannot record is not done. */
  @Test
  void revokesNothingWhenTheAuditTrailCannotRecordIt() {
    IssuedToken token = broker.issue(bob, "");
    var before = broker.aws.itemCounts();
    var unaudited =
        wired(
            broker.env.with(
                Map.of(
                    "OPERATOR_PRINCIPAL_ARNS",
                    OPERATOR_ROLES,
                    "AUDIT_TABLE",
                    broker.aws.aws.prefix() + "missing-audit")),
            new RecordingTelemetry());

    Map<String, Object> response =
        EventFiles.invoke(
            (in, out) -> unaudited.handleRequest(in, out, null),
            adminRequestBy(
                "arn:aws:sts::123456789012:assumed-role/broker-operator/jane",
                "jti=" + token.record().jti()));

    assertThat((Long) response.get("statusCode")).isGreaterThanOrEqualTo(500L);
    assertThat(EventFiles.body(response).toString()).doesNotContain("arn:aws");
    assertThat(broker.aws.itemCounts()).isEqualTo(before);
    assertThat(revoked(token)).isFalse();
  }

  /** The audit trail's entries for {@code target}, newest first. */
  private static List<AuditEntry> auditOf(String target) {
    return new DynamoDbOperatorAudit(
            broker.aws.dynamoDb, broker.aws.tables.audit(), Clock.systemUTC())
        .recent(1000, Optional.empty()).stream().filter(e -> e.target().equals(target)).toList();
  }

  private static Map<String, Integer> withoutAudit(Map<String, Integer> counts) {
    Map<String, Integer> rest = new java.util.TreeMap<>(counts);
    rest.remove(broker.aws.tables.audit());
    return rest;
  }

  @Test
  void snapStartPrimingIsRefusedAfterReadingAndWritesOrLogsNothing() throws Exception {
    RecordingTelemetry telemetry = new RecordingTelemetry();
    var primed = wired(broker.env, telemetry);
    var before = broker.aws.itemCounts();

    hooks(primed).beforeCheckpoint(null);
    hooks(primed).afterRestore(null);

    assertThat(broker.aws.itemCounts()).isEqualTo(before);
    assertThat(telemetry.events())
        .extracting(io.tokenbroker.telemetry.TelemetryEvent::name)
        .containsExactly("snapstart.primed", "snapstart.restored");
  }
}
