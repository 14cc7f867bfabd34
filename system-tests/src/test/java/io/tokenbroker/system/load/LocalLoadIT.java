package io.tokenbroker.system.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import io.tokenbroker.adapters.aws.AwsClients;
import io.tokenbroker.adapters.aws.AwsSettings;
import io.tokenbroker.adapters.aws.ClientTimeouts;
import io.tokenbroker.adapters.dynamodb.DynamoDbClientRepository;
import io.tokenbroker.clients.ClientAdmin;
import io.tokenbroker.clients.ClientJson;
import io.tokenbroker.config.Env;
import io.tokenbroker.local.DemoWorkload;
import io.tokenbroker.local.LocalBroker;
import io.tokenbroker.local.LocalBrokerOptions;
import io.tokenbroker.system.load.LoadWorkload.Owner;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Bounded load on the local server over real loopback HTTP: eight workers mint (private_key_jwt on
 * /token, SigV4 on /token/iam), rotate refresh chains, revoke access and refresh tokens and call
 * the demo API behind the authorizer, until a fixed number of operations or a wall-clock cap
 * ({@link LoadWorkload}). Then, reading DynamoDB directly and asking the endpoints ({@link
 * LoadInvariants}): every returned access token has exactly one issuance record with its SHA-256
 * and no record lacks its token; every revocation holds at the authorizer and at /introspect, every
 * other token still works; every spent refresh token is refused on reuse (checked last: reuse
 * revokes the family). Figures go to stdout as {@code LOAD |} lines.
 *
 * <p>Allowed besides success: 503 temporarily_unavailable from /token (then no token in the body,
 * and no more records than tokens plus 503s), and API Gateway's 500 for an authorizer that failed
 * closed on a slow table read (as many as the authorizer logged). moto serves one request at a
 * time, so latency here is mostly queueing for it. {@code -Dload.operations=N -Dload.seconds=S}
 * change the bounds.
 */
class LocalLoadIT {

  /** The build's stdout, before the handlers' log lines are captured: figures go here. */
  private static final PrintStream STDOUT = System.out;

  private static final LoadLog LOG = new LoadLog(STDOUT);
  private static final LoadTelemetry TELEMETRY = new LoadTelemetry();
  private static LocalBroker broker;
  private static DynamoDbClient dynamoDb;
  private static ECKey clientKey;

  @BeforeAll
  static void start() throws Exception {
    // The handlers log a JSON line per request (as in Lambda: BROKER_LOG_FORMAT=json); counted here
    // instead of flooding the build log.
    System.setOut(new PrintStream(TELEMETRY, true, StandardCharsets.UTF_8));
    broker =
        LocalBroker.start(
            LocalBrokerOptions.onPort(0).withLogFormat(LocalBrokerOptions.LogFormat.JSON));
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
    clientKey = new ECKeyGenerator(Curve.P_256).keyIDFromThumbprint(true).generate();
    var clients =
        new ClientAdmin(new DynamoDbClientRepository(dynamoDb, broker.tables().clients()));
    for (Owner owner : List.of(Owner.PLAIN, Owner.CHAIN)) {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("client_id", owner.clientId);
      json.put("jwks", Map.of("keys", List.of(clientKey.toPublicJWK().toJSONObject())));
      json.put("scopes", List.of("demo:read", "demo:write"));
      json.put("default_scopes", List.of("demo:read"));
      json.put("audiences", List.of(DemoWorkload.audience(broker.issuer())));
      json.put("refresh_tokens", Map.of("enabled", owner == Owner.CHAIN));
      clients.put(ClientJson.fromJson(json, 0));
    }
  }

  @AfterAll
  static void stop() {
    if (broker != null) {
      broker.close();
    }
    System.setOut(STDOUT);
  }

  @Test
  @Timeout(value = 150, unit = TimeUnit.SECONDS) // a deadlock fails here, not in CI's timeout
  void holdsEveryIssuanceAndRevocationInvariantUnderConcurrentLoad() throws Exception {
    LoadClient client = new LoadClient(broker.issuer(), clientKey);
    LoadWorkload workload = new LoadWorkload(client, LOG);
    LoadInvariants invariants =
        new LoadInvariants(workload, client, dynamoDb, broker.tables(), TELEMETRY, LOG);

    LoadWorkload.Run run = workload.run();
    Map<String, Long> events = TELEMETRY.counts();
    workload.report(run, events, TELEMETRY.warnings());
    LOG.say("log bytes per line, by event: %s", new TreeMap<>(TELEMETRY.bytesPerLine()));

    assertThat(workload.failures).as("failures during the run").isEmpty();
    invariants.checkTables();
    invariants.checkUsesDuringTheRun();
    invariants.checkEvents(events);

    invariants.waitForRevocationBound();
    invariants.checkRevokedAndLiveTokens();
    invariants.checkReuseOfSpentRefreshTokens();
    LOG.say(
        "total %.1f s (run %.1f s, checks %.1f s)",
        LoadLog.seconds(Duration.between(run.began(), Instant.now())),
        LoadLog.seconds(run.elapsed()),
        LoadLog.seconds(Duration.between(run.began().plus(run.elapsed()), Instant.now())));
  }
}
