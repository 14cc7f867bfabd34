package io.tokenbroker.errors;

/**
 * Why a request was rejected, as one constant of the enum of the area that rejects it (token
 * verification, client authentication, ...). {@link #logName()} is the name logs, the {@code
 * reason} metric dimension and dashboards use: it never changes once shipped, so renaming a
 * constant changes nothing outside the code.
 */
public interface RejectionReason {

  /** The logged name, lower snake case (e.g. {@code assertion_expired}). */
  String logName();
}
