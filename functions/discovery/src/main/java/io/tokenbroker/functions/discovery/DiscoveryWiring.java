package io.tokenbroker.functions.discovery;

import io.tokenbroker.adapters.aws.AwsClients;
import io.tokenbroker.adapters.aws.AwsSettings;
import io.tokenbroker.adapters.aws.ClientTimeouts;
import io.tokenbroker.adapters.dynamodb.DynamoDbKeyRepository;
import io.tokenbroker.adapters.lifecycle.PrimingEvents;
import io.tokenbroker.adapters.lifecycle.PrimingSwitch;
import io.tokenbroker.adapters.lifecycle.SnapStartHooks;
import io.tokenbroker.config.Env;
import io.tokenbroker.discovery.DiscoveryService;
import io.tokenbroker.discovery.ServerMetadata;
import io.tokenbroker.keys.PublishedKeys;
import io.tokenbroker.telemetry.Telemetry;
import java.time.Clock;

/** The discovery function's real adapters, built once per container, and its SnapStart hooks. */
final class DiscoveryWiring {

  private final AwsSettings aws;
  private final PublishedKeys keys;
  private final DiscoveryService service;
  private final PrimingSwitch primingSwitch = new PrimingSwitch();

  DiscoveryWiring(DiscoveryConfig config, Env env, Clock clock) {
    aws = AwsSettings.from(env, ClientTimeouts.requestPath());
    keys =
        new PublishedKeys(
            new DynamoDbKeyRepository(
                AwsClients.enhanced(AwsClients.dynamoDb(aws)), config.keysTable()),
            clock,
            config.keyTableCache());
    service =
        new DiscoveryService(
            keys, ServerMetadata.forBroker(config.endpoints()), config.jwksMaxAge());
  }

  DiscoveryService service() {
    return service;
  }

  /** For the handler's own telemetry: silent while priming sends its synthetic requests. */
  Telemetry quietWhilePriming(Telemetry telemetry) {
    return primingSwitch.quiet(telemetry);
  }

  /**
   * Priming GETs the JWKS (a key-table read and its serialization) and the metadata; reset forgets
   * the keys read and drops cached credentials.
   */
  SnapStartHooks snapStartHooks(Telemetry telemetry, SnapStartHooks.StreamHandler handler) {
    return SnapStartHooks.builder("discovery", telemetry, primingSwitch)
        .priming(SnapStartHooks.request(handler, () -> PrimingEvents.get(DiscoveryHandler.JWKS)))
        .priming(
            SnapStartHooks.request(handler, () -> PrimingEvents.get(DiscoveryHandler.METADATA)))
        .reset(keys::clear)
        .reset(aws::renewCredentials)
        .register();
  }
}
