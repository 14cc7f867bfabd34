package io.tokenbroker.operator;

import io.tokenbroker.clients.RefreshPolicy;
import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.identifiers.ClientId;
import io.tokenbroker.identifiers.Kid;
import io.tokenbroker.keys.KeyState;
import io.tokenbroker.keys.SigningKey;
import io.tokenbroker.revocation.RevocationReason;
import io.tokenbroker.revocation.RevocationRepository;
import io.tokenbroker.revocation.RevocationRetention;
import io.tokenbroker.telemetry.Telemetry;
import io.tokenbroker.telemetry.TelemetryEvent;
import io.tokenbroker.tokens.Issuance;
import io.tokenbroker.tokens.IssuanceRepository;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.function.Function;

/**
 * What operators revoke (brokerctl, the admin route): one token by jti, every token of a client
 * issued until now (a watermark), or every token a signing key signed. Each revocation is durable
 * before this returns and kept until every token it covers has expired. Identifiers no token can
 * carry are refused with {@link RequestRejected} {@code invalid_request}, and nothing is written;
 * so is revoking the ACTIVE or PENDING key's tokens, which only {@code brokerctl keys compromise}
 * may do.
 */
public final class OperatorRevocations {

  /**
   * The longest jti an operator may name for revocation. A token's own jti is a {@link
   * io.tokenbroker.identifiers.TokenId} (22 characters); the verifier refuses any other, so it
   * never needs revoking, but a jti taken from elsewhere (a log, another issuer's token) is still
   * recorded.
   */
  public static final int MAX_JTI_LENGTH = 256;

  private final IssuanceRepository issuances;
  private final RevocationRepository revocations;
  private final Function<String, Optional<SigningKey>> keys;
  private final Duration maxTokenLifetime;
  private final Clock clock;
  private final Telemetry telemetry;

  /**
   * @param keys the key table's lookup by kid ({@code KeyRepository::find}); asked only when a key
   *     is revoked, so that tools revoking tokens or clients need not name the key table
   */
  public OperatorRevocations(
      IssuanceRepository issuances,
      RevocationRepository revocations,
      Function<String, Optional<SigningKey>> keys,
      Duration maxTokenLifetime,
      Clock clock,
      Telemetry telemetry) {
    this.issuances = issuances;
    this.revocations = revocations;
    this.keys = keys;
    this.maxTokenLifetime = maxTokenLifetime;
    this.clock = clock;
    this.telemetry = telemetry;
  }

  /**
   * One token by jti, kept until it expires (per its issuance record, if there is one).
   *
   * @throws RequestRejected {@code invalid_request} for a jti no token can carry
   */
  public void revokeToken(String jti) {
    requireWellFormedJti(jti);
    revokeToken(jti, issuances.find(jti));
  }

  /**
   * As {@link #revokeToken(String)}, for a caller that has already read the jti's issuance record
   * (brokerctl reports it), so that it is not read twice.
   */
  public void revokeToken(String jti, Optional<Issuance> issued) {
    requireWellFormedJti(jti);
    Instant keepUntil =
        issued
            .map(record -> RevocationRetention.keepUntil(record.expiresAt()))
            .orElse(latestExpiryFromNow());
    revocations.revokeToken(jti, keepUntil, RevocationReason.REVOKED_BY_OPERATOR.logName());
    recorded("token", jti);
  }

  /**
   * Every token of a client issued until now (and in the current second, since iat has second
   * precision), and every refresh-token family it started before. The watermark is kept until the
   * longest family a client can hold has ended, since refresh reads it too.
   *
   * @return the watermark: tokens issued before it are revoked
   * @throws RequestRejected {@code invalid_request} for an id no client can be registered under
   */
  public Instant revokeClient(String clientId) {
    requireWellFormedClientId(clientId);
    Instant watermark = clock.instant().truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
    Duration longestCovered =
        RefreshPolicy.MAX_ABSOLUTE_LIFETIME.compareTo(maxTokenLifetime) > 0
            ? RefreshPolicy.MAX_ABSOLUTE_LIFETIME
            : maxTokenLifetime;
    revocations.revokeClientTokensBefore(
        clientId, watermark, RevocationRetention.keepUntil(watermark.plus(longestCovered)));
    recorded("client", clientId);
    return watermark;
  }

  /**
   * Every token a signing key signed (a RETIRED or withdrawn key, or a kid the table no longer
   * knows).
   *
   * @throws RequestRejected {@code invalid_request} for a kid no token can name, and for the ACTIVE
   *     or PENDING key: the broker would sign with it (now, or once rotation activates it), and
   *     every verifier would refuse what it mints until someone ran the compromise procedure, which
   *     revokes, withdraws and replaces it at once
   */
  public void revokeKey(String kid) {
    requireWellFormedKid(kid);
    Optional<KeyState> state = keys.apply(kid).map(SigningKey::state);
    if (state.filter(KeyState.ACTIVE::equals).isPresent()) {
      throw malformed(
          OperatorReason.KEY_ACTIVE,
          "this is the active signing key: run `brokerctl keys compromise "
              + kid
              + "` instead, which revokes its tokens and makes a successor sign at once");
    }
    if (state.filter(KeyState.PENDING::equals).isPresent()) {
      // Rotation activates it without asking the revocations table: it would sign refused tokens.
      throw malformed(
          OperatorReason.KEY_PENDING,
          "this is the next signing key: run `brokerctl keys compromise "
              + kid
              + "` instead, which withdraws it before it signs");
    }
    revocations.revokeKey(
        kid, latestExpiryFromNow(), RevocationReason.REVOKED_BY_OPERATOR.logName());
    recorded("key", kid);
  }

  /**
   * The rule {@link #revokeToken} applies, for callers that check before they look anything up.
   *
   * @throws RequestRejected {@code invalid_request} for a jti no token can carry
   */
  public static void requireWellFormedJti(String jti) {
    if (jti.isEmpty() || jti.length() > MAX_JTI_LENGTH) {
      throw malformed(
          OperatorReason.JTI_MALFORMED, "jti must be 1-" + MAX_JTI_LENGTH + " characters");
    }
  }

  /**
   * The rule {@link #revokeClient} applies.
   *
   * @throws RequestRejected {@code invalid_request} for an id no client can be registered under
   */
  public static void requireWellFormedClientId(String clientId) {
    if (!ClientId.isValid(clientId)) {
      throw malformed(
          OperatorReason.CLIENT_ID_MALFORMED,
          "client_id must be 1-128 of A-Z a-z 0-9 . _ : -, starting alphanumeric");
    }
  }

  /**
   * The rule {@link #revokeKey} applies.
   *
   * @throws RequestRejected {@code invalid_request} for a kid no token can name
   */
  public static void requireWellFormedKid(String kid) {
    if (!Kid.isValid(kid)) {
      throw malformed(OperatorReason.KID_MALFORMED, "kid must be 1-128 of A-Z a-z 0-9 _ -");
    }
  }

  /**
   * Refused before anything is written: an identifier no token can carry would revoke nothing while
   * the operator believes otherwise (a stray space, a wrong field), and one longer than DynamoDB's
   * 2048-byte key limit failed there as a 500.
   */
  private static RequestRejected malformed(OperatorReason reason, String description) {
    return RequestRejected.invalidRequest(reason, description);
  }

  /** Every verifier refuses a token issued now by then at the latest. */
  private Instant latestExpiryFromNow() {
    return RevocationRetention.keepUntil(clock.instant().plus(maxTokenLifetime));
  }

  private void recorded(String kind, String id) {
    telemetry.emit(
        TelemetryEvent.info("revocation.recorded")
            .with("kind", kind)
            .with("id", id)
            .count("Revocations", "kind"));
  }
}
