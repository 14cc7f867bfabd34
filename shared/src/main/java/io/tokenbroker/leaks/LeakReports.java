package io.tokenbroker.leaks;

import io.tokenbroker.alerts.AlertKind;
import io.tokenbroker.alerts.SecurityAlert;
import io.tokenbroker.alerts.SecurityAlerts;
import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.errors.ServiceFailure;
import io.tokenbroker.operator.AuditEntry;
import io.tokenbroker.operator.AuditOutcome;
import io.tokenbroker.operator.OperatorAudit;
import io.tokenbroker.refresh.FamilyRevocation;
import io.tokenbroker.refresh.RefreshFamily;
import io.tokenbroker.refresh.RefreshTokenRecord;
import io.tokenbroker.refresh.RefreshTokenStore;
import io.tokenbroker.refresh.RefreshTokens;
import io.tokenbroker.revocation.RevocationReason;
import io.tokenbroker.revocation.RevocationRepository;
import io.tokenbroker.revocation.RevocationRetention;
import io.tokenbroker.telemetry.Telemetry;
import io.tokenbroker.telemetry.TelemetryEvent;
import io.tokenbroker.tokens.RequestOrigin;
import io.tokenbroker.tokens.TokenDigest;
import io.tokenbroker.verify.AccessTokenVerifier;
import io.tokenbroker.verify.VerifiedToken;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Acts on a leak report (GitHub's secret scanning, an operator), value by value:
 *
 * <ul>
 *   <li>a broker access token, its signature verified against the published keys KMS confirms
 *       ({@link AccessTokenVerifier#authenticity}: expired or already revoked counts, forged never
 *       does), has its jti revoked until its exp plus the largest skew and, if it carries a {@code
 *       sid}, its refresh family;
 *   <li>a refresh token (prefix and checksum, then its hash found in the store) has its family
 *       revoked;
 *   <li>anything else, a token signed by a key no longer published included (no verifier trusts
 *       that key, so the token works nowhere), is answered {@code false_positive} and nothing is
 *       written.
 * </ul>
 *
 * Every revocation is {@link RevocationReason#LEAK_REPORTED}. Then, for each true positive, a
 * {@link AlertKind#LEAK_REPORTED} alert (and {@link AlertKind#HONEYTOKEN_USED} for a honeytoken; an
 * alert that cannot be delivered is logged and undoes nothing), and one {@code leak.report} entry
 * in the operators' audit trail. The revocations come first: if a dependency fails the caller gets
 * a {@link ServiceFailure} (retryable: 503), and the reporter's retry repeats the revocations,
 * which are idempotent, and writes what was not written. A report of false positives only writes
 * nothing.
 */
public final class LeakReports {

  /** The audit trail's action name for a report ({@code brokerctl audit} finds it). */
  public static final String AUDIT_ACTION = "leak.report";

  /** Where a value was found is cut to this many characters in the audit entry. */
  static final int MAX_URL_IN_AUDIT = 300;

  /**
   * The reporter's free-text fields kept in an audit entry: cut, so that one oversized field can
   * never push the entry past DynamoDB's item limit and fail every retry of the report.
   */
  static final int MAX_TYPE_IN_AUDIT = 128;

  static final int MAX_SOURCE_IN_AUDIT = 64;

  private static final SecureRandom RANDOM = new SecureRandom();

  private final AccessTokenVerifier ourTokens;
  private final RefreshTokenStore refreshTokens;
  private final FamilyRevocation families;
  private final RevocationRepository revocations;
  private final OperatorAudit audit;
  private final SecurityAlerts alerts;
  private final Duration maxTokenLifetime;
  private final Clock clock;
  private final Telemetry telemetry;

  /**
   * @param ourTokens verifies the broker's own access tokens (any audience)
   * @param maxTokenLifetime the broker's longest access-token lifetime: how long a family record is
   *     kept when the family itself is no longer in the store
   */
  public LeakReports(
      AccessTokenVerifier ourTokens,
      RefreshTokenStore refreshTokens,
      FamilyRevocation families,
      RevocationRepository revocations,
      OperatorAudit audit,
      SecurityAlerts alerts,
      Duration maxTokenLifetime,
      Clock clock,
      Telemetry telemetry) {
    this.ourTokens = ourTokens;
    this.refreshTokens = refreshTokens;
    this.families = families;
    this.revocations = revocations;
    this.audit = audit;
    this.alerts = alerts;
    this.maxTokenLifetime = maxTokenLifetime;
    this.clock = clock;
    this.telemetry = telemetry;
  }

  /**
   * Acts on every value of one report; the findings in the report's order.
   *
   * @throws ServiceFailure if a store could not be read or written: some of the revocations may
   *     have been done; the report must be retried (every step repeats harmlessly)
   */
  public List<Finding> report(Reporter reporter, List<ReportedToken> tokens, RequestOrigin origin) {
    Instant receivedAt = clock.instant();
    List<Finding> findings = new ArrayList<>(tokens.size());
    for (ReportedToken token : tokens) {
      findings.add(classifyAndRevoke(token, origin));
    }
    String reportId = newId();
    for (int i = 0; i < findings.size(); i++) {
      Finding finding = findings.get(i);
      if (finding.truePositive()) {
        alert(finding, tokens.get(i), receivedAt, reportId);
      }
    }
    for (int i = 0; i < findings.size(); i++) {
      Finding finding = findings.get(i);
      if (finding.truePositive()) {
        audit.record(auditEntry(reportId, reporter, finding, tokens.get(i)));
      }
    }
    long truePositives = findings.stream().filter(Finding::truePositive).count();
    telemetry.emit(
        TelemetryEvent.info("leak_report.answered")
            .with("report_id", reportId)
            .with("via", reporter.via())
            .with("tokens", findings.size())
            .with("true_positives", truePositives)
            .count("LeakReports", "via"));
    return List.copyOf(findings);
  }

  private Finding classifyAndRevoke(ReportedToken reported, RequestOrigin origin) {
    String value = reported.token();
    String hash = TokenDigest.sha256(value);
    Finding finding;
    if (RefreshTokens.isWellFormed(value)) {
      finding = refreshToken(value, hash, reported.type(), origin);
    } else if (value.chars().filter(c -> c == '.').count() == 2) {
      finding = accessToken(value, hash, reported.type(), origin);
    } else {
      finding = Finding.falsePositive(hash, reported.type(), Finding.Kind.UNRECOGNISED);
    }
    telemetry.emit(
        TelemetryEvent.info("leak_report.token")
            .with("kind", finding.kind().logName())
            .with("label", finding.label())
            .with("token_sha256", hash)
            .with("id", finding.id().orElse(null))
            .with("client_id", finding.clientId().orElse(null))
            .with("honeytoken", finding.honeytoken())
            .count("LeakReportTokens", "kind"));
    return finding;
  }

  private Finding refreshToken(String value, String hash, String type, RequestOrigin origin) {
    Optional<RefreshTokenRecord> record = refreshTokens.find(RefreshTokens.hash(value));
    if (record.isEmpty()) {
      return Finding.falsePositive(hash, type, Finding.Kind.NOT_OURS);
    }
    String familyId = record.get().familyId();
    String clientId = record.get().clientId();
    boolean honeytoken = revocations.familyStatus(clientId, familyId).honeytoken();
    revokeFamily(familyId, origin);
    return new Finding(
        hash,
        type,
        Finding.Kind.REFRESH_TOKEN,
        Optional.of(familyId),
        Optional.of(clientId),
        List.of("family:" + familyId),
        honeytoken);
  }

  private Finding accessToken(String value, String hash, String type, RequestOrigin origin) {
    VerifiedToken token;
    try {
      token = ourTokens.authenticity(value);
    } catch (RequestRejected notOurs) {
      telemetry.emit(
          TelemetryEvent.info("leak_report.not_ours")
              .with("token_sha256", hash)
              .with("reason", notOurs.reason()));
      return Finding.falsePositive(hash, type, Finding.Kind.NOT_OURS);
    }
    boolean honeytoken =
        revocations
            .status(token.jti(), token.clientId(), token.kid(), token.sessionId(), token.lineage())
            .honeytoken();
    revocations.revokeToken(
        token.jti(),
        RevocationRetention.keepUntil(token.expiresAt()),
        RevocationReason.LEAK_REPORTED.logName());
    List<String> revoked = new ArrayList<>(List.of("jti:" + token.jti()));
    if (token.sessionId().isPresent()) {
      revokeFamily(token.sessionId().get(), origin);
      revoked.add("family:" + token.sessionId().get());
    }
    return new Finding(
        hash,
        type,
        Finding.Kind.ACCESS_TOKEN,
        Optional.of(token.jti()),
        Optional.of(token.clientId()),
        revoked,
        honeytoken);
  }

  /**
   * The family's record kept as long as any token of it lives; a family the store no longer holds
   * (ended, its item expired) still gets a record covering any access token issued in it lately.
   */
  private void revokeFamily(String familyId, RequestOrigin origin) {
    Optional<RefreshFamily> family = refreshTokens.family(familyId);
    if (family.isPresent()) {
      families.revoke(family.get(), RevocationReason.LEAK_REPORTED, origin);
    } else {
      revocations.revokeFamily(
          familyId,
          RevocationRetention.keepUntil(clock.instant().plus(maxTokenLifetime)),
          RevocationReason.LEAK_REPORTED.logName());
    }
  }

  private void alert(Finding finding, ReportedToken reported, Instant at, String reportId) {
    Map<String, String> evidence = new LinkedHashMap<>();
    evidence.put("report_id", reportId);
    evidence.put("kind", finding.kind().logName());
    evidence.put("id", finding.id().orElseThrow());
    evidence.put("token_sha256", finding.tokenHash());
    evidence.put("revoked", String.join(" ", finding.revoked()));
    evidence.put("source", reported.source());
    List<AlertKind> kinds =
        finding.honeytoken()
            ? List.of(AlertKind.HONEYTOKEN_USED, AlertKind.LEAK_REPORTED)
            : List.of(AlertKind.LEAK_REPORTED);
    for (AlertKind kind : kinds) {
      try {
        alerts.raise(new SecurityAlert(kind, finding.clientId(), at, evidence));
      } catch (RuntimeException undelivered) {
        // The revocation stands; the log has the finding (leak_report.token) and this line.
        telemetry.emit(
            TelemetryEvent.error("security.alert_failed")
                .with("alert", kind.eventName())
                .with("report_id", reportId)
                .with("cause", undelivered.getClass().getSimpleName()));
      }
    }
  }

  private AuditEntry auditEntry(
      String reportId, Reporter reporter, Finding finding, ReportedToken reported) {
    String url = cut(reported.url(), MAX_URL_IN_AUDIT);
    String detail =
        finding.kind().logName()
            + " sha256="
            + finding.tokenHash()
            + " client="
            + finding.clientId().orElse("")
            + " revoked="
            + String.join(",", finding.revoked())
            + (finding.honeytoken() ? " honeytoken" : "")
            + " type="
            + cut(reported.type(), MAX_TYPE_IN_AUDIT)
            + " source="
            + cut(reported.source(), MAX_SOURCE_IN_AUDIT)
            + " url="
            + url;
    String target =
        (finding.kind() == Finding.Kind.ACCESS_TOKEN ? "jti " : "family ") + finding.id().get();
    return new AuditEntry(
        reportId,
        clock.instant(),
        reporter.actor(),
        reporter.via(),
        AUDIT_ACTION,
        target,
        AuditOutcome.DONE,
        detail);
  }

  private static String cut(String text, int max) {
    return text.length() > max ? text.substring(0, max - 3) + "..." : text;
  }

  private static String newId() {
    byte[] bytes = new byte[12];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
