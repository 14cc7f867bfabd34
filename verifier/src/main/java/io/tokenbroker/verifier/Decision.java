package io.tokenbroker.verifier;

import java.util.Objects;
import java.util.Optional;

/** What {@link TokenVerifier#verify} decided: let the request through, or refuse it and how. */
public sealed interface Decision permits Decision.Allowed, Decision.Refused {

  /** The token is valid and grants this route. */
  record Allowed(Principal principal) implements Decision {
    public Allowed {
      Objects.requireNonNull(principal, "principal");
    }
  }

  /**
   * The request must not reach the handler.
   *
   * @param status the HTTP status to answer: 401 (no valid token), 403 (valid, but this route is
   *     not granted), 400 (a path that is not in normal form), 503 (the broker's keys cannot be
   *     read now; retry), 500 (misconfiguration or a bug)
   * @param error the error code for the response body ({@code invalid_token}, {@code
   *     insufficient_scope}, {@code invalid_request}, {@code temporarily_unavailable}, {@code
   *     server_error})
   * @param reason why, for logs and metrics: a {@link VerifierReason}, {@link
   *     io.tokenbroker.verify.AccessTokenReason} or {@link io.tokenbroker.jose.JwsReason} logged
   *     name (e.g. {@code expired}, {@code bad_signature}); never the token
   * @param wwwAuthenticate the {@code WWW-Authenticate} header RFC 6750 section 3 asks for with 401
   *     and 403 (e.g. {@code Bearer error="insufficient_scope", scope="orders:write"})
   */
  record Refused(int status, String error, String reason, Optional<String> wwwAuthenticate)
      implements Decision {}
}
