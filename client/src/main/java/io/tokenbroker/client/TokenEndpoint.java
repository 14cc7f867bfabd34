package io.tokenbroker.client;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;

/**
 * One grant at the broker's token endpoint, tried until it succeeds, is refused, or the retry
 * deadline comes: the HTTP exchange, the back-off, and reading the answer. Never puts a token, a
 * refresh token or an assertion in a message or a log line.
 */
final class TokenEndpoint {

  private static final System.Logger LOG = System.getLogger(TokenClient.class.getName());
  private static final Set<Integer> RETRYABLE = Set.of(429, 502, 503, 504);
  // What the broker answers only for a request it did no work for (its throttling).
  private static final Set<Integer> NOT_PROCESSED = Set.of(429);
  // ... and its 503 temporarily_unavailable, answered before an exchange spends its token.
  private static final Set<Integer> EXCHANGE_RETRYABLE = Set.of(429, 503);
  static final String TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
  static final String ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";
  private static final int MAX_DESCRIPTION = 300;
  private static final Duration MAX_LIFETIME = Duration.ofDays(1);
  // RFC 6749 A.7: the characters an error code may have.
  private static final Pattern ERROR_CODE =
      Pattern.compile("[\\x20-\\x21\\x23-\\x5B\\x5D-\\x7E]{1,64}");
  // A token type worth quoting (Bearer, DPoP, N_A): short, so never a secret.
  private static final Pattern TOKEN_TYPE = Pattern.compile("[A-Za-z][\\w-]{0,19}");
  // What a JWS (an assertion, an access token) or a refresh token looks like.
  private static final Pattern JWT_OR_REFRESH_TOKEN =
      Pattern.compile("[\\w-]{8,}\\.[\\w-]{8,}\\.[\\w-]{8,}|tbr_[\\w-]{16,}");

  /** What a 200 carried, and when the request that got it was sent (its lifetime starts then). */
  record Answer(
      String accessToken,
      Duration expiresIn,
      Optional<Set<String>> scopes,
      Optional<String> refreshToken,
      Instant sentAt) {

    Answer withoutRefreshToken() {
      return new Answer(accessToken, expiresIn, scopes, Optional.empty(), sentAt);
    }

    @Override
    public String toString() {
      return "Answer[expiresIn=" + expiresIn + ", scopes=" + scopes + "]";
    }
  }

  private final URI endpoint;
  // What DPoP proofs name as htu: the token endpoint under the issuer, the URL the broker knows
  // itself by, even when requests go through endpointBase (a proxy, a private endpoint).
  private final URI proofUrl;
  private final String issuer;
  private final ClientAuthentication authentication;
  private final HttpClient http;
  private final Clock clock;
  private final RetryPolicy retry;
  private final Sleeper sleeper;
  private final Supplier<RandomGenerator> random;
  private final Optional<DPoPKey> dpop;
  // The broker's latest DPoP-Nonce (RFC 9449 section 8.2): used until it gives another.
  private volatile Optional<String> nonce = Optional.empty();

  TokenEndpoint(
      URI endpoint,
      String issuer,
      ClientAuthentication authentication,
      HttpClient http,
      Clock clock,
      RetryPolicy retry,
      Sleeper sleeper,
      Supplier<RandomGenerator> random,
      Optional<DPoPKey> dpop) {
    this.endpoint = endpoint;
    this.proofUrl = URI.create(issuer + authentication.tokenPath());
    this.issuer = issuer;
    this.authentication = authentication;
    this.http = http;
    this.clock = clock;
    this.retry = retry;
    this.sleeper = sleeper;
    this.random = random;
    this.dpop = dpop;
  }

  Answer grant(Map<String, String> parameters) {
    return grant(() -> parameters);
  }

  /**
   * As {@link #grant(Map)}, with the parameters made anew for every attempt ({@link
   * ClientAuthentication#credentialGrant()}: an outside token read or fetched each time).
   */
  Answer grant(Supplier<? extends Map<String, String>> attempts) {
    // The deadline runs on the monotonic clock: the injected Clock may stand still (Clock.fixed).
    long started = sleeper.nanoTime();
    String grant = "token"; // the grant's name in messages, once the first attempt names it
    for (int attempt = 1; ; attempt++) {
      int failed = attempt;
      Duration wait;
      String why;
      Throwable cause = null;
      Set<Integer> retryable = RETRYABLE;
      try {
        Map<String, String> parameters = attempts.get();
        String grantType = parameters.get("grant_type");
        retryable = retryable(grantType);
        grant = grantType.equals(TOKEN_EXCHANGE) ? "token-exchange" : grantType;
        Exchange exchange = exchange(parameters);
        HttpResponse<String> response = exchange.response();
        int status = response.statusCode();
        if (status == 200) {
          return answer(response.body(), exchange.sentAt());
        }
        if (!retryable.contains(status)) {
          throw refused(status, response.body(), parameters);
        }
        why = "the broker answered " + status;
        Duration backoff = Backoff.exponential(failed, retry, random.get());
        wait =
            Backoff.wait(
                Backoff.retryAfter(response.headers().firstValue("Retry-After"), clock.instant()),
                backoff);
      } catch (UncheckedIOException e) {
        // The credential could not be had (credentialGrant): nothing was sent.
        why =
            "no credential to send ("
                + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage())
                + ")";
        wait = Backoff.exponential(failed, retry, random.get());
        cause = e;
      } catch (IOException e) {
        why = "the broker could not be reached (" + e.getClass().getSimpleName() + ")";
        if (retryable != RETRYABLE && !neverSent(e)) {
          throw new TokenUnavailable(
              grant + " grant: " + why + "; not retried, the broker may have received it", e);
        }
        wait = Backoff.exponential(failed, retry, random.get());
        cause = e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new TokenUnavailable("interrupted while asking for a token", e);
      }
      Duration elapsed = Duration.ofNanos(sleeper.nanoTime() - started);
      if (elapsed.plus(wait).compareTo(retry.deadline()) > 0) {
        throw new TokenUnavailable(
            grant
                + " grant: "
                + why
                + " after "
                + attempt
                + (attempt == 1 ? " attempt" : " attempts")
                + "; the next would start after the "
                + retry.deadline().toSeconds()
                + " s deadline",
            cause);
      }
      LOG.log(
          Level.INFO,
          "{0} grant: {1}; attempt {2} in {3} ms",
          grant,
          why,
          attempt + 1,
          wait.toMillis());
      try {
        sleeper.sleep(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new TokenUnavailable("interrupted while waiting to retry a token request", e);
      }
    }
  }

  /**
   * What a grant is retried on. A refresh token works once: a request that may have reached the
   * broker (a timeout, a 502 from a Lambda that ran, a 503/504 after a committed write) must not be
   * sent again, or the broker takes the second use for theft and revokes the family. Only what the
   * broker did not process is retried: 429 (throttled before any work) and a connection never made.
   * A token exchange may spend its subject token (a single-use jti): it is retried on 429, on the
   * broker's own 503 (temporarily_unavailable, with Retry-After) and on a connection never made,
   * never after a timeout or a 502/504, where the same token sent again would be refused as a
   * replay. A client_credentials grant is retried on every transient failure.
   */
  private static Set<Integer> retryable(String grantType) {
    return switch (grantType) {
      case "refresh_token" -> NOT_PROCESSED;
      case TOKEN_EXCHANGE -> EXCHANGE_RETRYABLE;
      default -> RETRYABLE;
    };
  }

  private record Exchange(HttpResponse<String> response, Instant sentAt) {}

  /**
   * One request and its answer; with DPoP, sent once more at once if the broker asks for a nonce
   * (RFC 9449 section 8: a 400 {@code use_dpop_nonce} with a {@code DPoP-Nonce}). The broker
   * refused the first before any work, so this holds for a refresh grant too.
   */
  private Exchange exchange(Map<String, String> parameters)
      throws IOException, InterruptedException {
    Instant sentAt = clock.instant();
    HttpResponse<String> response =
        http.send(request(parameters, nonce), HttpResponse.BodyHandlers.ofString());
    Optional<String> given = rememberNonce(response);
    if (dpop.isPresent()
        && response.statusCode() == 400
        && given.isPresent()
        && asksForNonce(response.body())) {
      LOG.log(Level.DEBUG, "the broker asked for a DPoP nonce; sending the request with it");
      sentAt = clock.instant();
      // This answer's own nonce: another thread's answer may have replaced the shared one.
      response = http.send(request(parameters, given), HttpResponse.BodyHandlers.ofString());
      rememberNonce(response);
    }
    return new Exchange(response, sentAt);
  }

  private HttpRequest request(Map<String, String> parameters, Optional<String> withNonce) {
    HttpRequest.Builder request =
        authentication
            .post(endpoint, issuer, parameters)
            .timeout(retry.requestTimeout())
            .header("Accept", "application/json");
    // Every token request, the refresh grant included (RFC 9449 section 5), with the one key.
    dpop.ifPresent(key -> request.header("DPoP", key.proof("POST", proofUrl, withNonce)));
    return request.build();
  }

  /** Keeps the answer's DPoP-Nonce, if it has a valid one, and gives it. */
  private Optional<String> rememberNonce(HttpResponse<String> response) {
    Optional<String> given =
        response.headers().firstValue("DPoP-Nonce").filter(DPoPKey::validNonce);
    given.ifPresent(n -> nonce = given);
    return given;
  }

  private static boolean asksForNonce(String body) {
    try {
      return "use_dpop_nonce".equals(JSONObjectUtils.parse(body).get("error"));
    } catch (ParseException e) {
      return false;
    }
  }

  /** A connection that was never made: the request did not leave this process. */
  private static boolean neverSent(IOException e) {
    return e instanceof ConnectException || e instanceof HttpConnectTimeoutException;
  }

  private Answer answer(String body, Instant sentAt) {
    Map<String, Object> json;
    try {
      json = JSONObjectUtils.parse(body);
    } catch (ParseException e) {
      throw new TokenUnavailable("the token response is not JSON", null);
    }
    if (!(json.get("access_token") instanceof String token) || token.isEmpty()) {
      throw new TokenUnavailable("the token response has no access_token", null);
    }
    // RFC 6749 7.1: the type is case-insensitive. A DPoP request answered with another type got a
    // token bound to no key: refused rather than used as a bearer token (RFC 9449 section 5).
    String expected = dpop.isPresent() ? "DPoP" : "Bearer";
    if (!(json.get("token_type") instanceof String type) || !type.equalsIgnoreCase(expected)) {
      String got =
          json.get("token_type") instanceof String t && TOKEN_TYPE.matcher(t).matches()
              ? t
              : "missing or malformed";
      throw new TokenUnavailable(
          dpop.isPresent()
              ? "the broker answered a DPoP token request with token_type "
                  + got
                  + ", not DPoP: the token is bound to no key; refused rather than used as a"
                  + " bearer token (does the broker accept DPoP for this client?)"
              : "the token response's token_type is " + got + ", not Bearer",
          null);
    }
    if (!(json.get("expires_in") instanceof Number expiresIn) || expiresIn.longValue() <= 0) {
      throw new TokenUnavailable("the token response has no positive expires_in", null);
    }
    // An access token lives minutes; a lifetime past a day is a broken answer (and a huge one
    // would overflow Instant arithmetic).
    if (expiresIn.longValue() > MAX_LIFETIME.toSeconds()) {
      throw new TokenUnavailable(
          "the token response's expires_in is over " + MAX_LIFETIME.toHours() + " h", null);
    }
    // RFC 8693 2.2.1: an exchange names what it issued; only an access token is usable here.
    if (json.containsKey("issued_token_type")
        && !ACCESS_TOKEN_TYPE.equals(json.get("issued_token_type"))) {
      throw new TokenUnavailable(
          "the token exchange issued something other than an access token", null);
    }
    Optional<Set<String>> scopes =
        json.get("scope") instanceof String scope
            ? Optional.of(new LinkedHashSet<>(Arrays.asList(scope.strip().split(" +"))))
            : Optional.empty();
    Optional<String> refresh =
        json.get("refresh_token") instanceof String r && !r.isEmpty()
            ? Optional.of(r)
            : Optional.empty();
    return new Answer(token, Duration.ofSeconds(expiresIn.longValue()), scopes, refresh, sentAt);
  }

  /**
   * A refusal as the broker worded it ({@code error}, {@code error_description}), or API Gateway's
   * {@code message}; cut short, without control characters, and without any secret this request
   * carried, should a server ever echo one.
   */
  private RuntimeException refused(int status, String body, Map<String, String> parameters) {
    String error = "http_" + status;
    Optional<String> description = Optional.empty();
    try {
      Map<String, Object> json = JSONObjectUtils.parse(body);
      if (json.get("error") instanceof String e && ERROR_CODE.matcher(e).matches()) {
        error = clean(e, parameters.values()); // an echoed secret fits the charset too
      }
      Object text = json.get("error_description");
      if (!(text instanceof String)) {
        text = json.get("message");
      }
      if (text instanceof String s) {
        description = Optional.of(clean(s, parameters.values()));
      }
    } catch (ParseException e) {
      // not JSON: the status says enough
    }
    if (status >= 500) {
      return new TokenUnavailable(
          "the broker answered " + status + " " + error + description.map(d -> ": " + d).orElse(""),
          null);
    }
    return new TokenRequestRejected(status, error, description);
  }

  private static String clean(String description, Collection<String> secrets) {
    String s = description;
    for (String secret : secrets) {
      if (secret.length() >= 16) { // a refresh token, not "client_credentials"
        s = s.replace(secret, "[redacted]");
      }
    }
    s = JWT_OR_REFRESH_TOKEN.matcher(s).replaceAll("[redacted]");
    s = s.replaceAll("[\\p{Cntrl}]", " ");
    return s.length() > MAX_DESCRIPTION ? s.substring(0, MAX_DESCRIPTION) + "..." : s;
  }
}
