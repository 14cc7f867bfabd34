package io.tokenbroker.functions.introspection;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenbroker.clients.Client;
import io.tokenbroker.devsupport.LocalAws;
import io.tokenbroker.devsupport.MotoExtension;
import io.tokenbroker.keys.KeyState;
import io.tokenbroker.keys.SigningKey;
import io.tokenbroker.testing.Clients;
import io.tokenbroker.testing.EventFiles;
import io.tokenbroker.testing.MotoBroker;
import io.tokenbroker.testing.RecordingTelemetry;
import io.tokenbroker.tokens.IssuedToken;
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
    handler = new IntrospectionHandler(broker.env, new RecordingTelemetry());
  }

  private static Map<String, Object> introspect(String token) {
    Map<String, Object> event = EventFiles.load("introspection/introspect-iam.json");
    event.put("body", "token=" + token);
    return EventFiles.invoke((in, out) -> handler.handleRequest(in, out, null), event);
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

  @Test
  void answersOnlyInactiveForARevokedOrBogusToken() {
    IssuedToken token = broker.issue(workload, "");
    new io.tokenbroker.adapters.dynamodb.DynamoDbRevocationRepository(
            broker.aws.dynamoDb, broker.aws.tables.revocations())
        .revokeToken(token.record().jti(), Instant.now().plusSeconds(900), "test");

    assertThat(EventFiles.body(introspect(token.accessToken()))).isEqualTo(Map.of("active", false));
    assertThat(EventFiles.body(introspect("bogus"))).isEqualTo(Map.of("active", false));
  }

  @Test
  void answersInactiveForATokenOfAKeyRecordKmsDoesNotConfirm() throws Exception {
    var keys =
        new io.tokenbroker.adapters.dynamodb.DynamoDbKeyRepository(
            broker.aws.enhanced, broker.aws.tables.keys());
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
      var fresh = new IntrospectionHandler(broker.env, new RecordingTelemetry());
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
    var primed = new IntrospectionHandler(broker.env, telemetry);
    var before = broker.aws.itemCounts();

    primed.snapStartHooks().beforeCheckpoint(null);
    primed.snapStartHooks().afterRestore(null);

    assertThat(broker.aws.itemCounts()).isEqualTo(before);
    assertThat(telemetry.events())
        .extracting(io.tokenbroker.telemetry.TelemetryEvent::name)
        .containsExactly("snapstart.primed", "snapstart.restored");
  }
}
