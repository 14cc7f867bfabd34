package io.tokenbroker.tokens;

import io.tokenbroker.errors.RequestRejected;
import java.util.Optional;
import java.util.Set;

/**
 * The token-exchange parameters of a request (RFC 8693 2.1), syntax checked: the token exchanged
 * and, for delegation, the token of the party acting. The tokens are checked (signature, issuer,
 * policy) by the exchange, not here.
 *
 * @param subjectToken the token that represents the party on whose behalf the new token is asked
 * @param subjectTokenType its RFC 8693 3 type URI
 * @param actorToken the token of the acting party (delegation), if any
 * @param actorTokenType its type URI, present exactly when {@code actorToken} is
 */
public record ExchangeRequest(
    String subjectToken,
    String subjectTokenType,
    Optional<String> actorToken,
    Optional<String> actorTokenType) {

  /** RFC 8693 3: a JWT, of any kind (an outside workload token, or a broker access token). */
  public static final String JWT = "urn:ietf:params:oauth:token-type:jwt";

  /** RFC 8693 3: an OpenID Connect ID token (GitHub Actions, GitLab CI, cloud identities). */
  public static final String ID_TOKEN = "urn:ietf:params:oauth:token-type:id_token";

  /** RFC 8693 3: an OAuth access token, here one of the broker's own. */
  public static final String ACCESS_TOKEN = "urn:ietf:params:oauth:token-type:access_token";

  /** The token types the broker accepts as subject or actor tokens: all are JWTs. */
  public static final Set<String> ACCEPTED_TYPES = Set.of(JWT, ID_TOKEN, ACCESS_TOKEN);

  /** The longest subject or actor token read (a Kubernetes token with many claims is ~2 KB). */
  public static final int MAX_TOKEN_CHARS = 8 * 1024;

  /**
   * Reads the exchange parameters of a {@code token-exchange} request: {@code subject_token} and
   * {@code subject_token_type} required, {@code actor_token_type} exactly with {@code actor_token},
   * types among {@link #ACCEPTED_TYPES}, and {@code requested_token_type} (when given) an access
   * token: the only kind the broker issues.
   */
  static ExchangeRequest from(TokenRequest.Parameters form) {
    String subjectToken = token(form, "subject_token");
    String subjectType = type(form, "subject_token_type");
    Optional<String> actorToken =
        form.single("actor_token").isPresent()
            ? Optional.of(token(form, "actor_token"))
            : Optional.empty();
    Optional<String> actorType = form.single("actor_token_type");
    if (actorToken.isPresent() != actorType.isPresent()) {
      throw RequestRejected.invalidRequest(
          TokenRequestReason.MISSING_PARAMETER,
          "actor_token_type must be given exactly when actor_token is");
    }
    if (actorType.isPresent()) {
      type(form, "actor_token_type");
    }
    Optional<String> requested = form.single("requested_token_type");
    if (requested.isPresent() && !requested.get().equals(ACCESS_TOKEN)) {
      throw RequestRejected.invalidRequest(
          TokenRequestReason.UNSUPPORTED_TOKEN_TYPE,
          "requested_token_type: the broker issues access tokens only (" + ACCESS_TOKEN + ")");
    }
    return new ExchangeRequest(subjectToken, subjectType, actorToken, actorType);
  }

  private static String token(TokenRequest.Parameters form, String name) {
    String value = form.required(name);
    if (value.isEmpty() || value.length() > MAX_TOKEN_CHARS) {
      throw RequestRejected.invalidRequest(
          TokenRequestReason.MALFORMED_TOKEN_PARAMETER,
          name + " must be a token of at most " + MAX_TOKEN_CHARS + " characters");
    }
    return value;
  }

  private static String type(TokenRequest.Parameters form, String name) {
    String value = form.required(name);
    if (!ACCEPTED_TYPES.contains(value)) {
      // RFC 8693 2.2.2: a token unacceptable to the server, its type included, is invalid_request.
      throw RequestRejected.invalidRequest(
          TokenRequestReason.UNSUPPORTED_TOKEN_TYPE,
          name + " must be one of " + String.join(", ", new java.util.TreeSet<>(ACCEPTED_TYPES)));
    }
    return value;
  }
}
