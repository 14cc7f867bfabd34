package io.tokenbroker.revocation;

import io.tokenbroker.telemetry.Telemetry;
import io.tokenbroker.telemetry.TelemetryEvent;
import io.tokenbroker.tokens.IssuanceRepository;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * What operators revoke (brokerctl, the admin route): one token by jti, every token of a client
 * issued until now (a watermark), or every token a signing key signed. Each revocation is durable
 * before this returns and kept until every token it covers has expired.
 */
public final class OperatorRevocations {

  private final IssuanceRepository issuances;
  private final RevocationRepository revocations;
  private final Duration maxTokenLifetime;
  private final Duration clockSkew;
  private final Clock clock;
  private final Telemetry telemetry;

  public OperatorRevocations(
      IssuanceRepository issuances,
      RevocationRepository revocations,
      Duration maxTokenLifetime,
      Duration clockSkew,
      Clock clock,
      Telemetry telemetry) {
    this.issuances = issuances;
    this.revocations = revocations;
    this.maxTokenLifetime = maxTokenLifetime;
    this.clockSkew = clockSkew;
    this.clock = clock;
    this.telemetry = telemetry;
  }

  /** One token by jti, kept until it expires (per its issuance record, if there is one). */
  public void revokeToken(String jti) {
    Instant keepUntil =
        issuances
            .find(jti)
            .map(record -> record.expiresAt().plus(clockSkew))
            .orElse(latestExpiryFromNow());
    revocations.revokeToken(jti, keepUntil, "revoked_by_operator");
    recorded("token", jti);
  }

  /**
   * Every token of a client issued until now (and in the current second, since iat has second
   * precision), and every refresh-token family it started before.
   *
   * @return the watermark: tokens issued before it are revoked
   */
  public Instant revokeClient(String clientId) {
    Instant watermark = clock.instant().truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
    revocations.revokeClientTokensBefore(clientId, watermark, latestExpiryFromNow().plusSeconds(1));
    recorded("client", clientId);
    return watermark;
  }

  /** Every token a signing key signed. */
  public void revokeKey(String kid) {
    revocations.revokeKey(kid, latestExpiryFromNow(), "revoked_by_operator");
    recorded("key", kid);
  }

  /** A token issued now expires by then at the latest. */
  private Instant latestExpiryFromNow() {
    return clock.instant().plus(maxTokenLifetime).plus(clockSkew);
  }

  private void recorded(String kind, String id) {
    telemetry.emit(
        TelemetryEvent.info("revocation.recorded")
            .with("kind", kind)
            .with("id", id)
            .count("Revocations", "kind"));
  }
}
