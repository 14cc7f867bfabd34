package io.tokenbroker.oauth;

import io.tokenbroker.auth.AuthMethod;
import io.tokenbroker.auth.AuthenticatedClient;
import io.tokenbroker.errors.ServiceFailure;
import io.tokenbroker.jose.Confirmation;
import io.tokenbroker.revocation.RevocationStore;
import io.tokenbroker.telemetry.Telemetry;
import io.tokenbroker.telemetry.TelemetryEvent;
import io.tokenbroker.tokens.Grant;
import io.tokenbroker.tokens.Issuance;
import io.tokenbroker.tokens.IssuanceRepository;
import io.tokenbroker.tokens.IssuedToken;
import io.tokenbroker.tokens.RequestOrigin;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.function.Supplier;

/**
 * Token reuse (TOKEN_REUSE_SECONDS): an identical client_credentials request of the same
 * authenticated client within the window gets the access token minted for the first one again,
 * instead of a new KMS signature. Per container, in memory only, at most {@link #CAPACITY} tokens
 * (least recently used dropped). Thread-safe.
 *
 * <p>"Identical" is everything the token or its issuance record says: the client (at the same
 * registration version), how it authenticated and with which credential (the assertion key, the IAM
 * role), subject, granted scopes, audiences and lifetime, and the request's source address and user
 * agent (so the record's origin stays true for every delivery, and the detector's issued-network
 * check still holds). Only bearer tokens of clients without refresh tokens that authenticated by
 * {@code private_key_jwt} or IAM are reused: never a refresh grant, a response carrying a refresh
 * token, an exchange, a DPoP- or certificate-bound token, a decoy's or an operator's mint (those do
 * not come here).
 *
 * <p>A token is handed out again only if, at that moment: it is younger than the window (at most a
 * quarter of its own lifetime), its signing key is still the one that signs, the revocation store
 * (one read, as authorizers read it) says it is not revoked, and its delivery is recorded on its
 * issuance record. If any of these fails or cannot be read, the caller mints a new token.
 */
public final class TokenReuse {

  /** At most this many tokens per container. */
  public static final int CAPACITY = 4096;

  /** What makes two requests identical; no secret beyond the token it maps to. */
  private record Request(
      String clientId,
      long clientVersion,
      AuthMethod method,
      String callerIdentity,
      String subject,
      SortedSet<String> scopes,
      List<String> audiences,
      Duration lifetime,
      String sourceIp,
      String userAgent) {}

  private static final Set<AuthMethod> REUSED_METHODS =
      Set.of(AuthMethod.PRIVATE_KEY_JWT, AuthMethod.AWS_IAM);

  private final Duration window;
  private final Supplier<String> signingKid;
  private final RevocationStore revocations;
  private final IssuanceRepository issuances;
  private final Clock clock;
  private final Telemetry telemetry;
  private final Map<Request, IssuedToken> tokens;

  /**
   * @param window TOKEN_REUSE_SECONDS, positive (zero is no {@code TokenReuse} at all)
   * @param signingKid the kid of the key that signs now (the minter's, re-confirmed at most once a
   *     second): a token signed by another key is not handed out again
   */
  public TokenReuse(
      Duration window,
      Supplier<String> signingKid,
      RevocationStore revocations,
      IssuanceRepository issuances,
      Clock clock,
      Telemetry telemetry) {
    if (!window.isPositive()) {
      throw new IllegalArgumentException("a reuse window must be positive");
    }
    this.window = window;
    this.signingKid = signingKid;
    this.revocations = revocations;
    this.issuances = issuances;
    this.clock = clock;
    this.telemetry = telemetry;
    this.tokens =
        new LinkedHashMap<>(64, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<Request, IssuedToken> eldest) {
            return size() > CAPACITY;
          }
        };
  }

  /** Whether a token for this caller and binding may be reused at all. */
  boolean applies(AuthenticatedClient caller, Optional<Confirmation> binding) {
    return binding.isEmpty()
        && REUSED_METHODS.contains(caller.method())
        && !caller.client().refresh().enabled()
        && !caller.client().monitoring().decoy();
  }

  /**
   * The token minted for an identical request, if it is still good, its delivery recorded; empty
   * when a new token must be minted. Never throws for a failed read or write: it answers empty.
   */
  Optional<IssuedToken> reuse(AuthenticatedClient caller, Grant grant, RequestOrigin origin) {
    Request request = request(caller, grant, origin);
    IssuedToken cached;
    synchronized (tokens) {
      cached = tokens.get(request);
    }
    if (cached == null) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    Issuance record = cached.record();
    if (now.isAfter(record.issuedAt().plus(windowOf(record)))) {
      forget(request, cached);
      return Optional.empty();
    }
    try {
      if (!signingKid.get().equals(record.kid())) {
        forget(request, cached);
        return Optional.empty();
      }
      if (revocations
          .status(record.jti(), record.clientId(), record.kid(), Optional.empty())
          .reasonFor(record.issuedAt())
          .isPresent()) {
        forget(request, cached);
        return Optional.empty();
      }
      issuances.recordDelivery(record.jti(), now);
    } catch (ServiceFailure e) {
      telemetry.emit(
          TelemetryEvent.warn("token.reuse_skipped")
              .with("client_id", record.clientId())
              .with("dependency", e.dependency())
              .count("TokenReuseSkipped"));
      return Optional.empty();
    }
    return Optional.of(cached.reused(now));
  }

  /** Keeps a token just minted and recorded for {@code caller}'s identical requests. */
  void remember(AuthenticatedClient caller, Grant grant, RequestOrigin origin, IssuedToken token) {
    Request request = request(caller, grant, origin);
    synchronized (tokens) {
      tokens.put(request, token);
    }
  }

  /**
   * How long after its iat a token may be handed out again: the window, at most a quarter of its
   * lifetime, so what is handed out has at least three quarters of its life left.
   */
  private Duration windowOf(Issuance record) {
    Duration quarter = Duration.between(record.issuedAt(), record.expiresAt()).dividedBy(4);
    return window.compareTo(quarter) <= 0 ? window : quarter;
  }

  private void forget(Request request, IssuedToken stale) {
    synchronized (tokens) {
      tokens.remove(request, stale);
    }
  }

  private static Request request(AuthenticatedClient caller, Grant grant, RequestOrigin origin) {
    return new Request(
        caller.client().clientId(),
        caller.client().version(),
        caller.method(),
        caller.callerIdentity(),
        caller.client().subject(),
        grant.scopes(),
        grant.audiences(),
        grant.lifetime(),
        origin.sourceIp(),
        origin.userAgent());
  }
}
