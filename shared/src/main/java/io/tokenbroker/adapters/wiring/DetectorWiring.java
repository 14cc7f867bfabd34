package io.tokenbroker.adapters.wiring;

import io.tokenbroker.adapters.aws.ClientTimeouts;
import io.tokenbroker.adapters.dynamodb.BrokerTables;
import io.tokenbroker.adapters.dynamodb.DynamoDbBaselines;
import io.tokenbroker.adapters.dynamodb.DynamoDbContainmentLedger;
import io.tokenbroker.alerts.SecurityAlerts;
import io.tokenbroker.clients.ClientRepository;
import io.tokenbroker.config.DetectorConfig;
import io.tokenbroker.config.Env;
import io.tokenbroker.detection.AnomalyDetector;
import io.tokenbroker.detection.AnomalyResponder;
import io.tokenbroker.detection.ContainmentRelease;
import io.tokenbroker.detection.Detection;
import io.tokenbroker.operator.OperatorAudit;
import io.tokenbroker.revocation.RevocationRepository;
import io.tokenbroker.tokens.Issuance;
import io.tokenbroker.tokens.IssuanceRepository;
import java.time.Clock;
import java.util.function.Function;

/**
 * The anomaly detector over AWS: baselines and containments in the detector table, issuances (for a
 * used token's network), clients (response policy), revocations (containment) and the audit table;
 * alerts to the sink the caller gives (SNS and EventBridge in the function, the log on the local
 * server).
 */
public final class DetectorWiring {

  private final Detection detection;
  private final ContainmentRelease release;

  public DetectorWiring(
      BrokerAdapters adapters,
      BrokerTables tables,
      DetectorConfig config,
      SecurityAlerts alerts,
      Clock clock) {
    ClientRepository clients = adapters.clients(tables.clients());
    RevocationRepository revocations = adapters.revocations(tables.revocations());
    IssuanceRepository issuances = adapters.issuances(tables.issuances());
    OperatorAudit audit = adapters.operatorAudit(tables.audit(), clock);
    DynamoDbContainmentLedger ledger =
        new DynamoDbContainmentLedger(adapters.dynamoDb(), tables.detector());
    this.detection =
        new Detection(
            new AnomalyDetector(
                config.rules(),
                new DynamoDbBaselines(adapters.dynamoDb(), tables.detector()),
                jti -> issuances.find(jti).map(Issuance::sourceIp)),
            new AnomalyResponder(
                clients, revocations, ledger, alerts, audit, config.containment(), clock),
            alerts);
    this.release = new ContainmentRelease(clients, revocations, ledger, audit, clock);
  }

  /**
   * From the tables' variables (DETECTOR_TABLE among them), {@link DetectorConfig}'s settings and
   * the AWS settings, with the timeouts of background work; {@code alerts} built from the config.
   */
  public static DetectorWiring fromEnvironment(
      Env env, Clock clock, Function<DetectorConfig, SecurityAlerts> alerts) {
    DetectorConfig config = DetectorConfig.from(env);
    BrokerTables.detectorTable(env);
    return new DetectorWiring(
        BrokerAdapters.from(env, ClientTimeouts.background()),
        BrokerTables.from(env),
        config,
        alerts.apply(config),
        clock);
  }

  public Detection detection() {
    return detection;
  }

  public ContainmentRelease release() {
    return release;
  }
}
