package io.tokenbroker.client;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * An access token from the broker: a bearer token, or a DPoP-bound one (RFC 9449) when the {@link
 * TokenClient} has a {@link DPoPKey}. {@link #toString()} shows its type, scopes and expiry, never
 * the token: log it freely.
 *
 * <p>A DPoP-bound token is useless without a proof of the key: each request carries {@code
 * Authorization: DPoP <token>} and a new {@code DPoP} proof for its method and URL. {@link #send}
 * does all of it with {@code java.net.http}; with another HTTP stack, set {@link
 * #authorizationHeader()} and {@link #dpopProof} yourself and hand the answer to {@link
 * #dpopNonceChallenge}.
 */
public final class AccessToken {

  private final String value;
  private final Set<String> scopes;
  private final Instant expiresAt;
  private final Optional<DPoPBinding> dpop;

  AccessToken(String value, Set<String> scopes, Instant expiresAt) {
    this(value, scopes, expiresAt, Optional.empty());
  }

  AccessToken(String value, Set<String> scopes, Instant expiresAt, Optional<DPoPBinding> dpop) {
    this.value = value;
    this.scopes = Set.copyOf(scopes);
    this.expiresAt = expiresAt;
    this.dpop = dpop;
  }

  /** The token itself (a JWT): send it, never log it. */
  public String value() {
    return value;
  }

  /** {@code DPoP} for a token bound to the client's DPoP key, else {@code Bearer}. */
  public String tokenType() {
    return dpop.isPresent() ? "DPoP" : "Bearer";
  }

  /**
   * The value of an {@code Authorization} header: {@code Bearer <token>} or {@code DPoP <token>}.
   */
  public String authorizationHeader() {
    return tokenType() + " " + value;
  }

  /**
   * A new DPoP proof for one request with this token (RFC 9449 section 7.1): its method and URL,
   * {@code ath} (the token's hash), and the latest nonce that URL's server gave, if any. Send it as
   * the {@code DPoP} header next to {@link #authorizationHeader()}; one proof per request.
   *
   * @throws IllegalStateException if the token is a bearer token
   * @throws IllegalArgumentException if the method is not an HTTP method or the URL not an absolute
   *     http(s) URL
   */
  public String dpopProof(String method, URI url) {
    return binding().proof(method, url, value);
  }

  /**
   * Takes note of an API's answer to a request made with this token: a {@code DPoP-Nonce} header is
   * kept for the next proofs to that server (RFC 9449 section 9). True when the answer is a 401 (or
   * a 403, as API Gateway sends it) with {@code WWW-Authenticate: DPoP error="use_dpop_nonce"} and
   * a nonce: send the request once more, with a new {@link #dpopProof}. Always false for a bearer
   * token.
   *
   * @param url the URL the request went to
   * @param status the answer's status
   * @param headers the answer's headers ({@link java.net.http.HttpHeaders#of} makes them from a
   *     map)
   */
  public boolean dpopNonceChallenge(URI url, int status, java.net.http.HttpHeaders headers) {
    return dpop.isPresent() && dpop.get().answered(url, status, headers);
  }

  /**
   * Sends {@code request} with this token: its {@code Authorization} header and, for a DPoP-bound
   * token, a new proof; if the API asks for a DPoP nonce, once more with it. The request's body
   * publisher must be one that can be sent twice ({@code ofString}, {@code ofByteArray}, {@code
   * ofFile} are).
   */
  public <T> HttpResponse<T> send(
      HttpClient http, HttpRequest.Builder request, HttpResponse.BodyHandler<T> body)
      throws IOException, InterruptedException {
    HttpRequest first = authorized(request, Optional.empty());
    HttpResponse<T> response = http.send(first, body);
    Optional<String> challenge =
        dpop.flatMap(d -> d.challenge(first.uri(), response.statusCode(), response.headers()));
    if (challenge.isEmpty()) {
      return response;
    }
    discard(response.body());
    // The challenge's own nonce: another call may have replaced the origin's meanwhile.
    HttpResponse<T> retried = http.send(authorized(request, challenge), body);
    dpopNonceChallenge(first.uri(), retried.statusCode(), retried.headers());
    return retried;
  }

  /** A challenged answer's body, if it is a stream (ofInputStream, ofLines): closed, not leaked. */
  private static void discard(Object body) throws IOException {
    if (body instanceof java.io.Closeable closeable) {
      closeable.close();
    } else if (body instanceof java.util.stream.BaseStream<?, ?> stream) {
      stream.close();
    }
  }

  /** With a proof carrying {@code nonce}, or else the latest nonce of the URL's origin. */
  private HttpRequest authorized(HttpRequest.Builder request, Optional<String> nonce) {
    HttpRequest.Builder copy = request.copy().setHeader("Authorization", authorizationHeader());
    if (dpop.isPresent()) {
      HttpRequest built = copy.build(); // its method and URL, as they will be sent
      copy.setHeader(
          "DPoP",
          nonce.isPresent()
              ? dpop.get().proof(built.method(), built.uri(), value, nonce)
              : dpopProof(built.method(), built.uri()));
    }
    return copy.build();
  }

  private DPoPBinding binding() {
    return dpop.orElseThrow(
        () -> new IllegalStateException("a bearer token is sent without a DPoP proof"));
  }

  /** The scopes the broker granted. */
  public Set<String> scopes() {
    return scopes;
  }

  /** When it expires, by the client's clock (the time the request was sent + expires_in). */
  public Instant expiresAt() {
    return expiresAt;
  }

  @Override
  public String toString() {
    return "AccessToken["
        + tokenType()
        + ", scopes="
        + new java.util.TreeSet<>(scopes)
        + ", expiresAt="
        + expiresAt
        + "]";
  }
}
