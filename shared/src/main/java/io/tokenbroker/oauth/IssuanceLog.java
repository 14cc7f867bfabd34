package io.tokenbroker.oauth;

import io.tokenbroker.telemetry.Telemetry;
import io.tokenbroker.telemetry.TelemetryEvent;
import io.tokenbroker.tokens.Grant;
import io.tokenbroker.tokens.Issuance;
import io.tokenbroker.tokens.IssuedToken;

/** The one log line and metric per issued token, whichever grant issued it (never the token). */
final class IssuanceLog {

  private final Telemetry telemetry;

  IssuanceLog(Telemetry telemetry) {
    this.telemetry = telemetry;
  }

  void issued(Issuance record, Grant grant, String grantType) {
    telemetry.emit(
        TelemetryEvent.info("token.issued")
            .with("client_id", record.clientId())
            .with("jti", record.jti())
            .with("kid", record.kid())
            .with("grant_type", grantType)
            .with("auth_method", record.authMethod().value())
            .with("scope", String.join(" ", record.scopes()))
            .with("aud", record.audiences())
            .with("sid", record.sessionId().orElse(null))
            .with("lifetime_seconds", grant.lifetime().toSeconds())
            .with("reused", false)
            .count("TokensIssued", "grant_type"));
  }

  /**
   * A token handed out again (token reuse): the same line, {@code reused: true}, with what is left
   * of its lifetime; counted apart from new tokens, as it signed nothing and wrote no new record.
   */
  void reused(IssuedToken token) {
    Issuance record = token.record();
    telemetry.emit(
        TelemetryEvent.info("token.issued")
            .with("client_id", record.clientId())
            .with("jti", record.jti())
            .with("kid", record.kid())
            .with("grant_type", "client_credentials")
            .with("auth_method", record.authMethod().value())
            .with("scope", String.join(" ", record.scopes()))
            .with("aud", record.audiences())
            .with("lifetime_seconds", token.expiresInSeconds())
            .with("reused", true)
            .count("TokensReused"));
  }
}
