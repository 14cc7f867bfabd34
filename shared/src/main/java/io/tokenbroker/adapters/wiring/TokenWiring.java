package io.tokenbroker.adapters.wiring;

import io.tokenbroker.adapters.aws.ClientTimeouts;
import io.tokenbroker.adapters.dynamodb.BrokerTables;
import io.tokenbroker.adapters.dynamodb.DynamoDbRefreshTokenStore;
import io.tokenbroker.adapters.federation.RemoteIssuerKeys;
import io.tokenbroker.adapters.http.ClientAuthentication;
import io.tokenbroker.adapters.lifecycle.PrimingSwitch;
import io.tokenbroker.adapters.lifecycle.RenewableRandom;
import io.tokenbroker.adapters.lifecycle.SnapStartHooks;
import io.tokenbroker.config.BrokerConfig;
import io.tokenbroker.config.DpopConfig;
import io.tokenbroker.config.Env;
import io.tokenbroker.config.FederationConfig;
import io.tokenbroker.federation.IssuerKeys;
import io.tokenbroker.federation.OutsideTokenVerifier;
import io.tokenbroker.federation.TrustPolicyAuthentication;
import io.tokenbroker.keys.PublishedKeys;
import io.tokenbroker.oauth.DpopTokenBinding;
import io.tokenbroker.oauth.HoneytokenMinter;
import io.tokenbroker.oauth.OwnTokenExchange;
import io.tokenbroker.oauth.RefreshService;
import io.tokenbroker.oauth.TokenExchangeService;
import io.tokenbroker.oauth.TokenReuse;
import io.tokenbroker.oauth.TokenService;
import io.tokenbroker.operator.AuditEntry;
import io.tokenbroker.operator.AuditTrail;
import io.tokenbroker.telemetry.Telemetry;
import io.tokenbroker.tokens.AccessTokenMinter;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * The token function's real services over AWS, built once per container, and its SnapStart hooks.
 * It signs with KMS (kms:Sign) and reads the key table for the ACTIVE key.
 */
public final class TokenWiring {

  /**
   * How long the token function signs with a key after the key table stopped showing it ACTIVE (a
   * compromise), at most: it re-confirms the key by one key-row read when its last read is older
   * than this. A bound on tokens every verifier refuses, for at most one read a second.
   */
  static final Duration SIGNING_KEY_CHECK = Duration.ofSeconds(1);

  private final BrokerAdapters adapters;
  private final BrokerConfig config;
  private final Telemetry telemetry;
  private final RenewableRandom random;
  private final PrimingSwitch primingSwitch = new PrimingSwitch();
  private final PublishedKeys publishedKeys;
  private final ClientAuthentication clientAuthentication;
  private final TokenService tokens;
  private final RefreshService refreshes;
  private final TokenExchangeService exchanges;
  private final OwnTokenVerification ownTokens;
  private final DpopTokenBinding dpop;
  private final HoneytokenMinter honeytokens;
  private final AuditTrail operatorAudit;

  /**
   * @param random the generator for jtis, session ids and refresh tokens; renewed after a restore
   */
  public TokenWiring(
      BrokerAdapters adapters,
      BrokerConfig config,
      BrokerTables tables,
      Clock clock,
      RenewableRandom random,
      Telemetry telemetry,
      DpopConfig dpopConfig) {
    this(
        adapters,
        config,
        tables,
        clock,
        random,
        telemetry,
        dpopConfig,
        RemoteIssuerKeys.from(FederationConfig.defaults(), clock, telemetry));
  }

  /**
   * @param issuerKeys outside issuers' keys for federation: {@link RemoteIssuerKeys#from} in
   *     Lambda; the local server's may also reach a test issuer on loopback
   */
  public TokenWiring(
      BrokerAdapters adapters,
      BrokerConfig config,
      BrokerTables tables,
      Clock clock,
      RenewableRandom random,
      Telemetry telemetry,
      DpopConfig dpopConfig,
      IssuerKeys issuerKeys) {
    this.adapters = adapters;
    this.config = config;
    this.telemetry = telemetry;
    this.random = random;
    this.publishedKeys =
        new PublishedKeys(
            adapters.keys(tables.keys()), clock, config.keyTableCache(), SIGNING_KEY_CHECK);
    this.clientAuthentication =
        ClientEndpointParts.clientAuthentication(adapters, config, tables, clock);
    var minter =
        new AccessTokenMinter(
            publishedKeys, adapters.keySigner(), config.endpoints(), clock, random);
    DynamoDbRefreshTokenStore refreshStore = adapters.refreshTokens(tables);
    this.tokens =
        new TokenService(
            minter,
            adapters.issuances(tables.issuances()),
            refreshStore,
            config.maxTokenLifetime(),
            config.issuanceRetention(),
            random,
            telemetry,
            config.tokenReuse().isPositive()
                ? Optional.of(
                    new TokenReuse(
                        config.tokenReuse(),
                        minter::signingKid,
                        adapters.revocations(tables.revocations()),
                        adapters.issuances(tables.issuances()),
                        clock,
                        telemetry))
                : Optional.empty());
    this.refreshes =
        new RefreshService(
            minter,
            refreshStore,
            adapters.revocations(tables.revocations()),
            config.maxTokenLifetime(),
            config.issuanceRetention(),
            clock,
            random,
            telemetry);
    // Subject and actor tokens of an exchange: verified as revocation and introspection do.
    this.ownTokens =
        new OwnTokenVerification(
            adapters, config, tables, adapters.revocations(tables.revocations()), clock, telemetry);
    this.exchanges =
        new TokenExchangeService(
            config.endpoints().issuerId(),
            new TrustPolicyAuthentication(
                adapters.clients(tables.clients()),
                new OutsideTokenVerifier(
                    issuerKeys,
                    adapters.outsideTokenReplayGuard(tables.assertions(), config.clockSkew()),
                    clock,
                    config.clockSkew(),
                    telemetry)),
            new OwnTokenExchange(
                config.endpoints().issuerId(),
                ownTokens.verifier(),
                adapters.clients(tables.clients()),
                tokens,
                clock),
            tokens);
    this.honeytokens =
        new HoneytokenMinter(
            adapters.clients(tables.clients()),
            minter,
            adapters.issuances(tables.issuances()),
            refreshStore,
            adapters.revocations(tables.revocations()),
            config.maxTokenLifetime(),
            config.issuanceRetention(),
            random);
    this.operatorAudit =
        new AuditTrail(
            adapters.operatorAudit(tables.audit(), clock), AuditEntry.ADMIN_ROUTE, clock);
    this.dpop =
        new DpopTokenBinding(
            DpopWiring.verifier(adapters, dpopConfig, config.clockSkew(), tables, clock),
            config.endpoints(),
            config.mtlsEndpoints());
  }

  /** From the function's environment: {@link BrokerConfig}, {@link BrokerTables}, AWS settings. */
  public static TokenWiring fromEnvironment(Env env, Clock clock, Telemetry telemetry) {
    return new TokenWiring(
        BrokerAdapters.from(env, ClientTimeouts.requestPath(), telemetry),
        BrokerConfig.from(env),
        BrokerTables.from(env),
        clock,
        new RenewableRandom(),
        telemetry,
        DpopConfig.from(env),
        RemoteIssuerKeys.from(FederationConfig.from(env), clock, telemetry));
  }

  public ClientAuthentication clientAuthentication() {
    return clientAuthentication;
  }

  public TokenService tokens() {
    return tokens;
  }

  public RefreshService refreshes() {
    return refreshes;
  }

  /** The token-exchange grant (RFC 8693). */
  public TokenExchangeService exchanges() {
    return exchanges;
  }

  /** Honeytokens minted for operators ({@code POST /admin/honeytokens}). */
  public HoneytokenMinter honeytokens() {
    return honeytokens;
  }

  /** The audit trail of the admin route's mints. */
  public AuditTrail operatorAudit() {
    return operatorAudit;
  }

  /** DPoP proofs at the token endpoint. */
  public DpopTokenBinding dpop() {
    return dpop;
  }

  /** For the handler's own requests: silent while priming sends its synthetic request. */
  public Telemetry handlerTelemetry() {
    return primingSwitch.quiet(telemetry);
  }

  /**
   * Registers the SnapStart hooks ({@link SnapStartHooks}); the caller keeps the result. Priming
   * reads the published keys, then POSTs a client_credentials request of a client that does not
   * exist through {@code handler}: nothing is written, nothing signed. Reset forgets the key read,
   * renews the random generator and drops cached credentials.
   */
  public SnapStartHooks snapStartHooks(SnapStartHooks.StreamHandler handler) {
    return SnapStartHooks.builder("token", telemetry, primingSwitch)
        .priming(publishedKeys::current)
        .priming(
            ClientEndpointParts.unknownClientPost(
                config, handler, "/token", "&grant_type=client_credentials"))
        .reset(publishedKeys::clear)
        .reset(ownTokens::forget)
        .reset(random::renew)
        .reset(adapters::renewCredentials)
        .register();
  }
}
