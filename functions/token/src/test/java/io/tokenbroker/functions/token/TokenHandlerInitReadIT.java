package io.tokenbroker.functions.token;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenbroker.adapters.wiring.TokenWiring;
import io.tokenbroker.devsupport.LocalAws;
import io.tokenbroker.devsupport.MotoExtension;
import io.tokenbroker.testing.AwsFixture;
import io.tokenbroker.testing.RecordingTelemetry;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The key-table read at init is best effort but never silent: a failure is one warning line without
 * detail (as the authorizer's {@code authorizer.keys_not_read_at_init}), and init goes on.
 */
@ExtendWith(MotoExtension.class)
class TokenHandlerInitReadIT {

  private static final String ISSUER =
      "https://abcdef1234.execute-api.us-east-1.amazonaws.com/prod";

  private static AwsFixture aws;

  @BeforeAll
  static void setUp(LocalAws local) {
    aws = AwsFixture.provisioned(local);
    aws.bootstrapKey();
  }

  @Test
  void aFailedReadAtInitIsOneWarningWithoutDetail() {
    // A key table that does not exist, named like the stack's (IamContractIT maps every call).
    RecordingTelemetry telemetry = new RecordingTelemetry();
    TokenWiring wiring =
        TokenWiring.fromEnvironment(
            aws.env(Map.of("ISSUER", ISSUER, "KEYS_TABLE", "gone-" + aws.tables.keys())),
            Clock.systemUTC(),
            telemetry);

    TokenHandler.readKeysAhead(wiring.tokens(), telemetry);

    assertThat(telemetry.named("token.keys_not_read_at_init")).hasSize(1);
    assertThat(telemetry.named("token.keys_not_read_at_init").getFirst().fields()).isEmpty();
    assertThat(telemetry.everything()).doesNotContain("gone-" + aws.tables.keys());
  }

  @Test
  void aSuccessfulReadAtInitSaysNothing() {
    RecordingTelemetry telemetry = new RecordingTelemetry();
    TokenWiring wiring =
        TokenWiring.fromEnvironment(
            aws.env(Map.of("ISSUER", ISSUER)), Clock.systemUTC(), telemetry);

    TokenHandler.readKeysAhead(wiring.tokens(), telemetry);

    assertThat(telemetry.named("token.keys_not_read_at_init")).isEmpty();
  }
}
