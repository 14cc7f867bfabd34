package io.tokenbroker.client;

import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * Access tokens from the broker for a workload: one instance per process, shared by every thread.
 *
 * <ul>
 *   <li><b>Cache</b>: one token per (scope set, audience); a call while it is fresh makes no
 *       request.
 *   <li><b>Refresh ahead</b>: renewed after a fraction of its lifetime, with random jitter ({@link
 *       RefreshPolicy}); never handed out with less than the policy's margin left.
 *   <li><b>Single flight</b>: when a renewal is due one caller makes it while the others keep the
 *       still-valid token or, if there is none, wait for that caller's result; so one refresh token
 *       is never spent twice (the broker would take that for theft and revoke the grant).
 *   <li><b>Refresh grant</b>: used when the last answer carried a refresh token, with the same
 *       client authentication; if the broker answers {@code invalid_grant} (revoked, expired), one
 *       new {@code client_credentials} grant instead.
 *   <li><b>Back-off</b>: on 429/502/503/504 and connection failures ({@link RetryPolicy}),
 *       honouring {@code Retry-After}, up to a deadline; refusals surface as {@link
 *       TokenRequestRejected}, the rest as {@link TokenUnavailable}.
 *   <li><b>No secrets shown</b>: no token, refresh token or assertion in a log line, an exception
 *       message or a {@code toString()}.
 * </ul>
 *
 * <pre>{@code
 * TokenClient tokens =
 *     TokenClient.builder(URI.create("https://broker.example.com"), IamAuthentication.defaultChain())
 *         .build();
 * AccessToken token = tokens.token(Set.of("orders:read"), "https://orders.example.com");
 * request.header("Authorization", token.authorizationHeader());
 * }</pre>
 *
 * <p>A workload that already holds an identity token from its platform (GitHub Actions, GitLab CI,
 * a Kubernetes service account) needs no secret of its own: {@link FederatedCredentials} exchanges
 * that token for the broker's (RFC 8693), with the same cache, renewal and back-off.
 *
 * <pre>{@code
 * ClientAuthentication job = FederatedCredentials.githubActions("deployer", issuer.toString());
 * TokenClient tokens = TokenClient.builder(issuer, job).build();
 * }</pre>
 *
 * <p>{@link #downscope} and {@link #actFor} exchange a broker token for a narrower one, or for one
 * with which this client acts for another party (delegation).
 *
 * <p>With {@link Builder#dpop()} its tokens are DPoP-bound (RFC 9449): a copied token is useless
 * without the client's key.
 *
 * <pre>{@code
 * TokenClient tokens = TokenClient.builder(issuer, IamAuthentication.defaultChain()).dpop().build();
 * HttpResponse<String> orders =
 *     tokens.token(Set.of("orders:read"), "https://orders.example.com")
 *         .send(http, HttpRequest.newBuilder(URI.create("https://orders.example.com/orders")),
 *             HttpResponse.BodyHandlers.ofString());
 * }</pre>
 */
public final class TokenClient {

  private static final System.Logger LOG = System.getLogger(TokenClient.class.getName());

  /** What a token is for: its scopes (empty: the client's defaults) and audience. */
  private record Key(SortedSet<String> scopes, Optional<String> audience) {}

  /** A refresh token: shown as what it is, never as its value. */
  private record RefreshToken(String value) {
    @Override
    public String toString() {
      return "RefreshToken[redacted]";
    }
  }

  /** A token held for a key, and when it must be renewed and stops being handed out. */
  private record Grant(
      AccessToken token,
      Optional<RefreshToken> refreshToken,
      Instant refreshAt,
      Instant usableUntil) {

    boolean usableAt(Instant now) {
      return now.isBefore(usableUntil);
    }
  }

  /** One key's token and the renewal in flight, if any (guarded by the slot's monitor). */
  private static final class Slot {
    private volatile Grant grant;
    private CompletableFuture<Grant> inFlight;
    private Instant retryNotBefore = Instant.MIN;
  }

  private final String issuer;
  private final ClientAuthentication authentication;
  private final TokenEndpoint endpoint;
  private final Clock clock;
  private final RefreshPolicy refresh;
  private final RetryPolicy retry;
  private final Supplier<RandomGenerator> random;
  private final Optional<DPoPBinding> dpop;
  private final ConcurrentHashMap<Key, Slot> slots = new ConcurrentHashMap<>();

  private TokenClient(Builder b) {
    this.issuer = stripSlash(b.issuer.toString());
    this.authentication = b.authentication;
    this.clock = b.clock;
    this.refresh = b.refresh;
    this.retry = b.retry;
    this.random = b.random;
    this.dpop = b.dpop.map(DPoPBinding::new);
    URI base = b.endpointBase != null ? b.endpointBase : b.issuer;
    this.endpoint =
        new TokenEndpoint(
            URI.create(stripSlash(base.toString()) + authentication.tokenPath()),
            issuer,
            authentication,
            b.http != null
                ? b.http
                : HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build(),
            clock,
            retry,
            b.sleeper,
            random,
            b.dpop);
  }

  /**
   * @param issuer the broker's issuer, its base URL (e.g. {@code https://broker.example.com}): the
   *     token routes are under it and assertions name it as their audience
   * @param authentication how the client proves who it is
   */
  public static Builder builder(URI issuer, ClientAuthentication authentication) {
    return new Builder(issuer, authentication);
  }

  /** A token with the client's default scopes, for its only audience. */
  public AccessToken token() {
    return get(new Key(new TreeSet<>(), Optional.empty()));
  }

  /** A token with these scopes, for the client's only audience. */
  public AccessToken token(Set<String> scopes) {
    return get(new Key(new TreeSet<>(scopes), Optional.empty()));
  }

  /** A token with these scopes for this audience (the API's identifier). */
  public AccessToken token(Set<String> scopes, String audience) {
    return get(new Key(new TreeSet<>(scopes), Optional.of(Objects.requireNonNull(audience))));
  }

  private AccessToken get(Key key) {
    Slot slot = slots.computeIfAbsent(key, k -> new Slot());
    Instant now = clock.instant();
    Grant held = slot.grant;
    if (held != null && now.isBefore(held.refreshAt())) {
      return held.token();
    }
    CompletableFuture<Grant> flight;
    boolean leader = false;
    synchronized (slot) {
      held = slot.grant;
      if (held != null
          && held.usableAt(now)
          && (now.isBefore(held.refreshAt()) || now.isBefore(slot.retryNotBefore))) {
        return held.token();
      }
      if (slot.inFlight == null) {
        slot.inFlight = new CompletableFuture<>();
        leader = true;
      }
      flight = slot.inFlight;
    }
    if (!leader) {
      // Someone renews it: keep the token we hold while it is good, else wait for theirs.
      return held != null && held.usableAt(now) ? held.token() : await(flight).token();
    }
    Grant fresh = null;
    Throwable failure = null;
    try {
      fresh = renew(slot, key, held);
      return fresh.token();
    } catch (
        Throwable e) { // whatever it is (a sneaky checked one too), the waiters must hear of it
      failure = e;
      Instant after = clock.instant();
      Grant kept = slot.grant; // the held one, its refresh token dropped if it was spent
      if (!(e instanceof Error) && kept != null && kept.usableAt(after)) {
        LOG.log(
            Level.WARNING,
            "token renewal failed ({0}); the current token stays in use until {1}",
            e.getMessage(),
            kept.usableUntil());
        return kept.token();
      }
      throw e instanceof RuntimeException || e instanceof Error
          ? sneaky(e)
          : new TokenUnavailable(
              "token renewal failed: " + e.getClass().getName() + " from the authentication", e);
    } finally {
      // Always: a renewal left in flight would make every later caller wait forever.
      synchronized (slot) {
        if (fresh != null) {
          slot.grant = fresh;
        } else {
          // A renewal ahead of time failed: keep the valid token a while before trying again.
          slot.retryNotBefore = clock.instant().plus(retry.maxBackoff());
        }
        slot.inFlight = null;
      }
      if (fresh != null) {
        flight.complete(fresh);
      } else {
        flight.completeExceptionally(failure != null ? failure : new IllegalStateException());
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static <T extends Throwable> RuntimeException sneaky(Throwable e) throws T {
    throw (T) e;
  }

  /**
   * The leader's failure, as a new exception for this waiter (its own stack trace; the shared
   * instance as its cause, never thrown by two threads at once).
   */
  private static Grant await(CompletableFuture<Grant> flight) {
    try {
      return flight.join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof TokenRequestRejected r) {
        throw r.again();
      }
      throw new TokenUnavailable(
          "the token renewal this call waited for failed"
              + (cause instanceof TokenBrokerException ? ": " + cause.getMessage() : ""),
          cause);
    }
  }

  /**
   * A refresh grant if we hold a refresh token (once), else the credential's own grant ({@link
   * ClientAuthentication#credentialGrant()}: client_credentials, or a token exchange). A refresh
   * grant that did not succeed drops the refresh token: the broker may have rotated it (a timeout,
   * a 5xx after its write), and sending it again would look like theft and revoke the family; the
   * held access token stays in use while valid and the next renewal uses client credentials.
   */
  private Grant renew(Slot slot, Key key, Grant held) {
    if (held != null && held.refreshToken().isPresent()) {
      Map<String, String> parameters = parameters("refresh_token", key);
      parameters.put("refresh_token", held.refreshToken().get().value());
      boolean spent = true;
      try {
        Grant fresh = grant(key, parameters);
        spent = false;
        return fresh;
      } catch (TokenRequestRejected e) {
        if (!e.error().equals("invalid_grant")) {
          throw e;
        }
        LOG.log(
            Level.INFO,
            "refresh token refused ({0}); asking with client credentials",
            e.getMessage());
      } catch (TokenUnavailable e) {
        LOG.log(
            Level.INFO,
            "refresh grant failed ({0}); its refresh token is dropped, asking with client"
                + " credentials",
            e.getMessage());
      } finally {
        if (spent) {
          synchronized (slot) {
            slot.grant =
                new Grant(held.token(), Optional.empty(), held.refreshAt(), held.usableUntil());
          }
        }
      }
    }
    // The credential's own grant: client_credentials, or a federated workload's outside token
    // exchanged (RFC 8693), made anew for every attempt (a file read again, a token fetched).
    String[] grantType = new String[1];
    TokenEndpoint.Answer answer =
        endpoint.grant(
            () -> {
              Map<String, String> parameters =
                  new LinkedHashMap<>(authentication.credentialGrant());
              grantType[0] = parameters.get("grant_type");
              addTarget(parameters, key);
              return parameters;
            });
    if (TokenEndpoint.TOKEN_EXCHANGE.equals(grantType[0]) && answer.refreshToken().isPresent()) {
      // The broker issues none for an exchange; were one given, a federated workload has no
      // credential to use it with: the next renewal exchanges a fresh outside token instead.
      answer = answer.withoutRefreshToken();
    }
    return held(key, answer);
  }

  private Grant grant(Key key, Map<String, String> parameters) {
    return held(key, endpoint.grant(parameters));
  }

  private Grant held(Key key, TokenEndpoint.Answer answer) {
    Duration lifetime = answer.expiresIn();
    // A lifetime at or under the margin would leave no usable time: scale the margin down.
    Duration margin = refresh.expiryMargin();
    if (margin.compareTo(lifetime.dividedBy(4)) > 0) {
      margin = lifetime.dividedBy(4);
    }
    Instant usableUntil = answer.sentAt().plus(lifetime).minus(margin);
    long lifetimeMillis = lifetime.toMillis();
    long early = (long) (lifetimeMillis * refresh.jitter() * random.get().nextDouble());
    Instant refreshAt =
        answer.sentAt().plusMillis((long) (lifetimeMillis * refresh.refreshAfter()) - early);
    if (refreshAt.isAfter(usableUntil)) {
      refreshAt = usableUntil;
    }
    return new Grant(
        token(answer, key.scopes()),
        answer.refreshToken().map(RefreshToken::new),
        refreshAt,
        usableUntil);
  }

  private AccessToken token(TokenEndpoint.Answer answer, Set<String> asked) {
    return new AccessToken(
        answer.accessToken(),
        answer.scopes().orElse(asked),
        answer.sentAt().plus(answer.expiresIn()),
        dpop);
  }

  private static Map<String, String> parameters(String grantType, Key key) {
    Map<String, String> parameters = new LinkedHashMap<>();
    parameters.put("grant_type", grantType);
    addTarget(parameters, key);
    return parameters;
  }

  private static void addTarget(Map<String, String> parameters, Key key) {
    if (!key.scopes().isEmpty()) {
      parameters.put("scope", String.join(" ", key.scopes()));
    }
    key.audience().ifPresent(a -> parameters.put("audience", a));
  }

  /**
   * A narrower token exchanged from {@code token}, one of this client's own (RFC 8693
   * down-scoping): at most these scopes (empty: the token's own), for {@code audience} only, living
   * no longer than {@code token} has left, and revoked with it. Hand it to a component or a
   * sub-process that needs less than the client holds: if it leaks, it is good for less.
   *
   * <p>Each call is one exchange, authenticated like the client's other requests (the broker
   * down-scopes a token for its own client only) and bound to its DPoP key if it has one; the
   * result is not cached (it derives from {@code token}, not from the client's own credential, and
   * may be narrower than a token for the same scopes and audience): keep it as long as you need it,
   * up to {@link AccessToken#expiresAt()}. Retried on 429 and 503 only ({@link RetryPolicy}); a
   * refusal ({@code invalid_scope}, {@code invalid_target}, {@code invalid_request} for a token
   * that is not this client's or no longer valid) is a {@link TokenRequestRejected}.
   *
   * @throws IllegalStateException for a client with {@link FederatedCredentials}: it has no
   *     credential to prove the token is its own; ask {@link #token(Set, String)} for the narrower
   *     token instead (a new exchange of the outside token)
   */
  public AccessToken downscope(AccessToken token, Set<String> scopes, String audience) {
    Objects.requireNonNull(token, "token");
    if (authentication instanceof FederatedCredentials) {
      throw new IllegalStateException(
          "a federated client has no credential to down-scope with: ask token(scopes, audience)"
              + " for the narrower token instead");
    }
    return exchange(token.value(), scopes, audience, () -> Map.of());
  }

  /**
   * A token for this client acting for another party (RFC 8693 delegation, for agents): {@code
   * subjectToken} is the broker access token the party gave this client (its client must name this
   * one in {@code may_act}). The new token's {@code sub} is the party's, its {@code act} claim
   * names this client (and any earlier actors), its scopes and audience are within both clients'
   * and its life within the subject token's. Not cached, as {@link #downscope}.
   *
   * <p>The actor is this client, proven as its other requests are: its own token for its default
   * scopes ({@link #token()}) as {@code actor_token}, the request authenticated by the client's
   * credential; with {@link FederatedCredentials}, which authenticate no request, the outside token
   * (read or fetched anew) is the {@code actor_token} and the broker authenticates the actor by it.
   */
  public AccessToken actFor(String subjectToken, Set<String> scopes, String audience) {
    if (authentication instanceof FederatedCredentials federated) {
      return exchange(subjectToken, scopes, audience, federated::actorToken);
    }
    return actFor(subjectToken, token(), scopes, audience);
  }

  /**
   * As {@link #actFor(String, Set, String)}, with this client's own {@code actorToken} (a broker
   * token of this client, for the request's credential to vouch for).
   */
  public AccessToken actFor(
      String subjectToken, AccessToken actorToken, Set<String> scopes, String audience) {
    Objects.requireNonNull(actorToken, "actorToken");
    return exchange(
        subjectToken,
        scopes,
        audience,
        () ->
            Map.of(
                "actor_token",
                actorToken.value(),
                "actor_token_type",
                TokenEndpoint.ACCESS_TOKEN_TYPE));
  }

  /**
   * One exchange of {@code subjectToken}, a broker access token; {@code actor} gives the actor
   * parameters, if any, for every attempt (an outside actor token is fetched anew each time).
   */
  private AccessToken exchange(
      String subjectToken,
      Set<String> scopes,
      String audience,
      Supplier<Map<String, String>> actor) {
    if (subjectToken == null || subjectToken.isBlank()) {
      throw new IllegalArgumentException("subjectToken must be a token");
    }
    Objects.requireNonNull(audience, "audience");
    Key target = new Key(new TreeSet<>(scopes), Optional.of(audience));
    TokenEndpoint.Answer answer =
        endpoint.grant(
            () -> {
              Map<String, String> parameters = new LinkedHashMap<>();
              parameters.put("grant_type", TokenEndpoint.TOKEN_EXCHANGE);
              parameters.put("subject_token", subjectToken);
              parameters.put("subject_token_type", TokenEndpoint.ACCESS_TOKEN_TYPE);
              Map<String, String> acting = actor.get();
              if (!acting.isEmpty()) { // in RFC 8693's order: the token, then its type
                parameters.put("actor_token", acting.get("actor_token"));
                parameters.put("actor_token_type", acting.get("actor_token_type"));
              }
              parameters.put("requested_token_type", TokenEndpoint.ACCESS_TOKEN_TYPE);
              addTarget(parameters, target);
              return parameters;
            });
    return token(answer, scopes);
  }

  private static String stripSlash(String uri) {
    return uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
  }

  @Override
  public String toString() {
    return "TokenClient["
        + issuer
        + ", "
        + authentication
        + dpop.map(d -> ", " + d.key()).orElse("")
        + ", "
        + slots.size()
        + " cached]";
  }

  /** Settings of a {@link TokenClient}; every one has a default. */
  public static final class Builder {

    private final URI issuer;
    private final ClientAuthentication authentication;
    private URI endpointBase;
    private HttpClient http;
    private Clock clock = Clock.systemUTC();
    private RefreshPolicy refresh = RefreshPolicy.DEFAULT;
    private RetryPolicy retry = RetryPolicy.DEFAULT;
    private Sleeper sleeper = Sleeper.REAL;
    private Supplier<RandomGenerator> random = ThreadLocalRandom::current;
    private Optional<DPoPKey> dpop = Optional.empty();

    private Builder(URI issuer, ClientAuthentication authentication) {
      this.issuer = Objects.requireNonNull(issuer, "issuer");
      this.authentication = Objects.requireNonNull(authentication, "authentication");
    }

    /**
     * Send requests here instead of to the issuer (a proxy, a private endpoint); assertions and
     * DPoP proofs ({@code htu}) still name the issuer's URLs.
     */
    public Builder endpointBase(URI base) {
      this.endpointBase = base;
      return this;
    }

    /** The HTTP client (default: a new one, 5 s connect timeout, no redirects). */
    public Builder httpClient(HttpClient http) {
      this.http = http;
      return this;
    }

    /**
     * The clock that decides when a held token is due (default: the system clock). Assertions and
     * SigV4 signatures carry their own time, the one the broker checks.
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock);
      return this;
    }

    public Builder refreshPolicy(RefreshPolicy refresh) {
      this.refresh = Objects.requireNonNull(refresh);
      return this;
    }

    public Builder retryPolicy(RetryPolicy retry) {
      this.retry = Objects.requireNonNull(retry);
      return this;
    }

    /**
     * DPoP-bound tokens (RFC 9449) with a new P-256 key held in memory: see {@link #dpop(DPoPKey)}.
     */
    public Builder dpop() {
      return dpop(DPoPKey.generate());
    }

    /**
     * DPoP-bound tokens (RFC 9449), bound to {@code key}: every token request (refresh grants
     * included) carries a proof of it, the broker's nonces are followed (section 8), and a token
     * the broker did not bind ({@code token_type} other than {@code DPoP}) is refused rather than
     * used as a bearer token. Tokens then need a proof on every API call: {@link AccessToken#send},
     * or {@link AccessToken#dpopProof}.
     */
    public Builder dpop(DPoPKey key) {
      this.dpop = Optional.of(Objects.requireNonNull(key, "key"));
      return this;
    }

    /** For tests on a simulated clock: how to wait between attempts. */
    Builder sleeper(Sleeper sleeper) {
      this.sleeper = Objects.requireNonNull(sleeper);
      return this;
    }

    /** For tests: the source of jitter. */
    Builder random(RandomGenerator random) {
      this.random = () -> random;
      return this;
    }

    public TokenClient build() {
      return new TokenClient(this);
    }
  }
}
