package io.tokenbroker.adapters.wiring;

import io.tokenbroker.adapters.aws.ClientTimeouts;
import io.tokenbroker.adapters.dynamodb.BrokerTables;
import io.tokenbroker.adapters.dynamodb.DynamoDbRevocationRepository;
import io.tokenbroker.adapters.http.ClientAuthentication;
import io.tokenbroker.adapters.lifecycle.PrimingSwitch;
import io.tokenbroker.adapters.lifecycle.SnapStartHooks;
import io.tokenbroker.config.BrokerConfig;
import io.tokenbroker.config.Env;
import io.tokenbroker.oauth.IntrospectionService;
import io.tokenbroker.telemetry.Telemetry;
import java.time.Clock;

/**
 * The introspection function's real services over AWS, built once per container, and its SnapStart
 * hooks.
 */
public final class IntrospectionWiring {

  private final BrokerAdapters adapters;
  private final BrokerConfig config;
  private final Telemetry telemetry;
  private final PrimingSwitch primingSwitch = new PrimingSwitch();
  private final OwnTokenVerification ourTokens;
  private final ClientAuthentication clientAuthentication;
  private final IntrospectionService introspection;

  public IntrospectionWiring(
      BrokerAdapters adapters,
      BrokerConfig config,
      BrokerTables tables,
      Clock clock,
      Telemetry telemetry) {
    this.adapters = adapters;
    this.config = config;
    this.telemetry = telemetry;
    DynamoDbRevocationRepository revocationTable = adapters.revocations(tables.revocations());
    this.ourTokens =
        new OwnTokenVerification(adapters, config, tables, revocationTable, clock, telemetry);
    this.clientAuthentication =
        ClientEndpointParts.clientAuthentication(adapters, config, tables, clock);
    this.introspection =
        new IntrospectionService(
            ourTokens.verifier(),
            adapters.refreshTokens(tables),
            revocationTable,
            config.endpoints().issuerId(),
            clock);
  }

  /** From the function's environment: {@link BrokerConfig}, {@link BrokerTables}, AWS settings. */
  public static IntrospectionWiring fromEnvironment(Env env, Clock clock, Telemetry telemetry) {
    return new IntrospectionWiring(
        BrokerAdapters.from(env, ClientTimeouts.requestPath(), telemetry),
        BrokerConfig.from(env),
        BrokerTables.from(env),
        clock,
        telemetry);
  }

  public ClientAuthentication clientAuthentication() {
    return clientAuthentication;
  }

  public IntrospectionService introspection() {
    return introspection;
  }

  /** For the handler's own requests: silent while priming sends its synthetic request. */
  public Telemetry handlerTelemetry() {
    return primingSwitch.quiet(telemetry);
  }

  /**
   * Registers the SnapStart hooks; the caller keeps the result. Priming reads the published keys,
   * refuses a token with a forged signature, reads one revocation state, then POSTs an
   * introspection request of a client that does not exist through {@code handler}. Reset forgets
   * every read (keys, revocation states) and drops cached credentials.
   */
  public SnapStartHooks snapStartHooks(SnapStartHooks.StreamHandler handler) {
    return SnapStartHooks.builder("introspection", telemetry, primingSwitch)
        .priming(ourTokens::prime)
        .priming(
            ClientEndpointParts.unknownClientPost(config, handler, "/introspect", "&token=priming"))
        .reset(ourTokens::forget)
        .reset(adapters::renewCredentials)
        .register();
  }
}
