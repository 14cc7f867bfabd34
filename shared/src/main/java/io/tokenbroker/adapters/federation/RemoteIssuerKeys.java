package io.tokenbroker.adapters.federation;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyOperation;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.JSONObjectUtils;
import io.tokenbroker.adapters.federation.GuardedHttps.FetchFailed;
import io.tokenbroker.config.FederationConfig;
import io.tokenbroker.errors.ServiceFailure;
import io.tokenbroker.federation.IssuerKeys;
import io.tokenbroker.telemetry.Telemetry;
import io.tokenbroker.telemetry.TelemetryEvent;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.NoSuchAlgorithmException;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLContext;

/**
 * Outside issuers' signing keys over {@link GuardedHttps}. A failure is lasting (not retryable)
 * only when the issuer is not to be trusted: an address that is not public, a redirect, a
 * certificate refused, discovery naming another issuer, a jwks_uri that is not https; an answer
 * that is merely wrong (a status, not JSON, no jwks_uri, not a JWK set) is an outage.
 *
 * <p>Keys: the issuer's OpenID configuration (its {@code issuer} compared exactly with the trusted
 * one, so one issuer's document cannot stand in for another's) and its {@code jwks_uri}, or the
 * JWKS URL a policy pins; one cache per (issuer, pinned URL).
 *
 * <p>Each cache fetches at most once per minimum refresh interval, whatever asks: an unknown kid,
 * an expired set, a retry after a failure; so neither a burst of forged kids nor an issuer's outage
 * turns into a burst of requests. A set is used for its TTL; when a refresh fails it is used for
 * the outage tolerance beyond, then the keys are unavailable (a retryable {@link ServiceFailure}).
 *
 * <p>Written here rather than with Nimbus's {@code JWKSourceBuilder}: its rate limiter allows two
 * fetches per interval by design, and its caches read {@code System.currentTimeMillis()}, so TTL,
 * interval and outage bound could not be held to an injected clock and tested exactly.
 *
 * <p>Kept from a JWKS: public keys with a kid, {@code use} absent or {@code sig}, {@code key_ops}
 * absent or with {@code verify}, RSA of 2048 bits or more, EC on P-256, P-384 or P-521; a kid that
 * two kept keys share is dropped (not addressable). Keys are held per issuer named by some policy,
 * so the caches are as many as the policies' issuers.
 */
public final class RemoteIssuerKeys implements IssuerKeys {

  static final String DEPENDENCY = "issuer-keys";
  private static final String DISCOVERY = "/.well-known/openid-configuration";
  private static final Set<Curve> CURVES = Set.of(Curve.P_256, Curve.P_384, Curve.P_521);

  private final GuardedHttps https;
  private final FederationConfig config;
  private final Clock clock;
  private final Telemetry telemetry;
  private final Map<CacheKey, Cache> caches = new ConcurrentHashMap<>();

  /**
   * The exact strings: {@code URI.equals} ignores the host's case, so {@code https://GitLab.com}
   * would share (and, by a refused discovery, poison) {@code https://gitlab.com}'s cache.
   */
  private record CacheKey(String issuer, Optional<String> jwksUri) {
    CacheKey(TrustedIssuer trusted) {
      this(trusted.issuer().toString(), trusted.jwksUri().map(URI::toString));
    }
  }

  RemoteIssuerKeys(GuardedHttps https, FederationConfig config, Clock clock, Telemetry telemetry) {
    this.https = https;
    this.config = config;
    this.clock = clock;
    this.telemetry = telemetry;
  }

  /**
   * For the token function: public addresses only, certificates checked against the JDK's CAs, the
   * system's name resolution.
   */
  public static RemoteIssuerKeys from(FederationConfig config, Clock clock, Telemetry telemetry) {
    try {
      return new RemoteIssuerKeys(
          new GuardedHttps(
              limits(config), SSLContext.getDefault(), false, GuardedHttps.Resolver.system()),
          config,
          clock,
          telemetry);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("no default TLS context", e);
    }
  }

  /**
   * For the local server only: loopback issuers allowed (the test issuer on 127.0.0.1), their
   * certificates checked against {@code trust} (e.g. {@code TestOidcIssuer.clientContext()}).
   * Private, link-local and other non-public addresses stay refused.
   */
  public static RemoteIssuerKeys forLocalDevelopment(
      FederationConfig config, Clock clock, Telemetry telemetry, SSLContext trust) {
    return new RemoteIssuerKeys(
        new GuardedHttps(limits(config), trust, true, GuardedHttps.Resolver.system()),
        config,
        clock,
        telemetry);
  }

  static GuardedHttps.Limits limits(FederationConfig config) {
    return new GuardedHttps.Limits(
        config.connectTimeout(), config.readTimeout(), config.maxDocumentBytes());
  }

  @Override
  public Optional<JWK> key(TrustedIssuer issuer, String kid) {
    if (kid == null || kid.isEmpty()) {
      return Optional.empty(); // names no key: never worth a fetch
    }
    return caches.computeIfAbsent(new CacheKey(issuer), k -> new Cache(issuer)).key(kid);
  }

  /** A fetched set: its keys by kid and when it was fetched. */
  private record KeySet(Map<String, JWK> keys, Instant fetchedAt) {}

  private final class Cache {
    private final TrustedIssuer issuer;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile KeySet current;
    private Instant lastAttempt;
    private FetchFailed lastFailure;

    Cache(TrustedIssuer issuer) {
      this.issuer = issuer;
    }

    Optional<JWK> key(String kid) {
      KeySet set = current;
      if (set != null && fresh(set, clock.instant()) && set.keys().containsKey(kid)) {
        return Optional.of(set.keys().get(kid));
      }
      lock.lock();
      try {
        Instant now = clock.instant();
        set = current;
        if (set != null && fresh(set, now) && set.keys().containsKey(kid)) {
          return Optional.of(set.keys().get(kid)); // another request refreshed it meanwhile
        }
        boolean attempted = false;
        if (lastAttempt == null || !now.isBefore(lastAttempt.plus(config.minRefreshInterval()))) {
          lastAttempt = now;
          attempted = true;
          try {
            current = set = fetch(now);
            lastFailure = null;
            return Optional.ofNullable(set.keys().get(kid));
          } catch (FetchFailed failure) {
            lastFailure = failure;
            telemetry.emit(
                TelemetryEvent.warn("issuer_keys.refresh_failed")
                    .with("issuer", GuardedHttps.loggable(issuer.issuer()))
                    .with("detail", failure.getMessage())
                    .with("retryable", failure.retryable())
                    .count("IssuerKeyRefreshFailures"));
          }
        }
        if (set != null && fresh(set, now)) {
          return Optional.ofNullable(set.keys().get(kid)); // unknown kid, refreshed lately
        }
        Duration age = set == null ? null : Duration.between(set.fetchedAt(), now);
        if (age != null && age.compareTo(config.cacheTtl().plus(config.outageTolerance())) < 0) {
          if (attempted) { // once per failed refresh, not once per request
            telemetry.emit(
                TelemetryEvent.warn("issuer_keys.stale")
                    .with("issuer", GuardedHttps.loggable(issuer.issuer()))
                    .with("age_seconds", age.toSeconds()));
          }
          return Optional.ofNullable(set.keys().get(kid));
        }
        FetchFailed cause = lastFailure;
        throw new ServiceFailure(
            DEPENDENCY,
            "keys of "
                + GuardedHttps.loggable(issuer.issuer())
                + " unavailable: "
                + (cause == null ? "not fetched" : cause.getMessage()),
            cause == null || cause.retryable(),
            null);
      } finally {
        lock.unlock();
      }
    }

    private boolean fresh(KeySet set, Instant now) {
      return now.isBefore(set.fetchedAt().plus(config.cacheTtl()));
    }

    private KeySet fetch(Instant now) throws FetchFailed {
      long deadline = System.nanoTime() + config.fetchDeadline().toNanos();
      URI jwksUri = issuer.jwksUri().isPresent() ? issuer.jwksUri().get() : discover(deadline);
      Map<String, JWK> keys = keys(https.get(jwksUri, deadline), GuardedHttps.loggable(jwksUri));
      telemetry.emit(
          TelemetryEvent.info("issuer_keys.refreshed")
              .with("issuer", GuardedHttps.loggable(issuer.issuer()))
              .with("keys", keys.size()));
      return new KeySet(Map.copyOf(keys), now);
    }

    /** The jwks_uri of the issuer's OpenID configuration, whose issuer must be this one exactly. */
    private URI discover(long deadline) throws FetchFailed {
      URI trusted = issuer.issuer();
      String where = GuardedHttps.loggable(trusted);
      if (trusted.getRawQuery() != null || trusted.getRawFragment() != null) {
        throw new FetchFailed(where + ": an issuer has no query or fragment", false, null);
      }
      String base = trusted.toString();
      URI discovery =
          URI.create(
              (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + DISCOVERY);
      Map<String, Object> document = object(https.get(discovery, deadline), where + DISCOVERY);
      Object named = document.get("issuer");
      if (!base.equals(named)) {
        throw new FetchFailed(
            where + ": the OpenID configuration names another issuer; refused", false, null);
      }
      if (!(document.get("jwks_uri") instanceof String jwks)) {
        throw new FetchFailed(where + ": the OpenID configuration has no jwks_uri", true, null);
      }
      try {
        URI uri = new URI(jwks);
        if (!"https".equals(uri.getScheme()) || uri.getHost() == null) {
          throw new FetchFailed(where + ": jwks_uri is not an https URL", false, null);
        }
        return uri;
      } catch (URISyntaxException e) {
        throw new FetchFailed(where + ": jwks_uri is not a URL", false, null);
      }
    }
  }

  /** The usable keys of a JWKS document, by kid. */
  static Map<String, JWK> keys(String body, String where) throws FetchFailed {
    if (!(object(body, where).get("keys") instanceof List<?> entries)) {
      throw new FetchFailed(where + ": not a JWK set", true, null);
    }
    Map<String, JWK> byKid = new HashMap<>();
    Set<String> shared = new HashSet<>();
    for (Object entry : entries) {
      JWK key = parse(entry);
      if (key != null && usable(key) && byKid.put(key.getKeyID(), key.toPublicJWK()) != null) {
        shared.add(key.getKeyID());
      }
    }
    shared.forEach(byKid::remove);
    return byKid;
  }

  @SuppressWarnings("unchecked")
  private static JWK parse(Object entry) {
    if (!(entry instanceof Map<?, ?> map)) {
      return null;
    }
    try {
      return JWK.parse((Map<String, Object>) map);
    } catch (ParseException | RuntimeException e) {
      return null; // a key this broker cannot read (a new kty, a bad parameter) is skipped alone
    }
  }

  static boolean usable(JWK key) {
    boolean addressable = key.getKeyID() != null && !key.getKeyID().isBlank();
    boolean signing = key.getKeyUse() == null || key.getKeyUse() == KeyUse.SIGNATURE;
    boolean verifies =
        key.getKeyOperations() == null || key.getKeyOperations().contains(KeyOperation.VERIFY);
    boolean strong =
        switch (key) {
          case RSAKey rsa -> rsa.size() >= 2048;
          case ECKey ec -> CURVES.contains(ec.getCurve());
          default -> false;
        };
    return addressable && signing && verifies && strong && !key.isPrivate();
  }

  private static Map<String, Object> object(String body, String where) throws FetchFailed {
    try {
      return JSONObjectUtils.parse(body);
    } catch (ParseException e) {
      throw new FetchFailed(where + ": not a JSON object", true, null);
    }
  }
}
