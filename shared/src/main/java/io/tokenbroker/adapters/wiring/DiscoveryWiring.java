package io.tokenbroker.adapters.wiring;

import io.tokenbroker.adapters.aws.ClientTimeouts;
import io.tokenbroker.adapters.dynamodb.BrokerTables;
import io.tokenbroker.adapters.lifecycle.PrimingEvents;
import io.tokenbroker.adapters.lifecycle.PrimingSwitch;
import io.tokenbroker.adapters.lifecycle.SnapStartHooks;
import io.tokenbroker.config.BrokerConfig;
import io.tokenbroker.config.Env;
import io.tokenbroker.discovery.BrokerEndpoints;
import io.tokenbroker.discovery.DiscoveryService;
import io.tokenbroker.discovery.ServerMetadata;
import io.tokenbroker.keys.ConfirmedKeys;
import io.tokenbroker.keys.PublishedKeys;
import io.tokenbroker.telemetry.Telemetry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The discovery function's real services over AWS, built once per container, and its SnapStart
 * hooks: it reads the key table and confirms each published key with KMS (kms:GetPublicKey).
 */
public final class DiscoveryWiring {

  /** The paths priming GETs. */
  public static final String JWKS = "/.well-known/jwks.json";

  public static final String METADATA = "/.well-known/oauth-authorization-server";

  private final BrokerAdapters adapters;
  private final Telemetry telemetry;
  private final PrimingSwitch primingSwitch = new PrimingSwitch();
  private final PublishedKeys keys;
  private final DiscoveryService service;

  /** For a process that holds the whole broker's settings (the local server). */
  public DiscoveryWiring(
      BrokerAdapters adapters,
      BrokerConfig config,
      BrokerTables tables,
      Clock clock,
      Telemetry telemetry) {
    this(
        adapters,
        tables.keys(),
        config.endpoints(),
        config.keyTableCache(),
        config.jwksMaxAge(),
        config.publishedScopes(),
        config.mtlsEndpoints(),
        clock,
        telemetry);
  }

  private DiscoveryWiring(
      BrokerAdapters adapters,
      String keysTable,
      BrokerEndpoints endpoints,
      Duration keyTableCache,
      Duration jwksMaxAge,
      List<String> publishedScopes,
      Optional<BrokerEndpoints> mtlsEndpoints,
      Clock clock,
      Telemetry telemetry) {
    this.adapters = adapters;
    this.telemetry = telemetry;
    this.keys = new PublishedKeys(adapters.keys(keysTable), clock, keyTableCache);
    this.service =
        new DiscoveryService(
            keys,
            new ConfirmedKeys(adapters.publishedKeyCheck(), clock, telemetry),
            ServerMetadata.forBroker(endpoints, publishedScopes).withMutualTls(mtlsEndpoints),
            jwksMaxAge);
  }

  /**
   * From the function's environment: the variables discovery uses and no others (ISSUER,
   * KEYS_TABLE, KEY_TABLE_CACHE_SECONDS, JWKS_MAX_AGE_SECONDS, PUBLISHED_SCOPES, MTLS_BASE_URL, AWS
   * settings), each read by its one parser in {@link BrokerConfig} and {@link BrokerTables}. A
   * setting it does not use (another table, a token lifetime) cannot stop it at init.
   */
  public static DiscoveryWiring fromEnvironment(Env env, Clock clock, Telemetry telemetry) {
    return new DiscoveryWiring(
        BrokerAdapters.from(env, ClientTimeouts.requestPath(), telemetry),
        BrokerTables.keysTable(env),
        new BrokerEndpoints(BrokerConfig.issuer(env)),
        BrokerConfig.keyTableCache(env),
        BrokerConfig.jwksMaxAge(env),
        BrokerConfig.publishedScopes(env),
        BrokerConfig.mtlsEndpoints(env),
        clock,
        telemetry);
  }

  public DiscoveryService discovery() {
    return service;
  }

  /** For the handler's own requests: silent while priming sends its synthetic requests. */
  public Telemetry handlerTelemetry() {
    return primingSwitch.quiet(telemetry);
  }

  /**
   * Registers the SnapStart hooks; the caller keeps the result. Priming GETs the JWKS (a key-table
   * read, a KMS check of each published key, and its serialization) and the metadata; reset forgets
   * the keys read (not their checks: a key's public half never changes) and drops cached
   * credentials.
   */
  public SnapStartHooks snapStartHooks(SnapStartHooks.StreamHandler handler) {
    return SnapStartHooks.builder("discovery", telemetry, primingSwitch)
        .priming(SnapStartHooks.request(handler, () -> PrimingEvents.get(JWKS)))
        .priming(SnapStartHooks.request(handler, () -> PrimingEvents.get(METADATA)))
        .reset(keys::clear)
        .reset(adapters::renewCredentials)
        .register();
  }
}
