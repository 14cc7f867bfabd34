package io.tokenbroker.adapters.wiring;

import com.nimbusds.jose.JWSAlgorithm;
import io.tokenbroker.adapters.aws.AwsClients;
import io.tokenbroker.adapters.aws.AwsSettings;
import io.tokenbroker.adapters.aws.ClientTimeouts;
import io.tokenbroker.adapters.dynamodb.BrokerTables;
import io.tokenbroker.adapters.dynamodb.DynamoDbAssertionReplayGuard;
import io.tokenbroker.adapters.dynamodb.DynamoDbClientRepository;
import io.tokenbroker.adapters.dynamodb.DynamoDbIssuanceRepository;
import io.tokenbroker.adapters.dynamodb.DynamoDbKeyCreations;
import io.tokenbroker.adapters.dynamodb.DynamoDbKeyRepository;
import io.tokenbroker.adapters.dynamodb.DynamoDbRefreshTokenStore;
import io.tokenbroker.adapters.dynamodb.DynamoDbRevocationRepository;
import io.tokenbroker.adapters.dynamodb.DynamoDbRotationLock;
import io.tokenbroker.adapters.kms.KmsKeyManager;
import io.tokenbroker.adapters.kms.KmsKeySigner;
import io.tokenbroker.adapters.kms.KmsPublishedKeyCheck;
import io.tokenbroker.adapters.lifecycle.PrimingEvents;
import io.tokenbroker.adapters.lifecycle.PrimingSwitch;
import io.tokenbroker.adapters.lifecycle.RenewableRandom;
import io.tokenbroker.adapters.lifecycle.SnapStartHooks;
import io.tokenbroker.auth.ClientAuthenticator;
import io.tokenbroker.config.BrokerConfig;
import io.tokenbroker.config.Env;
import io.tokenbroker.config.RotationConfig;
import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.keys.ConfirmedKeys;
import io.tokenbroker.keys.KeyRotationService;
import io.tokenbroker.keys.PublishedKeys;
import io.tokenbroker.keys.SigningKey;
import io.tokenbroker.oauth.IntrospectionService;
import io.tokenbroker.oauth.RefreshService;
import io.tokenbroker.oauth.RevocationService;
import io.tokenbroker.oauth.TokenService;
import io.tokenbroker.operator.OperatorRevocations;
import io.tokenbroker.refresh.FamilyRevocation;
import io.tokenbroker.revocation.CachedRevocations;
import io.tokenbroker.telemetry.Telemetry;
import io.tokenbroker.tokens.AccessTokenMinter;
import io.tokenbroker.verify.AccessTokenVerifier;
import io.tokenbroker.verify.CachingKeyResolver;
import io.tokenbroker.verify.FailClosedOnUncheckedKeys;
import io.tokenbroker.verify.VerifierPolicy;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * The broker endpoints' composition root: real adapters over AWS, built from the environment once
 * per container. Each service is built on first use, so a function pays only for what it uses (the
 * functions that verify tokens use KMS only to confirm published keys, GetPublicKey).
 */
public final class BrokerServices {

  /**
   * How long the token function signs with a key after the key table stopped showing it ACTIVE (a
   * compromise), at most: it re-confirms the key by one key-row read when its last read is older
   * than this. A bound on tokens every verifier refuses, for at most one read a second.
   */
  static final Duration SIGNING_KEY_CHECK = Duration.ofSeconds(1);

  private final BrokerConfig config;
  private final BrokerTables tables;
  private final AwsSettings aws;
  private final Telemetry telemetry;
  private final Clock clock;
  private final RenewableRandom random;
  private final PrimingSwitch primingSwitch = new PrimingSwitch();

  private DynamoDbClient dynamoDb;
  private KmsClient kms;
  private PublishedKeys publishedKeys;
  private AccessTokenMinter minter;
  private TokenService tokens;
  private RefreshService refreshes;
  private AccessTokenVerifier ourTokens;
  private CachingKeyResolver ourKeys;
  private ConfirmedKeys confirmedKeys;
  private CachedRevocations ourRevocations;

  public BrokerServices(Env env, ClientTimeouts timeouts, Telemetry telemetry) {
    this(env, timeouts, telemetry, Clock.systemUTC());
  }

  /** With another clock: for simulations that run days of rotation in seconds. */
  public BrokerServices(Env env, ClientTimeouts timeouts, Telemetry telemetry, Clock clock) {
    this(env, timeouts, telemetry, clock, SecureRandom::new);
  }

  /** With other random generators: for tests that simulate two restores of one snapshot. */
  public BrokerServices(
      Env env,
      ClientTimeouts timeouts,
      Telemetry telemetry,
      Clock clock,
      Supplier<SecureRandom> randomGenerators) {
    this.random = new RenewableRandom(randomGenerators);
    this.config = BrokerConfig.from(env);
    this.tables = BrokerTables.from(env);
    this.aws = AwsSettings.from(env, timeouts);
    this.telemetry = telemetry;
    this.clock = clock;
  }

  public BrokerConfig config() {
    return config;
  }

  public synchronized ClientAuthenticator clientAuthenticator() {
    return new ClientAuthenticator(
        new DynamoDbClientRepository(dynamoDb(), tables.clients()),
        new DynamoDbAssertionReplayGuard(dynamoDb(), tables.assertions(), config.clockSkew()),
        config.endpoints(),
        clock,
        config.maxAssertionLifetime(),
        config.clockSkew());
  }

  public synchronized TokenService tokens() {
    if (tokens == null) {
      tokens =
          new TokenService(
              minter(),
              new DynamoDbIssuanceRepository(dynamoDb(), tables.issuances()),
              refreshStore(),
              config.maxTokenLifetime(),
              config.issuanceRetention(),
              random,
              telemetry);
    }
    return tokens;
  }

  public synchronized RefreshService refreshes() {
    if (refreshes == null) {
      refreshes =
          new RefreshService(
              minter(),
              refreshStore(),
              revocations(),
              config.maxTokenLifetime(),
              config.issuanceRetention(),
              clock,
              random,
              telemetry);
    }
    return refreshes;
  }

  public synchronized RevocationService revocationService() {
    return new RevocationService(
        ourTokens(),
        refreshStore(),
        new FamilyRevocation(revocations(), config.maxTokenLifetime(), telemetry),
        revocations(),
        telemetry);
  }

  public synchronized OperatorRevocations operatorRevocations() {
    return operatorRevocations(dynamoDb(), tables, config, telemetry);
  }

  /** For tools that have only tables and a client (brokerctl). */
  public static OperatorRevocations operatorRevocations(
      DynamoDbClient dynamoDb, BrokerTables tables, BrokerConfig config, Telemetry telemetry) {
    return new OperatorRevocations(
        new DynamoDbIssuanceRepository(dynamoDb, tables.issuances()),
        new DynamoDbRevocationRepository(dynamoDb, tables.revocations()),
        new DynamoDbKeyRepository(AwsClients.enhanced(dynamoDb), tables.keys())::find,
        config.maxTokenLifetime(),
        Clock.systemUTC(),
        telemetry);
  }

  public synchronized IntrospectionService introspection() {
    return new IntrospectionService(
        ourTokens(), refreshStore(), revocations(), config.endpoints().issuerId(), clock);
  }

  /**
   * The key lifecycle, for the rotation function and operator tools: KEYS_TABLE, REVOCATIONS_TABLE,
   * BROKER_NAME (the KMS tag value) and {@link RotationConfig}'s settings.
   */
  public static KeyRotationService keyRotation(
      Env env, ClientTimeouts timeouts, Telemetry telemetry, Clock clock) {
    AwsSettings aws = AwsSettings.from(env, timeouts);
    String keysTable = env.required("KEYS_TABLE");
    DynamoDbClient dynamoDb = AwsClients.dynamoDb(aws);
    return new KeyRotationService(
        new DynamoDbKeyRepository(AwsClients.enhanced(dynamoDb), keysTable),
        new DynamoDbKeyCreations(dynamoDb, keysTable),
        new KmsKeyManager(AwsClients.kms(aws), env.required("BROKER_NAME")),
        new DynamoDbRotationLock(dynamoDb, keysTable),
        new DynamoDbRevocationRepository(dynamoDb, env.required("REVOCATIONS_TABLE")),
        RotationConfig.policy(env),
        clock,
        telemetry);
  }

  /** Telemetry that stays silent while SnapStart priming runs: for the handler's own requests. */
  public Telemetry quietWhilePriming(Telemetry handlerTelemetry) {
    return primingSwitch.quiet(handlerTelemetry);
  }

  /**
   * Registers the function's SnapStart hooks ({@link SnapStartHooks}); the handler keeps the
   * result. Priming reads the published keys (and, where this function verifies the broker's
   * tokens, refuses a token with a forged signature and reads one revocation state), then sends one
   * form POST to {@code path} through {@code handler}, authenticated as a client that does not
   * exist: parsing, client lookup, refusal and its JSON response run; nothing is written, nothing
   * signed. Reset forgets every read (keys, revocation states), renews the random generator and
   * drops cached credentials.
   *
   * @param form more form fields, encoded, each starting with {@code &}
   */
  public synchronized SnapStartHooks snapStartHooks(
      String function, SnapStartHooks.StreamHandler handler, String path, String form) {
    String audience = config.endpoints().issuerId() + path;
    return SnapStartHooks.builder(function, telemetry, primingSwitch)
        .priming(this::primeKeyReads)
        .priming(
            SnapStartHooks.request(
                handler,
                () -> PrimingEvents.post(path, PrimingEvents.clientAssertionForm(audience, form))))
        .reset(this::forgetReads)
        .reset(random::renew)
        .reset(aws::renewCredentials)
        .register();
  }

  private synchronized void primeKeyReads() {
    List<SigningKey> keys = publishedKeys().current();
    if (ourTokens == null || keys.isEmpty()) {
      return; // this function does not verify tokens, or no key has been created yet
    }
    SigningKey key = keys.getFirst();
    try {
      ourTokens.verify(
          PrimingEvents.forgedAccessToken(
              config.endpoints().issuerId(), key.kid(), key.publicJwk().getAlgorithm().getName()));
    } catch (RequestRejected expected) {
      // bad signature: key lookup and signature check ran
    }
    ourRevocations.status(
        PrimingEvents.CLIENT_ID, PrimingEvents.CLIENT_ID, key.kid(), Optional.empty());
  }

  /** Forgets every cached read, so that the next request reads keys and revocations afresh. */
  private synchronized void forgetReads() {
    if (publishedKeys != null) {
      publishedKeys.clear();
    }
    if (ourKeys != null) {
      ourKeys.clear();
    }
    if (ourRevocations != null) {
      ourRevocations.clear();
    }
  }

  /**
   * Verifies the broker's own access tokens for any audience, with fresh revocation state, trusting
   * only published keys KMS confirms.
   */
  private AccessTokenVerifier ourTokens() {
    if (ourTokens == null) {
      ourKeys =
          new CachingKeyResolver(
              () ->
                  confirmedKeys().confirm(publishedKeys().current()).keys().stream()
                      .map(SigningKey::publicJwk)
                      .toList(),
              clock,
              Duration.ZERO,
              Duration.ZERO);
      ourRevocations = new CachedRevocations(revocations(), clock, Duration.ZERO, 1);
      ourTokens =
          new AccessTokenVerifier(
              VerifierPolicy.anyAudience(
                  config.endpoints().issuerId(),
                  Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256),
                  config.clockSkew(),
                  config.maxTokenLifetime()),
              new FailClosedOnUncheckedKeys(ourKeys, confirmedKeys()::couldNotCheck),
              ourRevocations,
              clock);
    }
    return ourTokens;
  }

  private AccessTokenMinter minter() {
    if (minter == null) {
      minter =
          new AccessTokenMinter(
              publishedKeys(), new KmsKeySigner(kms()), config.endpoints(), clock, random);
    }
    return minter;
  }

  /** Checks of published keys against KMS, kept for the container's life (not reset). */
  private ConfirmedKeys confirmedKeys() {
    if (confirmedKeys == null) {
      confirmedKeys = new ConfirmedKeys(new KmsPublishedKeyCheck(kms()), clock, telemetry);
    }
    return confirmedKeys;
  }

  private PublishedKeys publishedKeys() {
    if (publishedKeys == null) {
      publishedKeys =
          new PublishedKeys(
              new DynamoDbKeyRepository(AwsClients.enhanced(dynamoDb()), tables.keys()),
              clock,
              config.keyTableCache(),
              SIGNING_KEY_CHECK);
    }
    return publishedKeys;
  }

  private DynamoDbRefreshTokenStore refreshStore() {
    return new DynamoDbRefreshTokenStore(
        dynamoDb(), tables.refreshTokens(), tables.issuances(), tables.revocations());
  }

  private DynamoDbRevocationRepository revocations() {
    return new DynamoDbRevocationRepository(dynamoDb(), tables.revocations());
  }

  private DynamoDbClient dynamoDb() {
    if (dynamoDb == null) {
      dynamoDb = AwsClients.dynamoDb(aws);
    }
    return dynamoDb;
  }

  private KmsClient kms() {
    if (kms == null) {
      kms = AwsClients.kms(aws);
    }
    return kms;
  }
}
