package io.tokenbroker.refresh;

import io.tokenbroker.revocation.RevocationReason;
import io.tokenbroker.revocation.RevocationRepository;
import io.tokenbroker.revocation.RevocationRetention;
import io.tokenbroker.telemetry.Telemetry;
import io.tokenbroker.telemetry.TelemetryEvent;
import io.tokenbroker.tokens.RequestOrigin;
import java.time.Duration;

/**
 * Revokes a refresh-token family, refresh tokens and the access tokens issued from them alike: one
 * record in the revocations table, kept until the last of them has expired. Used by the refresh
 * grant (reuse, a token presented by another client) and by RFC 7009 revocation.
 */
public final class FamilyRevocation {

  private final RevocationRepository revocations;
  private final Duration brokerMaxLifetime;
  private final Telemetry telemetry;

  /**
   * @param brokerMaxLifetime no access token of the family outlives the family's end by more
   */
  public FamilyRevocation(
      RevocationRepository revocations, Duration brokerMaxLifetime, Telemetry telemetry) {
    this.revocations = revocations;
    this.brokerMaxLifetime = brokerMaxLifetime;
    this.telemetry = telemetry;
  }

  /** Repeating is harmless: the write only ever extends the record. */
  public void revoke(RefreshFamily family, RevocationReason reason, RequestOrigin origin) {
    revocations.revokeFamily(
        family.id(),
        RevocationRetention.keepUntil(family.expiresAt().plus(brokerMaxLifetime)),
        reason.logName());
    telemetry.emit(
        TelemetryEvent.warn("refresh.family_revoked")
            .with("reason", reason.logName())
            .with("client_id", family.clientId())
            .with("sid", family.id())
            .with("source_ip", origin.sourceIp())
            .count("RefreshFamiliesRevoked", "reason"));
  }
}
