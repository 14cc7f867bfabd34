package io.tokenbroker.functions.introspection;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.ECKey;
import io.tokenbroker.adapters.lifecycle.SnapStartHooks;
import io.tokenbroker.adapters.wiring.IntrospectionWiring;
import io.tokenbroker.clients.Client;
import io.tokenbroker.config.Env;
import io.tokenbroker.devsupport.LocalAws;
import io.tokenbroker.devsupport.MotoExtension;
import io.tokenbroker.keys.KeyState;
import io.tokenbroker.keys.SigningKey;
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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The introspection function on real API Gateway events against moto. */
@ExtendWith(MotoExtension.class)
class IntrospectionHandlerIT {

  private static MotoBroker broker;
  private static IntrospectionHandler handler;
  private static Client workload;

  @BeforeAll
  static void setUp(LocalAws local) {
    broker = new MotoBroker(local);
    var resourceServer = Clients.json("orders-api");
    resourceServer.put("iam_roles", List.of("arn:aws:iam::123456789012:role/ci-deployer"));
    resourceServer.put("introspection", true);
    broker.register(Clients.parse(resourceServer));
    workload =
        broker.register(Clients.withRole("workload", "arn:aws:iam::123456789012:role/workload"));
    handler = wired(broker.env, new RecordingTelemetry());
  }

  private static Map<String, Object> introspect(String token) {
    Map<String, Object> event = EventFiles.load("introspection/introspect-iam.json");
    event.put("body", "token=" + token);
    return EventFiles.invoke((in, out) -> handler.handleRequest(in, out, null), event);
  }

  /**
   * The handler as the local server builds it: its wiring read from {@code env}; the hooks that
   * wiring registers are kept in {@link #HOOKS}.
   */
  private static IntrospectionHandler wired(Env env, Telemetry telemetry) {
    IntrospectionWiring wiring =
        IntrospectionWiring.fromEnvironment(env, Clock.systemUTC(), telemetry);
    IntrospectionHandler handler =
        new IntrospectionHandler(
            wiring.clientAuthentication(), wiring.introspection(), wiring.handlerTelemetry());
    HOOKS.put(handler, wiring.snapStartHooks((in, out) -> handler.handleRequest(in, out, null)));
    return handler;
  }

  /** The SnapStart hooks each wiring registered for its handler, as Lambda's handler keeps them. */
  private static final java.util.Map<Object, SnapStartHooks> HOOKS =
      new java.util.concurrent.ConcurrentHashMap<>();

  private static SnapStartHooks hooks(Object handler) {
    return HOOKS.get(handler);
  }

  @Test
  void describesAnActiveToken() {
    IssuedToken token = broker.issue(workload, "&scope=orders:write");

    Map<String, Object> response = introspect(token.accessToken());

    assertThat(response.get("statusCode")).isEqualTo(200L);
    assertThat(EventFiles.headers(response)).containsEntry("Cache-Control", "no-store");
    assertThat(EventFiles.body(response))
        .containsEntry("active", true)
        .containsEntry("client_id", "workload")
        .containsEntry("scope", "orders:write")
        .containsEntry("iss", MotoBroker.ISSUER)
        .containsEntry("jti", token.record().jti());
  }

  /**
   * A client authenticating by private_key_jwt (its assertion spent in the assertions table) asks
   * about its own refresh token (read from the refresh-tokens table; only its own client may).
   */
  @Test
  void describesAClientsOwnRefreshTokenToItsSignedAssertion() {
    ECKey key = TestKeys.ec();
    var json = Clients.withKeys(Clients.json("nightly-job"), key);
    json.put("iam_roles", List.of("arn:aws:iam::123456789012:role/nightly-job"));
    json.put("refresh_tokens", Map.of("enabled", true));
    json.put("introspection", true);
    IssuedToken token = broker.issue(broker.register(Clients.parse(json)), "");
    String assertion =
        ClientAssertions.signed(key, "nightly-job", MotoBroker.ISSUER + "/token", Instant.now());
    Map<String, Object> event = EventFiles.load("introspection/introspect.json");
    event.put(
        "body",
        "token="
            + URLEncoder.encode(token.refreshToken().orElseThrow(), StandardCharsets.UTF_8)
            + "&token_type_hint=refresh_token&"
            + ClientAssertions.formParameters(assertion));

    Map<String, Object> response =
        EventFiles.invoke((in, out) -> handler.handleRequest(in, out, null), event);

    assertThat(response.get("statusCode")).isEqualTo(200L);
    assertThat(EventFiles.body(response))
        .containsEntry("active", true)
        .containsEntry("client_id", "nightly-job");
  }

  @Test
  void answersOnlyInactiveForARevokedOrBogusToken() {
    IssuedToken token = broker.issue(workload, "");
    new io.tokenbroker.adapters.dynamodb.DynamoDbRevocationRepository(
            broker.aws.dynamoDb, broker.aws.tables.revocations())
        .revokeToken(token.record().jti(), Instant.now().plusSeconds(900), "test");

    assertThat(EventFiles.body(introspect(token.accessToken()))).isEqualTo(Map.of("active", false));
    assertThat(EventFiles.body(introspect("bogus"))).isEqualTo(Map.of("active", false));
  }

  /**
   * The revocations table decides for refresh tokens too: a family revoked only there (by sid, as
   * an operator's revocation writes it) or a client's watermark after the family began makes its
   * refresh token inactive.
   */
  @Test
  void answersInactiveForARefreshTokenWhoseFamilyOrClientTheRevocationsTableRevokes() {
    Client bySid = broker.register(refreshingIntrospector("by-sid"));
    Client byWatermark = broker.register(refreshingIntrospector("by-watermark"));
    IssuedToken revoked = broker.issue(bySid, "");
    IssuedToken live = broker.issue(bySid, "");
    IssuedToken watermarked = broker.issue(byWatermark, "");
    var revocations =
        new io.tokenbroker.adapters.dynamodb.DynamoDbRevocationRepository(
            broker.aws.dynamoDb, broker.aws.tables.revocations());
    Instant now = Instant.now();

    revocations.revokeFamily(
        revoked.record().sessionId().orElseThrow(), now.plusSeconds(90_000), "test");
    revocations.revokeClientTokensBefore(
        "by-watermark",
        watermarked.record().issuedAt().plusSeconds(1),
        now.plus(java.time.Duration.ofDays(31)));

    assertThat(EventFiles.body(introspectAs("by-sid", revoked.refreshToken().orElseThrow())))
        .isEqualTo(Map.of("active", false));
    assertThat(
            EventFiles.body(introspectAs("by-watermark", watermarked.refreshToken().orElseThrow())))
        .isEqualTo(Map.of("active", false));
    assertThat(EventFiles.body(introspectAs("by-sid", live.refreshToken().orElseThrow())))
        .containsEntry("active", true)
        .containsEntry("token_type", "refresh_token");
  }

  private static Client refreshingIntrospector(String clientId) {
    var json = Clients.json(clientId);
    json.put("iam_roles", List.of("arn:aws:iam::123456789012:role/" + clientId));
    json.put("introspection", true);
    json.put("refresh_tokens", Map.of("enabled", true));
    return Clients.parse(json);
  }

  /** Introspection called by the client whose IAM role is named after it. */
  private static Map<String, Object> introspectAs(String clientId, String token) {
    Map<String, Object> event = EventFiles.load("introspection/introspect-iam.json");
    event.put("body", "token=" + token);
    @SuppressWarnings("unchecked")
    Map<String, Object> identity =
        (Map<String, Object>) ((Map<String, Object>) event.get("requestContext")).get("identity");
    identity.put("userArn", "arn:aws:sts::123456789012:assumed-role/" + clientId + "/s1");
    return EventFiles.invoke((in, out) -> handler.handleRequest(in, out, null), event);
  }

  @Test
  void answersInactiveForATokenOfAKeyRecordKmsDoesNotConfirm() throws Exception {
    var keys =
        new io.tokenbroker.adapters.dynamodb.DynamoDbKeyRepository(
            broker.aws.dynamoDb, broker.aws.tables.keys());
    SigningKey active =
        keys.findAll().stream().filter(k -> k.state() == KeyState.ACTIVE).findFirst().orElseThrow();
    // Someone with write access to the key table records a key of their own under the broker's
    // KMS key id, and signs a copy of a genuine token with it.
    var forgersKey =
        (com.nimbusds.jose.jwk.RSAKey)
            io.tokenbroker.testing.TestKeys.generate(com.nimbusds.jose.JWSAlgorithm.RS256);
    SigningKey forged =
        new SigningKey(
            forgersKey.getKeyID(),
            active.keyReference(),
            com.nimbusds.jose.JWSAlgorithm.RS256,
            forgersKey.toPublicJWK(),
            KeyState.PENDING,
            Instant.now(),
            null,
            null,
            null,
            1);
    keys.create(forged);
    var genuine = com.nimbusds.jwt.SignedJWT.parse(broker.issue(workload, "").accessToken());
    var copy =
        new com.nimbusds.jwt.SignedJWT(
            new com.nimbusds.jose.JWSHeader.Builder(genuine.getHeader())
                .keyID(forged.kid())
                .build(),
            genuine.getJWTClaimsSet());
    copy.sign(new com.nimbusds.jose.crypto.RSASSASigner(forgersKey));
    try {
      var fresh = wired(broker.env, new RecordingTelemetry());
      Map<String, Object> event = EventFiles.load("introspection/introspect-iam.json");
      event.put("body", "token=" + copy.serialize());

      assertThat(
              EventFiles.body(
                  EventFiles.invoke((in, out) -> fresh.handleRequest(in, out, null), event)))
          .isEqualTo(Map.of("active", false));
    } finally {
      keys.update(forged.moveTo(KeyState.WITHDRAWN, Instant.now()));
    }
  }

  @Test
  void refusesAClientThatMayNotIntrospect() {
    Map<String, Object> event = EventFiles.load("introspection/introspect-iam.json");
    event.put("body", "token=x&client_id=workload");
    @SuppressWarnings("unchecked")
    Map<String, Object> identity =
        (Map<String, Object>) ((Map<String, Object>) event.get("requestContext")).get("identity");
    identity.put("userArn", "arn:aws:sts::123456789012:assumed-role/workload/s1");

    Map<String, Object> response =
        EventFiles.invoke((in, out) -> handler.handleRequest(in, out, null), event);

    assertThat(response.get("statusCode")).isEqualTo(403L);
    assertThat(EventFiles.body(response)).containsEntry("error", "access_denied");
  }

  @Test
  void refusesAnUnauthenticatedOrMalformedRequest() {
    Map<String, Object> unauthenticated = EventFiles.load("introspection/introspect.json");
    unauthenticated.put("body", "token=abc");
    Map<String, Object> noToken = EventFiles.load("introspection/introspect-iam.json");
    noToken.put("body", "");

    assertThat(
            EventFiles.invoke((in, out) -> handler.handleRequest(in, out, null), unauthenticated)
                .get("statusCode"))
        .isEqualTo(401L);
    assertThat(
            EventFiles.invoke((in, out) -> handler.handleRequest(in, out, null), noToken)
                .get("statusCode"))
        .isEqualTo(400L);
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
