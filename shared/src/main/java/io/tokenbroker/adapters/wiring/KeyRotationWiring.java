package io.tokenbroker.adapters.wiring;

import io.tokenbroker.adapters.aws.ClientTimeouts;
import io.tokenbroker.adapters.dynamodb.BrokerTables;
import io.tokenbroker.config.Env;
import io.tokenbroker.config.RotationConfig;
import io.tokenbroker.keys.KeyRotationService;
import io.tokenbroker.telemetry.Telemetry;
import java.time.Clock;

/**
 * The key lifecycle over AWS, for the rotation function and operator tools (brokerctl, the local
 * server): the key table, KMS keys tagged with the broker's name, and the revocations table (a
 * withdrawn key's tokens are revoked).
 */
public final class KeyRotationWiring {

  private final KeyRotationService rotation;

  public KeyRotationWiring(
      BrokerAdapters adapters,
      String keysTable,
      String revocationsTable,
      RotationConfig config,
      Clock clock,
      Telemetry telemetry) {
    this.rotation =
        new KeyRotationService(
            adapters.keys(keysTable),
            adapters.keyCreations(keysTable),
            adapters.keyManager(config.brokerName()),
            adapters.rotationLock(keysTable),
            adapters.revocations(revocationsTable),
            config.policy(),
            clock,
            telemetry);
  }

  /**
   * From KEYS_TABLE, REVOCATIONS_TABLE, {@link RotationConfig}'s settings and the AWS settings,
   * with the timeouts of background work.
   */
  public static KeyRotationWiring fromEnvironment(Env env, Clock clock, Telemetry telemetry) {
    return new KeyRotationWiring(
        BrokerAdapters.from(env, ClientTimeouts.background(), telemetry),
        BrokerTables.keysTable(env),
        BrokerTables.revocationsTable(env),
        RotationConfig.from(env),
        clock,
        telemetry);
  }

  public KeyRotationService rotation() {
    return rotation;
  }
}
