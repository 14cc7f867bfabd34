package io.tokenbroker.functions.authorizer;

import com.nimbusds.jose.jwk.JWK;
import io.tokenbroker.adapters.aws.ClientTimeouts;
import io.tokenbroker.adapters.dynamodb.DynamoDbRevocationRepository;
import io.tokenbroker.adapters.jwks.JwksUrlKeySource;
import io.tokenbroker.adapters.lifecycle.PrimingEvents;
import io.tokenbroker.adapters.lifecycle.PrimingSwitch;
import io.tokenbroker.adapters.lifecycle.SnapStartHooks;
import io.tokenbroker.adapters.wiring.BrokerAdapters;
import io.tokenbroker.config.Env;
import io.tokenbroker.dpop.DpopNonces;
import io.tokenbroker.dpop.DpopPolicy;
import io.tokenbroker.dpop.DpopProofVerifier;
import io.tokenbroker.dpop.SlotNonces;
import io.tokenbroker.keys.ConfirmedKeys;
import io.tokenbroker.keys.KeyRepository;
import io.tokenbroker.keys.SigningKey;
import io.tokenbroker.revocation.CachedRevocations;
import io.tokenbroker.telemetry.Telemetry;
import io.tokenbroker.telemetry.TelemetryEvent;
import io.tokenbroker.verify.AccessTokenVerifier;
import io.tokenbroker.verify.CachingKeyResolver;
import io.tokenbroker.verify.FailClosedOnUncheckedKeys;
import io.tokenbroker.verify.KeySource;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The authorizer's real adapters, built once per container, and its SnapStart hooks. It never
 * signs; reading the broker's key table, it trusts a key only once KMS confirms it (GetPublicKey,
 * once per key per container, {@link ConfirmedKeys}), so write access to the table is not enough to
 * make it trust a key. It lives beside its handler, not in the shared wiring, because its
 * configuration is one protected API's ({@link AuthorizerConfig}).
 */
public final class AuthorizerWiring {

  private final AuthorizerConfig config;
  private final BrokerAdapters adapters;
  private final Telemetry telemetry;
  private final KeySource keys;
  private final CachingKeyResolver keyCache;
  private final CachedRevocations revocations;
  private final AccessTokenVerifier verifier;
  private final DpopAuthorization dpop;
  private final PrimingSwitch primingSwitch = new PrimingSwitch();

  /**
   * @param adapters built with {@link #timeouts}: a slow store must deny fast, not retry slowly
   */
  public AuthorizerWiring(
      BrokerAdapters adapters, AuthorizerConfig config, Clock clock, Telemetry telemetry) {
    this.config = config;
    this.adapters = adapters;
    this.telemetry = telemetry;
    Predicate<String> couldNotCheck;
    if (config.jwksUrl().isPresent()) {
      keys = new JwksUrlKeySource(config.jwksUrl().get(), config.dependencyTimeout());
      couldNotCheck = NONE_UNCHECKED;
    } else {
      // The KMS client is first needed after the key read at init: built meanwhile, on its own
      // thread, which readKeysAhead waits for; that thread then loads the revocation read's
      // classes, which the first decision would load otherwise.
      adapters.buildKmsClientAlongside(LOAD_REVOCATION_READ);
      var tableKeys =
          new ConfirmedTableKeys(
              adapters.keys(config.keysTable().orElseThrow()),
              new ConfirmedKeys(adapters.publishedKeyCheck(), clock, telemetry));
      keys = tableKeys;
      couldNotCheck = tableKeys;
    }
    keyCache =
        new CachingKeyResolver(keys, clock, config.keyCache(), config.keyRefreshMinInterval());
    revocations =
        new CachedRevocations(
            adapters.revocations(config.revocationsTable()),
            clock,
            config.revocationCache(),
            10_000);
    verifier =
        new AccessTokenVerifier(
            config.policy(),
            new FailClosedOnUncheckedKeys(keyCache, couldNotCheck),
            revocations,
            clock);
    // Proofs are checked only where API Gateway asks about every request (no result cache).
    Optional<DpopProofVerifier> proofs =
        config.dpopReplayTable().isPresent() && config.seesEveryRequest()
            ? Optional.of(proofVerifier(adapters, config, clock))
            : Optional.empty();
    dpop = new DpopAuthorization(verifier, proofs);
  }

  /** A class, not a lambda, for the same reason as {@link ConfirmedTableKeys}. */
  private static final Runnable LOAD_REVOCATION_READ =
      new Runnable() {
        @Override
        public void run() {
          DynamoDbRevocationRepository.loadCallClasses();
        }
      };

  /** Without a key table (a JWKS URL): no key is left out for want of a check. */
  private static final Predicate<String> NONE_UNCHECKED =
      new Predicate<>() {
        @Override
        public boolean test(String kid) {
          return false;
        }
      };

  /**
   * The key table's published keys that KMS confirms; and whether a kid was left out because its
   * check failed. A class rather than lambdas and streams: built and first run at every cold start,
   * where each lambda is a class spun at run time (docs/performance.md).
   */
  private static final class ConfirmedTableKeys implements KeySource, Predicate<String> {
    private final KeyRepository table;
    private final ConfirmedKeys confirmed;

    ConfirmedTableKeys(KeyRepository table, ConfirmedKeys confirmed) {
      this.table = table;
      this.confirmed = confirmed;
    }

    @Override
    public List<JWK> fetch() {
      List<SigningKey> published = new ArrayList<>();
      for (SigningKey key : table.findAll()) {
        if (key.isPublished()) {
          published.add(key);
        }
      }
      List<SigningKey> trusted = confirmed.confirm(published).keys();
      List<JWK> jwks = new ArrayList<>(trusted.size());
      for (SigningKey key : trusted) {
        jwks.add(key.publicJwk());
      }
      return List.copyOf(jwks);
    }

    @Override
    public boolean test(String kid) {
      return confirmed.couldNotCheck(kid);
    }
  }

  /** DPoP proofs: the replay table, and the server nonces if DPOP_NONCE_KEY_ID is set. */
  private static DpopProofVerifier proofVerifier(
      BrokerAdapters adapters, AuthorizerConfig config, Clock clock) {
    Optional<DpopNonces> nonces =
        config.dpop().nonceKeyId().isPresent()
            ? Optional.of(
                new SlotNonces(
                    adapters.nonceMac(config.dpop().nonceKeyId().get()),
                    clock,
                    config.dpop().nonceLifetime(),
                    SlotNonces.Server.RESOURCE))
            : Optional.empty();
    return new DpopProofVerifier(
        new DpopPolicy(config.dpop().proofMaxAge(), config.policy().clockSkew(), nonces),
        adapters.dpopReplayGuard(config.dpopReplayTable().get(), config.policy().clockSkew()),
        clock);
  }

  /** DPoP-scheme requests: the token, then its proof (refused if API Gateway may cache). */
  public DpopAuthorization dpop() {
    return dpop;
  }

  /** From the function's environment: {@link AuthorizerConfig} and the AWS settings. */
  public static AuthorizerWiring fromEnvironment(Env env, Clock clock, Telemetry telemetry) {
    AuthorizerConfig config = AuthorizerConfig.from(env);
    return new AuthorizerWiring(
        BrokerAdapters.from(env, timeouts(config), telemetry), config, clock, telemetry);
  }

  /** One attempt per read inside the time budget (DEPENDENCY_TIMEOUT_MILLIS). */
  private static ClientTimeouts timeouts(AuthorizerConfig config) {
    return new ClientTimeouts(config.dependencyTimeout(), config.dependencyTimeout(), 1);
  }

  /**
   * Lambda's init phase: reads the keys (the key table, each key confirmed by KMS; or the JWKS URL)
   * now, so that the first decision of a container costs one revocation read like every other. Best
   * effort: a failure is logged without detail and the first decision reads instead. Returns with
   * the KMS client built (the thread building it has ended); a client that cannot be built fails
   * the init, as it did when it was built in line.
   */
  public void readKeysAhead() {
    try {
      keyCache.warm();
    } catch (RuntimeException e) {
      telemetry.emit(TelemetryEvent.warn("authorizer.keys_not_read_at_init"));
    }
    adapters.awaitKmsClient();
  }

  public AccessTokenVerifier verifier() {
    return verifier;
  }

  public AuthorizerConfig config() {
    return config;
  }

  /** For the handler's own telemetry: silent while priming sends its synthetic request. */
  public Telemetry handlerTelemetry() {
    return primingSwitch.quiet(telemetry);
  }

  /**
   * Registers the SnapStart hooks; the caller keeps the result. Priming reads the keys, sends the
   * handler a token naming a real key (the first published; a made-up kid if there is none yet)
   * with a forged signature, which it denies, and reads one revocation state. Reset forgets the
   * keys and revocation states and drops cached credentials.
   */
  public SnapStartHooks snapStartHooks(SnapStartHooks.StreamHandler handler) {
    return SnapStartHooks.builder("authorizer", telemetry, primingSwitch)
        .priming(() -> prime(handler))
        .reset(keyCache::clear)
        .reset(revocations::clear)
        .reset(adapters::renewCredentials)
        .register();
  }

  private void prime(SnapStartHooks.StreamHandler handler) throws Exception {
    List<JWK> published = keys.fetch();
    String kid = published.isEmpty() ? PrimingEvents.CLIENT_ID : published.getFirst().getKeyID();
    String alg =
        published.isEmpty() || published.getFirst().getAlgorithm() == null
            ? "RS256"
            : published.getFirst().getAlgorithm().getName();
    SnapStartHooks.request(
            handler,
            () ->
                PrimingEvents.authorizer(
                    PrimingEvents.forgedAccessToken(config.policy().issuer(), kid, alg)))
        .run();
    revocations.status(PrimingEvents.CLIENT_ID, PrimingEvents.CLIENT_ID, kid, Optional.empty());
  }
}
