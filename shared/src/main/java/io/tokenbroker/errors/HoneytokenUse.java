package io.tokenbroker.errors;

import java.util.Map;

/**
 * The reason of a rejection whose cause was a honeytoken: a decoy token, refresh token or decoy
 * client's credential. The request is refused exactly as it would be otherwise (the caller learns
 * nothing); whoever handles the rejection also raises an alert with {@link #evidence()} ({@code
 * adapters.http.HoneytokenAlarm} on the request paths). Never carries a token or secret.
 */
public interface HoneytokenUse extends RejectionReason {

  /** The decoy's client. */
  String clientId();

  /** What identifies the decoy (its jti, its refresh family), never the token itself. */
  Map<String, String> evidence();
}
