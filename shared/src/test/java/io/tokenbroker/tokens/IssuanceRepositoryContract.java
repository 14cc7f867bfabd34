package io.tokenbroker.tokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenbroker.auth.AuthMethod;
import io.tokenbroker.errors.ServiceFailure;
import io.tokenbroker.jose.Confirmation;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What every {@link IssuanceRepository} does, run against the in-memory fake and the DynamoDB table
 * on moto.
 */
public abstract class IssuanceRepositoryContract {

  protected abstract IssuanceRepository issuances();

  /**
   * The same store, reached through a connection that loses the answer to the first attempt of each
   * write after the store has done it, and then retries the write as the AWS SDK does after an
   * attempt timeout.
   */
  protected abstract IssuanceRepository issuancesLosingFirstAnswers();

  /** How many answers {@link #issuancesLosingFirstAnswers()} has lost so far. */
  protected abstract int lostAnswers();

  protected static Issuance issuance(String jti) {
    Instant iat = Instant.parse("2026-11-28T12:00:00Z");
    return new Issuance(
        jti,
        "ci",
        "ci",
        List.of("https://a", "https://b"),
        new TreeSet<>(List.of("orders:read", "orders:write")),
        iat,
        iat.plusSeconds(300),
        "kid-1",
        Optional.of("family-9"),
        Optional.of(new Confirmation.DpopKey("0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I")),
        AuthMethod.PRIVATE_KEY_JWT,
        "jwk:abc",
        "203.0.113.7",
        "",
        "ab".repeat(32),
        iat.plusSeconds(300).plusSeconds(86400));
  }

  /** Another token that happens to carry the same jti. */
  protected static Issuance anotherTokenWithTheSameJti(Issuance collision) {
    return new Issuance(
        collision.jti(),
        collision.clientId(),
        collision.subject(),
        collision.audiences(),
        collision.scopes(),
        collision.issuedAt(),
        collision.expiresAt(),
        collision.kid(),
        collision.sessionId(),
        collision.confirmation(),
        collision.authMethod(),
        collision.callerIdentity(),
        collision.sourceIp(),
        collision.userAgent(),
        "cd".repeat(32),
        collision.retainUntil());
  }

  protected static String unique(String prefix) {
    return prefix + UUID.randomUUID();
  }

  @Test
  void storesEveryField() {
    Issuance record = issuance(unique("jti-"));

    issuances().record(record);

    assertThat(issuances().find(record.jti())).contains(record);
  }

  @Test
  void storesARecordWithoutASessionBoundToACertificate() {
    Issuance withSession = issuance(unique("jti-"));
    Issuance record =
        new Issuance(
            withSession.jti(),
            withSession.clientId(),
            withSession.subject(),
            List.of("https://a"),
            new TreeSet<>(List.of("orders:read")),
            withSession.issuedAt(),
            withSession.expiresAt(),
            withSession.kid(),
            Optional.empty(),
            Optional.of(
                new Confirmation.ClientCertificate("bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg0")),
            AuthMethod.AWS_IAM,
            "arn:aws:iam::123456789012:role/ci",
            withSession.sourceIp(),
            "agent/1.0",
            withSession.tokenSha256(),
            withSession.retainUntil());

    issuances().record(record);

    assertThat(issuances().find(record.jti())).contains(record);
  }

  @Test
  void findsNothingForAnUnknownJti() {
    assertThat(issuances().find(unique("no-such-jti-"))).isEmpty();
  }

  @Test
  void refusesASecondRecordForTheSameJti() {
    Issuance first = issuance(unique("jti-"));
    issuances().record(first);

    assertThatThrownBy(() -> issuances().record(anotherTokenWithTheSameJti(first)))
        .isInstanceOf(ServiceFailure.class);
    assertThat(issuances().find(first.jti())).contains(first);
  }

  @Test
  void storingTheVerySameRecordAgainIsNotAnError() {
    Issuance record = issuance(unique("jti-"));
    issuances().record(record);

    issuances().record(record);

    assertThat(issuances().find(record.jti())).contains(record);
  }

  @Test
  void recordsATokenWhoseFirstWriteAnswerWasLostOnceWithoutFailing() {
    // Found by LocalLoadIT: under load an attempt timed out after moto had stored the record; the
    // SDK's retry then failed its condition and the caller got a 503 for a stored token.
    Issuance record = issuance(unique("jti-"));
    int lostBefore = lostAnswers();

    issuancesLosingFirstAnswers().record(record);

    assertThat(lostAnswers()).isEqualTo(lostBefore + 1);
    assertThat(issuances().find(record.jti())).contains(record);
  }

  @Test
  void aRecordNeverReusedWasDeliveredOnceAndEachRecordedDeliveryCounts() {
    Issuance record = issuance(unique("jti-"));
    issuances().record(record);
    assertThat(issuances().deliveries(record.jti())).isEqualTo(1);

    issuances().recordDelivery(record.jti(), record.issuedAt().plusSeconds(5));
    issuances().recordDelivery(record.jti(), record.issuedAt().plusSeconds(9));

    assertThat(issuances().deliveries(record.jti())).isEqualTo(3);
    // the record itself is unchanged by its deliveries
    assertThat(issuances().find(record.jti())).contains(record);
  }

  @Test
  void refusesADeliveryOfATokenWithoutARecordAndCreatesNone() {
    String jti = unique("no-such-jti-");

    assertThatThrownBy(() -> issuances().recordDelivery(jti, Instant.now()))
        .isInstanceOf(ServiceFailure.class);
    assertThat(issuances().deliveries(jti)).isZero();
    assertThat(issuances().find(jti)).isEmpty();
  }
}
