package io.tokenbroker.leaks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenbroker.alerts.AlertKind;
import io.tokenbroker.alerts.SecurityAlert;
import io.tokenbroker.clients.Client;
import io.tokenbroker.errors.ServiceFailure;
import io.tokenbroker.operator.AuditEntry;
import io.tokenbroker.revocation.RevocationReason;
import io.tokenbroker.testing.BrokerKit;
import io.tokenbroker.testing.InMemoryOperatorAudit;
import io.tokenbroker.testing.RecordingSecurityAlerts;
import io.tokenbroker.tokens.IssuedToken;
import io.tokenbroker.tokens.TokenDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link LeakReports} on the in-memory stores, with tokens the kit really signed. */
class LeakReportsTest {

  private static final Reporter GITHUB = Reporter.github("key-1");
  private static final Client CLIENT = BrokerKit.client("leaky-app", true, false);

  private final BrokerKit kit = new BrokerKit();
  private final InMemoryOperatorAudit audit = new InMemoryOperatorAudit(kit.clock);
  private final RecordingSecurityAlerts alerts = new RecordingSecurityAlerts();
  private final LeakReports reports =
      new LeakReports(
          kit.anyAudience,
          kit.refreshTokens,
          kit.familyRevocation,
          kit.revocations,
          audit,
          alerts,
          BrokerKit.MAX_LIFETIME,
          kit.clock,
          kit.telemetry);

  private IssuedToken issued() {
    return kit.issue(BrokerKit.caller(CLIENT), "&scope=orders:read");
  }

  private List<Finding> report(String... values) {
    return reports.report(
        GITHUB,
        java.util.Arrays.stream(values)
            .map(v -> new ReportedToken(v, "token_broker_token", "https://x/y", "content"))
            .toList(),
        kit.origin);
  }

  @Test
  void revokesAnExpiredAccessTokenWhoseKeyIsStillPublished() {
    IssuedToken token = issued();
    kit.clock.advance(Duration.ofHours(2)); // long expired

    Finding finding = report(token.accessToken()).getFirst();

    assertThat(finding.label()).isEqualTo("true_positive");
    assertThat(finding.kind()).isEqualTo(Finding.Kind.ACCESS_TOKEN);
    assertThat(finding.tokenHash()).isEqualTo(TokenDigest.sha256(token.accessToken()));
    assertThat(kit.revocations.tokenRevoked(token.record().jti())).isTrue();
    assertThat(kit.revocations.keptUntil("jti#" + token.record().jti()))
        .contains(token.record().expiresAt().plus(Duration.ofMinutes(5)));
  }

  @Test
  void anAccessTokenAndItsRefreshFamilyAreRevoked() {
    IssuedToken token = issued();
    String sid =
        kit.refreshTokens
            .find(io.tokenbroker.refresh.RefreshTokens.hash(token.refreshToken().orElseThrow()))
            .orElseThrow()
            .familyId();

    Finding finding = report(token.accessToken()).getFirst();

    assertThat(finding.revoked()).containsExactly("jti:" + token.record().jti(), "family:" + sid);
    assertThat(kit.revocations.familyRevoked(sid)).isTrue();
  }

  @Test
  void aRefreshTokenRevokesItsFamilyOnly() {
    IssuedToken token = issued();
    Finding finding = report(token.refreshToken().orElseThrow()).getFirst();

    assertThat(finding.kind()).isEqualTo(Finding.Kind.REFRESH_TOKEN);
    assertThat(kit.revocations.familyRevoked(finding.id().orElseThrow())).isTrue();
    assertThat(kit.revocations.tokenRevoked(token.record().jti())).isFalse();
    assertThat(audit.all())
        .singleElement()
        .satisfies(e -> assertThat(e.target()).startsWith("family "));
  }

  /** One oversized free-text field must not push the audit entry past DynamoDB's item limit. */
  @Test
  void cutsTheReportersFreeTextInTheAuditEntry() {
    IssuedToken token = issued();
    String huge = "x".repeat(300_000);

    reports.report(
        GITHUB, List.of(new ReportedToken(token.accessToken(), huge, huge, huge)), kit.origin);

    assertThat(audit.all())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.detail().length()).isLessThan(1_000);
              assertThat(e.detail()).contains(" type=xxx").contains("... source=xxx");
            });
  }

  @Test
  void aTokenSignedByAKeyTheBrokerDoesNotPublishIsAFalsePositiveAndNothingIsWritten() {
    BrokerKit elsewhere = new BrokerKit(); // same issuer, its own keys: forged claims
    String foreign = elsewhere.issue(BrokerKit.caller(CLIENT), "&scope=orders:read").accessToken();
    var before = kit.revocations.state();

    List<Finding> findings = report(foreign, "ghp_notOurs", "tbr_" + "A".repeat(43) + "00000000");

    assertThat(findings).extracting(Finding::label).containsOnly("false_positive");
    assertThat(findings)
        .extracting(Finding::kind)
        .containsExactly(
            Finding.Kind.NOT_OURS, Finding.Kind.UNRECOGNISED, Finding.Kind.UNRECOGNISED);
    assertThat(kit.revocations.state()).isEqualTo(before);
    assertThat(audit.all()).isEmpty();
    assertThat(alerts.alerts()).isEmpty();
  }

  @Test
  void aHoneytokenRaisesBothAlertsAndIsAnsweredTruePositive() {
    IssuedToken decoy = issued();
    kit.revocations.revokeToken(
        decoy.record().jti(),
        Instant.parse("2027-01-01T00:00:00Z"),
        RevocationReason.HONEYTOKEN.logName());

    Finding finding = report(decoy.accessToken()).getFirst();

    assertThat(finding.honeytoken()).isTrue();
    assertThat(finding.label()).isEqualTo("true_positive");
    assertThat(alerts.alerts())
        .extracting(SecurityAlert::kind)
        .containsExactly(AlertKind.HONEYTOKEN_USED, AlertKind.LEAK_REPORTED);
    assertThat(alerts.alerts().getFirst().evidence().values()).doesNotContain(decoy.accessToken());
  }

  @Test
  void everyTruePositiveRaisesALeakAlertWithItsClient() {
    issued();
    report(issued().accessToken());

    assertThat(alerts.of(AlertKind.LEAK_REPORTED))
        .singleElement()
        .satisfies(a -> assertThat(a.clientId()).contains(CLIENT.clientId()));
  }

  @Test
  void anAlertThatCannotBeDeliveredUndoesNoRevocationNorRecord() {
    alerts.failing(true);
    IssuedToken token = issued();

    Finding finding = report(token.accessToken()).getFirst();

    assertThat(finding.label()).isEqualTo("true_positive");
    assertThat(kit.revocations.tokenRevoked(token.record().jti())).isTrue();
    assertThat(audit.all()).hasSize(1);
  }

  @Test
  void anAuditFailureIsRetryableAndTheRetryRecordsWhatTheFirstRevoked() {
    IssuedToken token = issued();
    audit.failing(true);

    assertThatThrownBy(() -> report(token.accessToken())).isInstanceOf(ServiceFailure.class);
    assertThat(kit.revocations.tokenRevoked(token.record().jti())).isTrue(); // revoke first

    audit.failing(false);
    report(token.accessToken());
    AuditEntry entry = audit.all().getFirst();
    assertThat(entry.action()).isEqualTo("leak.report");
    assertThat(entry.actor()).isEqualTo("github:key-1");
    assertThat(entry.detail())
        .contains("sha256=" + TokenDigest.sha256(token.accessToken()))
        .doesNotContain(token.accessToken());
  }

  @Test
  void aRevocationStoreFailureFailsTheReportRetryablyAndRecordsNothing() {
    IssuedToken token = issued();
    kit.revocations.failing(true);

    assertThatThrownBy(() -> report(token.accessToken()))
        .isInstanceOfSatisfying(ServiceFailure.class, f -> assertThat(f.retryable()).isTrue());
    assertThat(audit.all()).isEmpty();
    assertThat(alerts.alerts()).isEmpty();
  }
}
