package io.tokenbroker.tokens;

import io.tokenbroker.errors.OAuthError;
import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.identifiers.Audience;
import io.tokenbroker.identifiers.ScopeSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a client asks the token endpoint for (RFC 6749 4.4), syntax checked.
 *
 * @param grantType the grant
 * @param scopes the scopes asked for (RFC 6749 3.3), or empty for the client's defaults
 * @param audiences what the token is for: {@code audience} (RFC 8693) and {@code resource} (RFC
 *     8707) values together, or empty for the client's only audience
 * @param lifetime the lifetime asked for ({@code expires_in}, seconds), or empty for the default
 * @param refreshToken the refresh token, for the refresh_token grant
 * @param exchange the subject and actor tokens, for the token-exchange grant (RFC 8693)
 */
public record TokenRequest(
    String grantType,
    Optional<Set<String>> scopes,
    List<String> audiences,
    Optional<Duration> lifetime,
    Optional<String> refreshToken,
    Optional<ExchangeRequest> exchange) {

  public static final String CLIENT_CREDENTIALS = "client_credentials";
  public static final String REFRESH_TOKEN = "refresh_token";
  public static final String TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
  private static final Set<String> GRANTS =
      Set.of(CLIENT_CREDENTIALS, REFRESH_TOKEN, TOKEN_EXCHANGE);

  /** A request without exchange parameters (client_credentials, refresh_token). */
  public TokenRequest(
      String grantType,
      Optional<Set<String>> scopes,
      List<String> audiences,
      Optional<Duration> lifetime,
      Optional<String> refreshToken) {
    this(grantType, scopes, audiences, lifetime, refreshToken, Optional.empty());
  }

  /**
   * A request's parameters as its transport decoded them: single-valued ones refused when repeated
   * ({@code invalid_request}), as RFC 6749 3.1 requires. The HTTP adapter's form is one.
   */
  public interface Parameters {

    /** A parameter that may appear at most once. */
    Optional<String> single(String name);

    /** A parameter that must appear exactly once. */
    String required(String name);

    /** Every value of a parameter that may repeat. */
    List<String> all(String name);
  }

  public static TokenRequest from(Parameters form) {
    String grantType = form.required("grant_type");
    if (!GRANTS.contains(grantType)) {
      throw new RequestRejected(
          OAuthError.UNSUPPORTED_GRANT_TYPE,
          TokenRequestReason.UNSUPPORTED_GRANT_TYPE,
          "grant_type must be client_credentials, refresh_token or " + TOKEN_EXCHANGE);
    }
    Optional<Set<String>> scopes = form.single("scope").map(TokenRequest::scopes);
    List<String> audiences = new ArrayList<>(form.all("audience"));
    for (String resource : form.all("resource")) {
      if (!audiences.contains(resource)) {
        audiences.add(resource);
      }
    }
    if (audiences.size() > Audience.MAX_PER_TOKEN) {
      throw RequestRejected.invalidRequest(
          TokenRequestReason.TOO_MANY_AUDIENCES,
          "at most " + Audience.MAX_PER_TOKEN + " audiences");
    }
    Optional<Duration> lifetime = form.single("expires_in").map(TokenRequest::seconds);
    Optional<String> refreshToken = form.single("refresh_token");
    if (grantType.equals(REFRESH_TOKEN) && refreshToken.isEmpty()) {
      throw RequestRejected.invalidRequest(
          TokenRequestReason.MISSING_PARAMETER, "missing parameter: refresh_token");
    }
    Optional<ExchangeRequest> exchange =
        grantType.equals(TOKEN_EXCHANGE)
            ? Optional.of(ExchangeRequest.from(form))
            : Optional.empty();
    return new TokenRequest(
        grantType, scopes, List.copyOf(audiences), lifetime, refreshToken, exchange);
  }

  /** RFC 6749 3.3: a scope list ({@link ScopeSet}); a repeated scope counts once. */
  private static Set<String> scopes(String value) {
    return ScopeSet.parse(value)
        .orElseThrow(
            () ->
                new RequestRejected(
                    OAuthError.INVALID_SCOPE,
                    TokenRequestReason.MALFORMED_SCOPE,
                    "malformed scope"))
        .values();
  }

  private static Duration seconds(String value) {
    if (!value.matches("[1-9][0-9]{0,6}")) {
      throw RequestRejected.invalidRequest(
          TokenRequestReason.MALFORMED_EXPIRES_IN,
          "expires_in must be a positive number of seconds");
    }
    return Duration.ofSeconds(Long.parseLong(value));
  }
}
