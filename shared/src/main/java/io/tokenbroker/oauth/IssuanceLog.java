package io.tokenbroker.oauth;

import io.tokenbroker.telemetry.Telemetry;
import io.tokenbroker.telemetry.TelemetryEvent;
import io.tokenbroker.tokens.Grant;
import io.tokenbroker.tokens.Issuance;

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
            .count("TokensIssued", "grant_type"));
  }
}
