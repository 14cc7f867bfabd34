package io.tokenbroker.functions.discovery;

import io.tokenbroker.adapters.aws.AwsClients;
import io.tokenbroker.adapters.aws.AwsSettings;
import io.tokenbroker.adapters.aws.ClientTimeouts;
import io.tokenbroker.adapters.dynamodb.DynamoDbKeyRepository;
import io.tokenbroker.adapters.kms.KmsPublishedKeyCheck;
import io.tokenbroker.adapters.lifecycle.PrimingEvents;
import io.tokenbroker.adapters.lifecycle.PrimingSwitch;
import io.tokenbroker.adapters.lifecycle.SnapStartHooks;
import io.tokenbroker.config.Env;
import io.tokenbroker.discovery.DiscoveryService;
import io.tokenbroker.discovery.ServerMetadata;
import io.tokenbroker.keys.ConfirmedKeys;
import io.tokenbroker.keys.PublishedKeys;
import io.tokenbroker.telemetry.Telemetry;
import java.time.Clock;

/** The discovery function's real adapters, built once per container, and its SnapStart hooks. */
final class DiscoveryWiring {

  private final AwsSettings aws;
  private final PublishedKeys keys;
  private final DiscoveryService service;
  private final PrimingSwitch primingSwitch = new PrimingSwitch();

  DiscoveryWiring(DiscoveryConfig config, Env env, Clock clock, Telemetry telemetry) {
    aws = AwsSettings.from(env, ClientTimeouts.requestPath());
    keys =
        new PublishedKeys(
            new DynamoDbKeyRepository(
                AwsClients.enhanced(AwsClients.dynamoDb(aws)), config.keysTable()),
            clock,
            config.keyTableCache());
    service =
        new DiscoveryService(
            keys,
            new ConfirmedKeys(new KmsPublishedKeyCheck(AwsClients.kms(aws)), clock, telemetry),
            ServerMetadata.forBroker(config.endpoints()),
            config.jwksMaxAge());
  }

  DiscoveryService service() {
    return service;
  }

  /** For the handler's own telemetry: silent while priming sends its synthetic requests. */
  Telemetry quietWhilePriming(Telemetry telemetry) {
    return primingSwitch.quiet(telemetry);
  }

  /**
   * Priming GETs the JWKS (a key-table read, a KMS check of each published key, and its
   * serialization) and the metadata; reset forgets the keys read (not their checks: a key's public
   * half never changes) and drops cached credentials.
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
