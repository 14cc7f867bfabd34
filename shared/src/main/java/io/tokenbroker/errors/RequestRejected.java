package io.tokenbroker.errors;

import java.util.Map;

/**
 * The request is not acceptable. Carries the OAuth {@link #error()}, the HTTP {@link #status()}, a
 * {@link #description()} safe to show the caller, and a short machine-readable {@link #reason()}
 * for logs and metrics (e.g. {@code assertion_expired}), the logged name of its {@link
 * #rejectionReason()}. Never carries a token or secret.
 */
public final class RequestRejected extends BrokerException {

  private final OAuthError error;
  private final int status;
  private final RejectionReason reason;
  private final Map<String, String> headers;

  public RequestRejected(OAuthError error, RejectionReason reason, String description) {
    this(error, error.status(), reason, description, Map.of());
  }

  public RequestRejected(
      OAuthError error,
      int status,
      RejectionReason reason,
      String description,
      Map<String, String> headers) {
    super(description, null, false);
    this.error = error;
    this.status = status;
    this.reason = java.util.Objects.requireNonNull(reason, "reason");
    this.headers = Map.copyOf(headers);
  }

  public static RequestRejected invalidRequest(RejectionReason reason, String description) {
    return new RequestRejected(OAuthError.INVALID_REQUEST, reason, description);
  }

  /** 405, with the Allow header listing {@code allowed} methods. */
  public static RequestRejected methodNotAllowed(String allowed) {
    return new RequestRejected(
        OAuthError.INVALID_REQUEST,
        405,
        ProtocolReason.METHOD_NOT_ALLOWED,
        "method not allowed; use " + allowed,
        Map.of("Allow", allowed));
  }

  /** This rejection with one more response header (a challenge, say), everything else the same. */
  public RequestRejected withHeader(String name, String value) {
    Map<String, String> more = new java.util.LinkedHashMap<>(headers);
    more.put(name, value);
    return new RequestRejected(error, status, reason, description(), more);
  }

  public OAuthError error() {
    return error;
  }

  public int status() {
    return status;
  }

  /** The logged name of the {@link #rejectionReason()}: what logs and metrics carry. */
  public String reason() {
    return reason.logName();
  }

  public RejectionReason rejectionReason() {
    return reason;
  }

  /** Extra response headers the rejection calls for (e.g. Allow), usually none. */
  public Map<String, String> headers() {
    return headers;
  }

  public String description() {
    return getMessage();
  }
}
