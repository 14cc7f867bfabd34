package io.tokenbroker.verifier;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.util.JSONObjectUtils;
import io.tokenbroker.access.RouteRule;
import io.tokenbroker.access.RouteRules;
import io.tokenbroker.adapters.jwks.JwksUrlKeySource;
import io.tokenbroker.config.Env;
import io.tokenbroker.dpop.DpopPolicy;
import io.tokenbroker.dpop.DpopProofVerifier;
import io.tokenbroker.dpop.DpopReplayGuard;
import io.tokenbroker.dpop.DpopRequest;
import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.errors.ServiceFailure;
import io.tokenbroker.identifiers.ClientId;
import io.tokenbroker.jose.Confirmation;
import io.tokenbroker.verify.AccessTokenVerifier;
import io.tokenbroker.verify.CachingKeyResolver;
import io.tokenbroker.verify.CertificateBinding;
import io.tokenbroker.verify.KeySource;
import io.tokenbroker.verify.RevocationCheck;
import io.tokenbroker.verify.RevocationStatus;
import io.tokenbroker.verify.VerifiedToken;
import io.tokenbroker.verify.VerifierPolicy;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Checks a request's bearer token the way the broker's API Gateway authorizer does, for services
 * that are not behind API Gateway (ALB, ECS, EKS): the same {@link AccessTokenVerifier} (RFC 9068
 * profile, every check in its documented order), fed by the broker's JWKS through the same key
 * cache, and the same route rules ({@link RouteRules}: a request no rule matches is refused).
 *
 * <pre>{@code
 * TokenVerifier verifier =
 *     TokenVerifier.builder()
 *         .issuer("https://abc123.execute-api.eu-west-1.amazonaws.com/prod")
 *         .audience("https://orders.example.com")
 *         .route("GET /orders/*", "orders:read")
 *         .route("POST /orders", "orders:write")
 *         .build();
 * Decision decision = verifier.verify(method, path, authorizationHeader);
 * }</pre>
 *
 * <p>What it cannot check on its own: revocation. The authorizer reads the broker's revocations
 * table; a service that only reads the JWKS does not, so a revoked token is accepted here until it
 * expires (a compromised signing key, though, leaves the JWKS and is dropped at the next key read).
 * Keep such services' tokens short-lived, and on the routes that cannot wait ask the broker ({@link
 * Builder#introspection}).
 *
 * <p>DPoP-bound tokens (RFC 9449, {@code cnf.jkt}) are accepted only by a verifier built with
 * {@link Builder#dpop} and only through {@link #verify(String, String, String, List, String)}, with
 * the request's {@code DPoP} header and the URL the client called: the same proof checks as the
 * authorizer's ({@link DpopProofVerifier}). Without it, or under the Bearer scheme, they are
 * refused.
 *
 * <p>Thread-safe; build one per service and share it.
 */
public final class TokenVerifier {

  private static final System.Logger LOG = System.getLogger(TokenVerifier.class.getName());

  /** A JWKS-only service has no revocations table to read: nothing is ever reported revoked. */
  private static final RevocationCheck NO_REVOCATION_TABLE =
      (jti, clientId, kid, familyId, lineage) -> RevocationStatus.NONE;

  private final AccessTokenVerifier verifier;
  private final RouteRules routes;
  private final Optional<Introspection> introspection;
  private final Optional<DpopProofVerifier> proofs;
  private final Optional<String> publicOrigin;

  private TokenVerifier(
      AccessTokenVerifier verifier,
      RouteRules routes,
      Optional<Introspection> introspection,
      Optional<DpopProofVerifier> proofs,
      Optional<String> publicOrigin) {
    this.verifier = verifier;
    this.routes = routes;
    this.introspection = introspection;
    this.proofs = proofs;
    this.publicOrigin = publicOrigin;
  }

  /**
   * The origin clients call this service at ({@link Builder#dpop}), if it checks DPoP proofs: a
   * request's URL is this followed by its raw path.
   */
  public Optional<String> dpopOrigin() {
    return publicOrigin;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Decides one request. Never throws for anything a caller sends; a failure to read the broker's
   * keys is a {@link Decision.Refused} with 503 (or 500 if retrying cannot help), never an allow.
   *
   * @param method the request's HTTP method, as sent ({@code GET}; rules match it exactly); not
   *     null
   * @param path the request path without query, decoded once, exactly as the server dispatches it
   *     to its handler ({@code /orders/17}); a path with a dot segment ({@code ..}, {@code ..;x},
   *     {@code %2e%2e}) or a backslash is refused (400), since the rules would match its text but
   *     the server may resolve it to another resource
   * @param authorizationHeader the Authorization header's value, or null if there was none (a
   *     request that sent it more than once: pass null, or join the values with commas: refused)
   */
  public Decision verify(String method, String path, String authorizationHeader) {
    return verify(method, path, authorizationHeader, List.of(), null, Optional.empty());
  }

  /**
   * {@link #verify(String, String, String)} for a request that came over TLS: a token bound to a
   * client certificate (RFC 8705, {@code cnf["x5t#S256"]}) is accepted only when {@code
   * clientCertificate} is that certificate, else refused (401, {@code client_certificate_missing}
   * or {@code client_certificate_mismatch}).
   *
   * @param clientCertificate the certificate the client authenticated the TLS connection with (the
   *     first of the SSL session's peer certificates), empty if it presented none
   */
  public Decision verify(
      String method,
      String path,
      String authorizationHeader,
      Optional<X509Certificate> clientCertificate) {
    return verify(method, path, authorizationHeader, List.of(), null, clientCertificate);
  }

  /**
   * {@link #verify(String, String, String, List, String, Optional)} without a client certificate.
   */
  public Decision verify(
      String method,
      String path,
      String authorizationHeader,
      List<String> dpopHeaders,
      String requestUrl) {
    return verify(method, path, authorizationHeader, dpopHeaders, requestUrl, Optional.empty());
  }

  /**
   * Decides one request that may use a DPoP-bound token (RFC 9449 7.1): {@code Authorization: DPoP
   * <token>} with one {@code DPoP} proof of the key the token is bound to, made for this request;
   * or a certificate-bound token (RFC 8705) on a request made with that certificate. As {@link
   * #verify(String, String, String)} otherwise; a Bearer request is decided as there.
   *
   * @param dpopHeaders every value of the request's {@code DPoP} headers (any case of the name), as
   *     received; one is expected
   * @param requestUrl the URL the client called, from this service's own configuration (its public
   *     origin, {@link #dpopOrigin}) and the request's raw path, never from a Host header; its
   *     query is ignored. Null if unknown: a DPoP request is then refused
   * @param clientCertificate the certificate the client authenticated the TLS connection with,
   *     empty if it presented none
   */
  public Decision verify(
      String method,
      String path,
      String authorizationHeader,
      List<String> dpopHeaders,
      String requestUrl,
      Optional<X509Certificate> clientCertificate) {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(dpopHeaders, "dpopHeaders");
    Optional<String> token;
    boolean dpop = false;
    try {
      token = Bearer.token(authorizationHeader);
      if (token.isEmpty() && proofs.isPresent()) {
        token = Bearer.token(authorizationHeader, "DPoP");
        dpop = token.isPresent();
      }
    } catch (Bearer.Malformed e) {
      return unauthorized(VerifierReason.AUTHORIZATION_MALFORMED.logName(), true);
    }
    if (token.isEmpty()) {
      return unauthorized(VerifierReason.TOKEN_MISSING.logName(), false);
    }
    if (!isNormalized(path)) {
      return new Decision.Refused(
          400, "invalid_request", VerifierReason.PATH_NOT_NORMALIZED.logName(), Optional.empty());
    }
    VerifiedToken verified;
    VerifierReason unavailable = VerifierReason.KEYS_UNAVAILABLE;
    try {
      verified = verifier.verify(token.get());
      if (dpop) {
        if (!(verified.confirmation().orElse(null) instanceof Confirmation.DpopKey key)) {
          return dpopRefused(VerifierReason.DPOP_TOKEN_NOT_BOUND.logName(), "invalid_token");
        }
        unavailable = VerifierReason.DPOP_REPLAY_UNAVAILABLE; // the keys served; the store did not
        proofs
            .orElseThrow()
            .verify(
                DpopRequest.resourceRequest(
                    dpopHeaders,
                    method,
                    requestUrl == null ? "" : requestUrl,
                    token.get(),
                    key.thumbprint()));
      } else if (verified.confirmation().orElse(null)
          instanceof Confirmation.ClientCertificate bound) {
        CertificateBinding.require(bound, clientCertificate); // RFC 8705 3
      } else if (!verified.isBearer()) {
        // RFC 9449 7.2: a DPoP-bound token used as a bearer token is refused.
        return unauthorized(VerifierReason.BOUND_TOKEN_NOT_PROVEN.logName(), true);
      }
    } catch (RequestRejected rejected) {
      return dpop
          ? dpopRefused(rejected.reason(), rejected.error().code())
          : unauthorized(rejected.reason(), true);
    } catch (ServiceFailure failure) {
      return unavailable(failure, unavailable);
    } catch (RuntimeException bug) {
      LOG.log(System.Logger.Level.ERROR, "token verification failed: " + bug.getClass().getName());
      return new Decision.Refused(
          500, "server_error", VerifierReason.VERIFIER_FAILED.logName(), Optional.empty());
    }
    if (routes.permits(verified.scopes(), verified.actor().isPresent(), method, path)) {
      if (introspection.filter(i -> i.appliesTo(method, path)).isPresent()) {
        try {
          if (!introspection.get().isActive(token.get(), verified.jti())) {
            return unauthorized(VerifierReason.TOKEN_INACTIVE.logName(), true);
          }
        } catch (ServiceFailure failure) {
          return unavailable(failure, VerifierReason.INTROSPECTION_UNAVAILABLE);
        }
      }
      return new Decision.Allowed(
          new Principal(
              verified.subject(),
              verified.clientId(),
              verified.scopes(),
              verified.jti(),
              verified.expiresAt(),
              verified.actor()));
    }
    boolean delegated = verified.actor().isPresent();
    Optional<RouteRule> scopesHeld =
        routes.rules().stream()
            .filter(r -> r.matches(method, path) && verified.scopes().containsAll(r.scopes()))
            .findFirst();
    if (scopesHeld.isPresent()) {
      // The token has the scopes; a delegation rule refuses it. Naming scopes would mislead.
      return new Decision.Refused(
          403,
          "insufficient_scope",
          (delegated ? VerifierReason.DELEGATION_FORBIDDEN : VerifierReason.DELEGATION_REQUIRED)
              .logName(),
          Optional.of(
              "Bearer error=\"insufficient_scope\", error_description=\""
                  + (delegated ? "delegated token not accepted" : "delegated token required")
                  + "\""));
    }
    // RFC 6750 3.1: name the scope needed; with several matching rules, the first one's.
    Optional<RouteRule> matching =
        routes.rules().stream().filter(r -> r.matches(method, path)).findFirst();
    String challenge =
        "Bearer error=\"insufficient_scope\""
            + matching.map(r -> ", scope=\"" + String.join(" ", r.scopes()) + "\"").orElse("");
    return new Decision.Refused(
        403,
        "insufficient_scope",
        (matching.isPresent()
                ? VerifierReason.INSUFFICIENT_SCOPE
                : VerifierReason.NO_MATCHING_ROUTE)
            .logName(),
        Optional.of(challenge));
  }

  /**
   * RFC 9449 7.1: a DPoP request's refusal is 401 with a DPoP challenge: {@code invalid_token} for
   * the token, {@code invalid_dpop_proof} for the proof, and the algorithms a proof may use.
   */
  private static Decision.Refused dpopRefused(String reason, String error) {
    return new Decision.Refused(
        401,
        error,
        reason,
        Optional.of("DPoP error=\"" + error + "\", algs=\"" + DPOP_ALGORITHMS + "\""));
  }

  private static final String DPOP_ALGORITHMS =
      String.join(" ", DpopProofVerifier.ALGORITHMS.stream().map(a -> a.getName()).toList());

  /** 503 if asking again may help, else 500; never an allow. */
  private static Decision.Refused unavailable(ServiceFailure failure, VerifierReason reason) {
    LOG.log(System.Logger.Level.WARNING, "token-broker unavailable: " + failure.getMessage());
    return failure.retryable()
        ? new Decision.Refused(503, "temporarily_unavailable", reason.logName(), Optional.empty())
        : new Decision.Refused(500, "server_error", reason.logName(), Optional.empty());
  }

  /**
   * RFC 6750 3.1: a request without a bearer credential gets a bare challenge; one with a bad one
   * gets {@code invalid_token}.
   */
  private static Decision.Refused unauthorized(String reason, boolean tokenPresented) {
    return new Decision.Refused(
        401,
        "invalid_token",
        reason,
        Optional.of(tokenPresented ? "Bearer error=\"invalid_token\"" : "Bearer"));
  }

  /**
   * Route rules match text; a path with dot segments would match one rule and reach another
   * resource once resolved ({@code /public/../admin}), so it is refused instead. So is a segment
   * that is a dot segment before its {@code ;parameters} ({@code /public/..;/admin}: Tomcat and
   * Jetty drop those, then resolve), one still percent-encoded ({@code %2e%2e}: decoded once more
   * somewhere behind), and a backslash (a separator to some servers and proxies).
   */
  private static boolean isNormalized(String path) {
    if (path == null || !path.startsWith("/") || path.indexOf('\\') >= 0) {
      return false;
    }
    for (String segment : path.split("/", -1)) {
      int semicolon = segment.indexOf(';');
      String name =
          (semicolon < 0 ? segment : segment.substring(0, semicolon)).toLowerCase(Locale.ROOT);
      name = name.replace("%2e", ".");
      if (name.equals(".") || name.equals("..")) {
        return false;
      }
    }
    return true;
  }

  /** The Authorization header's bearer token, read as the authorizer reads it. */
  static final class Bearer {
    private Bearer() {}

    static final class Malformed extends Exception {
      Malformed() {
        super(null, null, false, false);
      }
    }

    /**
     * RFC 6750 2.1: {@code Bearer <token>}, scheme case-insensitive, one token, nothing after it.
     *
     * @return empty if there is no bearer credential at all (no header, blank, another scheme)
     * @throws Malformed if there is a bearer credential but it is not one token
     */
    static Optional<String> token(String header) throws Malformed {
      return token(header, "Bearer");
    }

    /** The same for another scheme's token68 credential ({@code DPoP}, RFC 9449 7.1). */
    static Optional<String> token(String header, String expectedScheme) throws Malformed {
      if (header == null || header.isBlank()) {
        return Optional.empty();
      }
      String credential = header.strip();
      int space = credential.indexOf(' ');
      String scheme = space < 0 ? credential : credential.substring(0, space);
      if (!scheme.equalsIgnoreCase(expectedScheme)) {
        return Optional.empty();
      }
      String token = space < 0 ? "" : credential.substring(space + 1).stripLeading();
      // A comma: headers sent twice and joined; whitespace: two credentials, or a broken one.
      if (token.isEmpty() || token.chars().anyMatch(c -> c == ',' || Character.isWhitespace(c))) {
        throw new Malformed();
      }
      return Optional.of(token);
    }
  }

  /**
   * Everything but issuer, audience and at least one route has the authorizer's default. Each
   * setter checks its value; {@link #build} checks that nothing required is missing.
   */
  public static final class Builder {

    private static final String JWKS_PATH = "/.well-known/jwks.json";

    private String issuer;
    private String audience;
    private final Map<String, List<String>> routes = new LinkedHashMap<>();
    private String routesJson;
    private URI jwksUri;
    private boolean discover;
    private Clock clock = Clock.systemUTC();
    private Set<JWSAlgorithm> algorithms = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256);
    private Duration clockSkew = Duration.ofSeconds(60);
    private Duration maxTokenLifetime = Duration.ofHours(1);
    private Duration keyCacheMaxAge = Duration.ofMinutes(5);
    private Duration keyRefreshMinInterval = Duration.ofSeconds(30);
    private Duration timeout = Duration.ofMillis(1500);
    private String introspectionClientId;
    private JWK introspectionKey;
    private List<String> introspectionRoutes = List.of();
    private String dpopOrigin;
    private DpopReplayGuard dpopReplayGuard;
    private Duration dpopProofMaxAge = Duration.ofSeconds(60);

    private Builder() {}

    /**
     * Accept DPoP-bound tokens (RFC 9449) with a proof of their key in each request, checked as the
     * authorizer checks them (every check of section 4.3, {@code ath}, the bound key, single use).
     *
     * @param publicOrigin the scheme, host and port clients call this service at, as their proofs'
     *     {@code htu} names it ({@code https://orders.example.com}); the filter appends each
     *     request's path. Never derived from a Host header, which the client chooses
     */
    public Builder dpop(String publicOrigin) {
      URI origin = secureUrl(publicOrigin, "publicOrigin");
      if (!(origin.getRawPath() == null || origin.getRawPath().isEmpty())
          || origin.getRawQuery() != null
          || origin.getRawFragment() != null) {
        throw new IllegalArgumentException(
            "publicOrigin is scheme, host and port only (https://orders.example.com)");
      }
      this.dpopOrigin = publicOrigin;
      return this;
    }

    /**
     * Where each DPoP proof's use is recorded, so that it is accepted once: by default this
     * process's memory, which is enough for one instance only; give a store every instance shares
     * (e.g. a DynamoDB conditional put) when there are several.
     */
    public Builder dpopReplayGuard(DpopReplayGuard guard) {
      this.dpopReplayGuard = Objects.requireNonNull(guard, "guard");
      return this;
    }

    /** How long after its {@code iat} a proof is accepted (default 60 s, 5 s to 5 minutes). */
    public Builder dpopProofMaxAge(Duration maxAge) {
      this.dpopProofMaxAge =
          within(maxAge, Duration.ofSeconds(5), Duration.ofMinutes(5), "dpopProofMaxAge");
      return this;
    }

    /**
     * The broker's issuer: its base URL exactly as tokens carry it in {@code iss} (no trailing
     * slash); https, or http to a loopback host for local development. Its JWKS is read from {@code
     * <issuer>/.well-known/jwks.json} unless {@link #discoverJwksUri} or {@link #jwksUri} says
     * otherwise.
     */
    public Builder issuer(String issuer) {
      URI uri = secureUrl(issuer, "issuer");
      if (issuer.endsWith("/") || uri.getRawQuery() != null || uri.getRawFragment() != null) {
        throw new IllegalArgumentException(
            "issuer must be the broker's base URL as tokens carry it: no trailing slash, query or"
                + " fragment");
      }
      this.issuer = issuer;
      return this;
    }

    /** The audience this service accepts: tokens whose {@code aud} does not contain it are 401. */
    public Builder audience(String audience) {
      if (audience == null || audience.isBlank()) {
        throw new IllegalArgumentException("audience must not be blank");
      }
      this.audience = audience;
      return this;
    }

    /**
     * One route rule, as in the authorizer's ROUTE_SCOPES: {@code "METHOD /path"} ({@code *} a
     * wildcard in either, matching any run of characters, slashes included; {@code {id}} is read as
     * {@code *}, so it too can span slashes) needs every one of {@code scopes} (none: any valid
     * token). A request no rule matches is refused (403). A request is allowed when <em>any</em>
     * rule that matches it is granted (as the authorizer's IAM policy decides): give every rule
     * that can match a deeper path the scopes that path needs, e.g. {@code GET /orders/*} matches
     * what {@code GET /orders/*}{@code /invoices} does.
     */
    public Builder route(String methodAndPath, String... scopes) {
      Objects.requireNonNull(methodAndPath, "methodAndPath");
      if (routes.putIfAbsent(methodAndPath, List.of(scopes)) != null) {
        throw new IllegalArgumentException("route given twice: " + methodAndPath);
      }
      return this;
    }

    /**
     * All route rules at once, in the authorizer's ROUTE_SCOPES syntax, e.g. {@code {"GET
     * /orders/*": ["orders:read"], "POST /orders": ["orders:write"]}}. Instead of {@link #route}.
     */
    public Builder routes(String routeScopesJson) {
      this.routesJson = Objects.requireNonNull(routeScopesJson, "routeScopesJson");
      return this;
    }

    /**
     * Find the JWKS from {@code <issuer>/.well-known/openid-configuration} (its {@code issuer} must
     * be ours, its {@code jwks_uri} https or loopback) at the first key read, instead of the
     * broker's fixed JWKS path.
     */
    public Builder discoverJwksUri() {
      this.discover = true;
      return this;
    }

    /**
     * The JWKS at another address than the issuer's (a private endpoint, a proxy); https, or http
     * to a loopback host. The tokens must still carry {@link #issuer} as {@code iss}.
     */
    public Builder jwksUri(String jwksUri) {
      this.jwksUri = secureUrl(jwksUri, "jwksUri");
      return this;
    }

    /**
     * On these routes (e.g. {@code "POST /payments"}: each exactly one of the route rules, as
     * written, else {@link #build} refuses; matched as route rules are), also ask the broker's
     * introspection endpoint (RFC 7662) whether the token is still active, so a revoked token is
     * refused at once rather than when it expires. Costs one call to the broker per request on
     * those routes. This service must be registered with the broker as a client that may introspect
     * ({@code "introspection": true}) with {@code privateKey}'s public half in its {@code jwks}; it
     * authenticates by {@code private_key_jwt}.
     *
     * @param privateKey the client's private key, with its kid and alg (RS256, ES256 or PS256)
     */
    public Builder introspection(String clientId, JWK privateKey, String... routes) {
      if (clientId == null || !ClientId.isValid(clientId)) {
        throw new IllegalArgumentException("clientId is not a client id the broker registers");
      }
      if (routes.length == 0) {
        throw new IllegalArgumentException("name the routes to introspect on");
      }
      this.introspectionClientId = clientId;
      this.introspectionKey = Objects.requireNonNull(privateKey, "privateKey");
      this.introspectionRoutes = List.of(routes);
      return this;
    }

    /** For tests and simulations; the system clock otherwise. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * How long keys read from the JWKS are reused (default 5 minutes, 1 s to 1 h; a key the broker
     * withdraws is trusted at most this long after), and how often at most an unknown kid makes it
     * read them early (default 30 s, 1 s to 10 min).
     */
    public Builder keyCache(Duration maxAge, Duration minRefreshInterval) {
      this.keyCacheMaxAge = within(maxAge, Duration.ofSeconds(1), Duration.ofHours(1), "maxAge");
      this.keyRefreshMinInterval =
          within(
              minRefreshInterval,
              Duration.ofSeconds(1),
              Duration.ofMinutes(10),
              "minRefreshInterval");
      return this;
    }

    /** Connect and read timeout of each JWKS or discovery read (default 1.5 s, 100 ms to 10 s). */
    public Builder timeout(Duration timeout) {
      this.timeout = within(timeout, Duration.ofMillis(100), Duration.ofSeconds(10), "timeout");
      return this;
    }

    /** Allowed {@code alg} values, some of RS256, ES256, PS256 (default RS256, ES256). */
    public Builder algorithms(String... algorithms) {
      this.algorithms =
          Arrays.stream(algorithms).map(JWSAlgorithm::parse).collect(Collectors.toSet());
      return this;
    }

    /** Tolerance for exp, nbf and iat (default 60 s, at most 5 minutes). */
    public Builder clockSkew(Duration clockSkew) {
      this.clockSkew = Objects.requireNonNull(clockSkew, "clockSkew");
      return this;
    }

    /** The longest {@code exp - iat} accepted (default 1 h; the broker's own maximum or less). */
    public Builder maxTokenLifetime(Duration maxTokenLifetime) {
      this.maxTokenLifetime = Objects.requireNonNull(maxTokenLifetime, "maxTokenLifetime");
      return this;
    }

    /**
     * @throws IllegalStateException if issuer, audience or routes are missing, or an introspection
     *     route is not one of the route rules
     * @throws IllegalArgumentException if a value is out of range
     * @throws io.tokenbroker.errors.ConfigException if a route rule is malformed
     */
    public TokenVerifier build() {
      if (issuer == null || audience == null) {
        throw new IllegalStateException("issuer and audience are required");
      }
      if (routes.isEmpty() == (routesJson == null)) {
        throw new IllegalStateException("give the route rules, by route(...) or by routes(json)");
      }
      if (discover && jwksUri != null) {
        throw new IllegalStateException("either discoverJwksUri() or jwksUri(...), not both");
      }
      String rulesJson = routesJson != null ? routesJson : JSONObjectUtils.toJSONString(json());
      RouteRules rules = RouteRules.parse(rulesJson);
      VerifierPolicy policy =
          new VerifierPolicy(issuer, audience, algorithms, clockSkew, maxTokenLifetime);
      KeySource keys =
          discover
              ? new DiscoveredJwksKeySource(URI.create(issuer), timeout)
              : new JwksUrlKeySource(
                  jwksUri != null ? jwksUri : URI.create(issuer + JWKS_PATH), timeout);
      var keyCache = new CachingKeyResolver(keys, clock, keyCacheMaxAge, keyRefreshMinInterval);
      Optional<Introspection> introspection =
          introspectionRoutes.isEmpty()
              ? Optional.empty()
              : Optional.of(
                  new Introspection(
                      issuer,
                      introspectionClientId,
                      introspectionKey,
                      RouteRules.parse(JSONObjectUtils.toJSONString(noScopes(introspectionRoutes))),
                      clock,
                      timeout));
      // Introspection routes are matched on their own: one that is not exactly a rule could cover
      // requests another rule allows (or miss ones it should cover), unnoticed.
      Set<String> ruleTexts;
      try {
        ruleTexts = JSONObjectUtils.parse(rulesJson).keySet();
      } catch (java.text.ParseException e) {
        throw new IllegalArgumentException("route rules are not a JSON object");
      }
      for (String route : introspectionRoutes) {
        if (!ruleTexts.contains(route)) {
          throw new IllegalStateException(
              "introspection route "
                  + route
                  + " is not one of the route rules, exactly as written");
        }
      }
      if (dpopReplayGuard != null && dpopOrigin == null) {
        throw new IllegalStateException("dpopReplayGuard(...) needs dpop(publicOrigin)");
      }
      Optional<DpopProofVerifier> proofs =
          Optional.ofNullable(dpopOrigin)
              .map(
                  origin ->
                      new DpopProofVerifier(
                          new DpopPolicy(dpopProofMaxAge, clockSkew, Optional.empty()),
                          dpopReplayGuard != null
                              ? dpopReplayGuard
                              : new ProcessDpopReplayGuard(clock),
                          clock));
      return new TokenVerifier(
          new AccessTokenVerifier(policy, keyCache, NO_REVOCATION_TABLE, clock),
          rules,
          introspection,
          proofs,
          Optional.ofNullable(dpopOrigin));
    }

    private static Map<String, Object> noScopes(List<String> routes) {
      Map<String, Object> json = new LinkedHashMap<>();
      routes.forEach(route -> json.put(route, List.of()));
      return json;
    }

    private Map<String, Object> json() {
      Map<String, Object> json = new LinkedHashMap<>();
      routes.forEach((route, scopes) -> json.put(route, new ArrayList<>(scopes)));
      return json;
    }

    private static Duration within(Duration value, Duration min, Duration max, String name) {
      Objects.requireNonNull(value, name);
      if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
        throw new IllegalArgumentException(name + " must be between " + min + " and " + max);
      }
      return value;
    }
  }

  /**
   * An https URL, or http to a loopback host (judged from the text, as the authorizer's JWKS_URL
   * is), without user info.
   */
  static URI secureUrl(String url, String name) {
    Objects.requireNonNull(url, name);
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(name + " is not a valid URL");
    }
    if (uri.getHost() == null || uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException(name + " must be an absolute URL without user info");
    }
    boolean loopbackHttp = "http".equals(uri.getScheme()) && Env.isLoopback(uri.getHost());
    if (!"https".equals(uri.getScheme()) && !loopbackHttp) {
      throw new IllegalArgumentException(
          name + " must be an https URL (http only to 127.0.0.1, [::1] or localhost)");
    }
    return uri;
  }
}
