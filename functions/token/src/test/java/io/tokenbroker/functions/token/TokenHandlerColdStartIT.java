package io.tokenbroker.functions.token;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.ECKey;
import io.tokenbroker.adapters.dynamodb.DynamoDbClientRepository;
import io.tokenbroker.adapters.wiring.TokenWiring;
import io.tokenbroker.devsupport.LocalAws;
import io.tokenbroker.devsupport.MotoExtension;
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
 * What the token function does at init for its cold start (issue 13), wired from its environment
 * against moto: the key-table read made ahead is the one the first token uses.
 */
@ExtendWith(MotoExtension.class)
class TokenHandlerColdStartIT {

  private static final String ISSUER =
      "https://abcdef1234.execute-api.us-east-1.amazonaws.com/prod";
  private static final ECKey WORKLOAD_KEY = TestKeys.ec();

  private static AwsFixture aws;

  @BeforeAll
  static void setUp(LocalAws local) {
    aws = AwsFixture.provisioned(local);
    aws.bootstrapKey();
    new DynamoDbClientRepository(aws.dynamoDb, aws.tables.clients())
        .save(Clients.withKey("workload", WORKLOAD_KEY), 0);
  }

  @Test
  void theKeyTableReadMadeAtInitIsTheOneTheFirstTokenUses() throws Exception {
    TokenWiring wiring =
        TokenWiring.fromEnvironment(
            aws.env(Map.of("ISSUER", ISSUER)), Clock.systemUTC(), new RecordingTelemetry());
    TokenHandler handler =
        new TokenHandler(
            wiring.clientAuthentication(),
            wiring.tokens(),
            wiring.refreshes(),
            wiring.exchanges(),
            wiring.dpop(),
            wiring.handlerTelemetry());

    TokenHandler.readKeysAhead(wiring.tokens(), wiring.handlerTelemetry());
    AwsCallLog.start();
    String assertion =
        ClientAssertions.signed(WORKLOAD_KEY, "workload", ISSUER + "/token", Instant.now());
    Map<String, Object> event = EventFiles.load("token/client-credentials-private-key-jwt.json");
    event.put(
        "body", "grant_type=client_credentials&" + ClientAssertions.formParameters(assertion));
    Object status =
        EventFiles.invoke((in, out) -> handler.handleRequest(in, out, null), event)
            .get("statusCode");
    List<String> calls = AwsCallLog.stop();

    assertThat(status).isEqualTo(200L);
    assertThat(calls).contains("Kms Sign").doesNotContain("DynamoDb Scan keys");
  }
}
