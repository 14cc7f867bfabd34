package io.tokenbroker.functions.token;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.ECKey;
import io.tokenbroker.adapters.dynamodb.DynamoDbClientRepository;
import io.tokenbroker.adapters.lifecycle.SnapStartHooks;
import io.tokenbroker.adapters.wiring.TokenWiring;
import io.tokenbroker.devsupport.LocalAws;
import io.tokenbroker.devsupport.MotoExtension;
import io.tokenbroker.telemetry.TelemetryEvent;
import io.tokenbroker.testing.AwsFixture;
import io.tokenbroker.testing.ClientAssertions;
import io.tokenbroker.testing.Clients;
import io.tokenbroker.testing.EventFiles;
import io.tokenbroker.testing.RecordingTelemetry;
import io.tokenbroker.testing.TestKeys;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The token function's SnapStart hooks, wired from its environment, against moto, with every AWS
 * call the production clients make recorded ({@link AwsCallLog}).
 */
@ExtendWith(MotoExtension.class)
class TokenHandlerSnapStartIT {

  private static final String ISSUER =
      "https://abcdef1234.execute-api.us-east-1.amazonaws.com/prod";
  private static final ECKey WORKLOAD_KEY = TestKeys.ec();
  private static final List<String> READS =
      List.of("DynamoDb Scan", "DynamoDb GetItem", "DynamoDb BatchGetItem", "DynamoDb Query");

  private static AwsFixture aws;

  @BeforeAll
  static void setUp(LocalAws local) {
    aws = AwsFixture.provisioned(local);
    aws.bootstrapKey();
    new DynamoDbClientRepository(aws.dynamoDb, aws.tables.clients())
        .save(Clients.withKey("workload", WORKLOAD_KEY), 0);
  }

  /** The SnapStart hooks each wiring registered for its handler, as Lambda's handler keeps them. */
  private static final java.util.Map<Object, SnapStartHooks> HOOKS =
      new java.util.concurrent.ConcurrentHashMap<>();

  private static SnapStartHooks hooks(Object handler) {
    return HOOKS.get(handler);
  }

  private static TokenHandler handler(RecordingTelemetry telemetry) {
    // A long key-table cache: only the hooks can explain a re-read.
    TokenWiring wiring =
        TokenWiring.fromEnvironment(
            aws.env(Map.of("ISSUER", ISSUER, "KEY_TABLE_CACHE_SECONDS", "600")),
            Clock.systemUTC(),
            telemetry);
    TokenHandler handler =
        new TokenHandler(
            wiring.clientAuthentication(),
            wiring.tokens(),
            wiring.refreshes(),
            wiring.exchanges(),
            wiring.dpop(),
            wiring.handlerTelemetry());
    HOOKS.put(handler, wiring.snapStartHooks((in, out) -> handler.handleRequest(in, out, null)));
    return handler;
  }

  private static long issue(TokenHandler handler) {
    String assertion =
        ClientAssertions.signed(WORKLOAD_KEY, "workload", ISSUER + "/token", Instant.now());
    Map<String, Object> event = EventFiles.load("token/client-credentials-private-key-jwt.json");
    event.put(
        "body", "grant_type=client_credentials&" + ClientAssertions.formParameters(assertion));
    return (Long)
        EventFiles.invoke((in, out) -> handler.handleRequest(in, out, null), event)
            .get("statusCode");
  }

  @Test
  void primingReadsAndIsRefusedButWritesNothingSignsNothingAndLogsNoRequest() throws Exception {
    RecordingTelemetry telemetry = new RecordingTelemetry();
    SnapStartHooks hooks = hooks(handler(telemetry));
    Map<String, Integer> before = aws.itemCounts();

    AwsCallLog.start();
    hooks.beforeCheckpoint(null);
    List<String> calls = AwsCallLog.stop();

    // the key table, and the made-up client looked up and not found
    assertThat(calls).contains("DynamoDb Scan keys", "DynamoDb GetItem clients");
    assertThat(calls).allMatch(call -> READS.stream().anyMatch(call::startsWith), "reads only");
    assertThat(calls).noneMatch(call -> call.toLowerCase().contains("kms"));
    assertThat(aws.itemCounts()).isEqualTo(before);
    assertThat(telemetry.events())
        .extracting(TelemetryEvent::name)
        .containsExactly("snapstart.primed");
  }

  @Test
  void theFirstRequestAfterARestoreReadsTheKeyTableAgain() throws Exception {
    TokenHandler handler = handler(new RecordingTelemetry());
    hooks(handler).beforeCheckpoint(null);
    assertThat(issue(handler)).isEqualTo(200L);
    AwsCallLog.start();
    assertThat(issue(handler)).isEqualTo(200L);
    assertThat(AwsCallLog.stop()).as("cached for ten minutes").doesNotContain("DynamoDb Scan keys");

    hooks(handler).afterRestore(null);
    AwsCallLog.start();
    assertThat(issue(handler)).isEqualTo(200L);

    assertThat(AwsCallLog.stop()).contains("DynamoDb Scan keys", "Kms Sign");
  }
}
