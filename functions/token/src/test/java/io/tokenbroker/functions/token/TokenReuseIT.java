package io.tokenbroker.functions.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.SignedJWT;
import io.tokenbroker.adapters.dynamodb.DynamoDbClientRepository;
import io.tokenbroker.adapters.dynamodb.DynamoDbIssuanceRepository;
import io.tokenbroker.adapters.dynamodb.DynamoDbRevocationRepository;
import io.tokenbroker.adapters.wiring.TokenWiring;
import io.tokenbroker.devsupport.LocalAws;
import io.tokenbroker.devsupport.MotoExtension;
import io.tokenbroker.errors.ConfigException;
import io.tokenbroker.telemetry.Telemetry;
import io.tokenbroker.testing.AwsFixture;
import io.tokenbroker.testing.ClientAssertions;
import io.tokenbroker.testing.Clients;
import io.tokenbroker.testing.EventFiles;
import io.tokenbroker.testing.MutableClock;
import io.tokenbroker.testing.RecordingTelemetry;
import io.tokenbroker.testing.TestKeys;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Token reuse (TOKEN_REUSE_SECONDS) in the token function wired from its environment, on real API
 * Gateway events, against moto with KMS signing: AWS calls counted at the SDK ({@link AwsCallLog}).
 */
@ExtendWith(MotoExtension.class)
class TokenReuseIT {

  private static final String ISSUER =
      "https://abcdef1234.execute-api.us-east-1.amazonaws.com/prod";
  private static final ECKey WORKLOAD_KEY = TestKeys.ec();

  private static AwsFixture aws;
  private static DynamoDbIssuanceRepository issuances;
  private static DynamoDbRevocationRepository revocations;

  private final MutableClock clock = new MutableClock(Instant.now());
  private final RecordingTelemetry telemetry = new RecordingTelemetry();

  @BeforeAll
  static void setUp(LocalAws local) {
    aws = AwsFixture.provisioned(local);
    aws.bootstrapKey();
    var clients = new DynamoDbClientRepository(aws.dynamoDb, aws.tables.clients());
    clients.save(Clients.withRole("ci-deployer", "arn:aws:iam::123456789012:role/ci-deployer"), 0);
    clients.save(Clients.withKey("workload", WORKLOAD_KEY), 0);
    clients.save(Clients.withKey("contained", WORKLOAD_KEY), 0);
    var refreshing = Clients.withKeys(Clients.json("refreshing"), WORKLOAD_KEY);
    refreshing.put("refresh_tokens", Map.of("enabled", true));
    clients.save(Clients.parse(refreshing), 0);
    issuances = new DynamoDbIssuanceRepository(aws.dynamoDb, aws.tables.issuances());
    revocations = new DynamoDbRevocationRepository(aws.dynamoDb, aws.tables.revocations());
  }

  private TokenHandler handler(Map<String, String> settings, Telemetry telemetry) {
    TokenWiring wiring =
        TokenWiring.fromEnvironment(
            aws.env(Map.of("ISSUER", ISSUER)).with(settings), clock, telemetry);
    return new TokenHandler(
        wiring.clientAuthentication(),
        wiring.tokens(),
        wiring.refreshes(),
        wiring.exchanges(),
        wiring.dpop(),
        wiring.handlerTelemetry());
  }

  private TokenHandler reusing() {
    return handler(Map.of("TOKEN_REUSE_SECONDS", "60"), telemetry);
  }

  private static Map<String, Object> invoke(TokenHandler handler, Map<String, Object> event) {
    Map<String, Object> response =
        EventFiles.invoke((in, out) -> handler.handleRequest(in, out, null), event);
    assertThat(response.get("statusCode")).as("%s", response.get("body")).isEqualTo(200L);
    return EventFiles.body(response);
  }

  private static Map<String, Object> iam(String scope) {
    Map<String, Object> event = EventFiles.load("token/client-credentials-iam.json");
    event.put("body", "grant_type=client_credentials&scope=" + scope);
    return event;
  }

  private Map<String, Object> privateKeyJwt(String clientId) {
    String assertion =
        ClientAssertions.signed(WORKLOAD_KEY, clientId, ISSUER + "/token", clock.instant());
    Map<String, Object> event = EventFiles.load("token/client-credentials-private-key-jwt.json");
    event.put(
        "body", "grant_type=client_credentials&" + ClientAssertions.formParameters(assertion));
    return event;
  }

  private static String jti(Map<String, Object> body) {
    try {
      return SignedJWT.parse((String) body.get("access_token")).getJWTClaimsSet().getJWTID();
    } catch (java.text.ParseException e) {
      throw new AssertionError(e);
    }
  }

  /** The calls one request makes, and its answer. */
  private record Counted(Map<String, Object> body, List<String> calls) {}

  private static Counted counted(TokenHandler handler, Map<String, Object> event) {
    AwsCallLog.start();
    try {
      Map<String, Object> body = invoke(handler, event);
      return new Counted(body, AwsCallLog.stop());
    } catch (RuntimeException | Error e) {
      AwsCallLog.stop();
      throw e;
    }
  }

  @Test
  void anIdenticalIamRequestGetsTheSameTokenWithOneSignatureAndTwoRecordedDeliveries()
      throws Exception {
    TokenHandler handler = reusing();
    Counted first = counted(handler, iam("orders%3Aread"));
    clock.advance(Duration.ofSeconds(10));

    Counted second = counted(handler, iam("orders%3Aread"));

    assertThat(second.body().get("access_token")).isEqualTo(first.body().get("access_token"));
    assertThat(first.body()).containsEntry("expires_in", 300L);
    assertThat(second.body()).containsEntry("expires_in", 290L);
    assertThat(first.calls()).contains("Kms Sign", "DynamoDb PutItem issuances");
    assertThat(second.calls())
        .doesNotContain("Kms Sign", "DynamoDb PutItem issuances")
        .contains("DynamoDb BatchGetItem", "DynamoDb UpdateItem issuances");
    String jti = jti(first.body());
    assertThat(issuances.deliveries(jti)).isEqualTo(2);
    var item =
        aws.dynamoDb
            .getItem(
                r ->
                    r.tableName(aws.tables.issuances())
                        .key(Map.of("jti", AttributeValue.fromS(jti))))
            .item();
    assertThat(item.get("last_delivered_at").n())
        .isEqualTo(Long.toString(clock.instant().getEpochSecond()));
    assertThat(telemetry.named("token.issued"))
        .extracting(e -> e.fields().get("reused"))
        .containsExactly(false, true);
    assertThat(telemetry.everything()).doesNotContain((String) first.body().get("access_token"));
  }

  @Test
  void anIdenticalPrivateKeyJwtRequestGetsTheSameToken() {
    TokenHandler handler = reusing();
    Map<String, Object> first = invoke(handler, privateKeyJwt("workload"));

    Map<String, Object> second = invoke(handler, privateKeyJwt("workload"));

    assertThat(second.get("access_token")).isEqualTo(first.get("access_token"));
  }

  @Test
  void anotherScopeGetsAnotherToken() {
    TokenHandler handler = reusing();
    Map<String, Object> read = invoke(handler, iam("orders%3Aread"));

    Map<String, Object> write = invoke(handler, iam("orders%3Awrite"));

    assertThat(write.get("access_token")).isNotEqualTo(read.get("access_token"));
    assertThat(invoke(handler, iam("orders%3Aread")).get("access_token"))
        .isEqualTo(read.get("access_token"));
  }

  @Test
  void aRevokedTokenIsReplacedByANewOne() throws Exception {
    TokenHandler handler = reusing();
    Map<String, Object> first = invoke(handler, iam("orders%3Aread"));
    revocations.revokeToken(jti(first), clock.instant().plusSeconds(600), "test");

    Map<String, Object> next = invoke(handler, iam("orders%3Aread"));

    assertThat(next.get("access_token")).isNotEqualTo(first.get("access_token"));
    assertThat(issuances.deliveries(jti(first))).isEqualTo(1);
  }

  @Test
  void aContainedClientsTokenIsReplacedByANewOne() {
    TokenHandler handler = reusing();
    Map<String, Object> first = invoke(handler, privateKeyJwt("contained"));
    clock.advance(Duration.ofSeconds(2));
    revocations.revokeClientTokensBefore(
        "contained", clock.instant(), clock.instant().plusSeconds(600));

    Map<String, Object> next = invoke(handler, privateKeyJwt("contained"));

    assertThat(next.get("access_token")).isNotEqualTo(first.get("access_token"));
  }

  @Test
  void aNewTokenAfterTheWindow() {
    TokenHandler handler = reusing();
    Map<String, Object> first = invoke(handler, iam("orders%3Aread"));
    clock.advance(Duration.ofSeconds(61));

    Map<String, Object> later = invoke(handler, iam("orders%3Aread"));

    assertThat(later.get("access_token")).isNotEqualTo(first.get("access_token"));
    assertThat(later).containsEntry("expires_in", 300L);
  }

  @Test
  void aClientWithRefreshTokensIsNeverServedATokenAgain() {
    TokenHandler handler = reusing();
    Map<String, Object> first = invoke(handler, privateKeyJwt("refreshing"));

    Map<String, Object> second = invoke(handler, privateKeyJwt("refreshing"));

    assertThat(first).containsKey("refresh_token");
    assertThat(second.get("access_token")).isNotEqualTo(first.get("access_token"));
  }

  @Test
  void aFailedDeliveryWriteMeansANewToken() throws Exception {
    TokenHandler handler = reusing();
    Map<String, Object> first = invoke(handler, iam("orders%3Aread"));
    // The conditional UpdateItem fails: its record is gone (as if the write could not be made).
    aws.dynamoDb.deleteItem(
        r ->
            r.tableName(aws.tables.issuances())
                .key(Map.of("jti", AttributeValue.fromS(jti(first)))));

    Map<String, Object> next = invoke(handler, iam("orders%3Aread"));

    assertThat(next.get("access_token")).isNotEqualTo(first.get("access_token"));
    assertThat(issuances.find(jti(first))).isEmpty();
    assertThat(issuances.deliveries(jti(next))).isEqualTo(1);
  }

  @Test
  void aFailedRevocationReadMeansANewToken() {
    // A revocations table that does not exist (named like the stack's, for IamContractIT): every
    // BatchGetItem fails.
    TokenHandler handler =
        handler(
            Map.of(
                "TOKEN_REUSE_SECONDS",
                "60",
                "REVOCATIONS_TABLE",
                "gone-" + aws.tables.revocations()),
            telemetry);
    Map<String, Object> first = invoke(handler, iam("orders%3Aread"));

    Map<String, Object> next = invoke(handler, iam("orders%3Aread"));

    assertThat(next.get("access_token")).isNotEqualTo(first.get("access_token"));
    assertThat(telemetry.named("token.reuse_skipped")).hasSize(1);
  }

  @Test
  void offByDefault() {
    TokenHandler handler = handler(Map.of(), telemetry);
    Map<String, Object> first = invoke(handler, iam("orders%3Aread"));

    Map<String, Object> second = invoke(handler, iam("orders%3Aread"));

    assertThat(second.get("access_token")).isNotEqualTo(first.get("access_token"));
  }

  @Test
  void refusesToStartWithAWindowOverAQuarterOfTheMaximumLifetime() {
    assertThatThrownBy(
            () ->
                handler(
                    Map.of(
                        "TOKEN_REUSE_SECONDS", "100", "ACCESS_TOKEN_MAX_LIFETIME_SECONDS", "300"),
                    telemetry))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("TOKEN_REUSE_SECONDS");
  }
}
