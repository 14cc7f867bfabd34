package io.tokenbroker.adapters.wiring;

import io.tokenbroker.adapters.aws.ClientTimeouts;
import io.tokenbroker.adapters.dynamodb.BrokerTables;
import io.tokenbroker.adapters.dynamodb.DynamoDbRevocationRepository;
import io.tokenbroker.adapters.federation.RemoteReporterKeys;
import io.tokenbroker.adapters.http.ClientAuthentication;
import io.tokenbroker.adapters.lifecycle.PrimingSwitch;
import io.tokenbroker.adapters.lifecycle.SnapStartHooks;
import io.tokenbroker.adapters.telemetry.LoggedSecurityAlerts;
import io.tokenbroker.config.BrokerConfig;
import io.tokenbroker.config.Env;
import io.tokenbroker.config.LeakReportConfig;
import io.tokenbroker.leaks.LeakReports;
import io.tokenbroker.leaks.ReportSignature;
import io.tokenbroker.leaks.ReporterKeys;
import io.tokenbroker.oauth.RevocationService;
import io.tokenbroker.operator.AuditEntry;
import io.tokenbroker.operator.AuditTrail;
import io.tokenbroker.operator.OperatorRevocations;
import io.tokenbroker.refresh.FamilyRevocation;
import io.tokenbroker.telemetry.Telemetry;
import java.time.Clock;
import java.util.Optional;

/**
 * The revocation function's real services over AWS, built once per container, and its SnapStart
 * hooks: clients revoke their own tokens ({@link RevocationService}), operators revoke by jti,
 * client or key ({@link OperatorRevocations}); leak reports, GitHub's signed ones and operators'
 * ({@link LeakReports}, {@link ReportSignature}).
 */
public final class RevocationWiring {

  private final BrokerAdapters adapters;
  private final BrokerConfig config;
  private final Telemetry telemetry;
  private final PrimingSwitch primingSwitch = new PrimingSwitch();
  private final OwnTokenVerification ourTokens;
  private final ClientAuthentication clientAuthentication;
  private final RevocationService revocations;
  private final OperatorRevocations operatorRevocations;
  private final AuditTrail operatorAudit;
  private final LeakReports leakReports;
  private final ReportSignature reportSignature;

  /** Without leak reporters' keys: every report on the public route is refused (unknown key). */
  public RevocationWiring(
      BrokerAdapters adapters,
      BrokerConfig config,
      BrokerTables tables,
      Clock clock,
      Telemetry telemetry) {
    this(adapters, config, tables, clock, telemetry, keyId -> Optional.empty());
  }

  /**
   * @param reporterKeys whose signed leak reports {@code POST /leaks/github} accepts
   */
  public RevocationWiring(
      BrokerAdapters adapters,
      BrokerConfig config,
      BrokerTables tables,
      Clock clock,
      Telemetry telemetry,
      ReporterKeys reporterKeys) {
    this.adapters = adapters;
    this.config = config;
    this.telemetry = telemetry;
    DynamoDbRevocationRepository revocationTable = adapters.revocations(tables.revocations());
    this.ourTokens =
        new OwnTokenVerification(adapters, config, tables, revocationTable, clock, telemetry);
    this.clientAuthentication =
        ClientEndpointParts.clientAuthentication(adapters, config, tables, clock);
    this.revocations =
        new RevocationService(
            ourTokens.verifier(),
            adapters.refreshTokens(tables),
            new FamilyRevocation(revocationTable, config.maxTokenLifetime(), telemetry),
            revocationTable,
            telemetry);
    this.operatorRevocations =
        new OperatorRevocations(
            adapters.issuances(tables.issuances()),
            revocationTable,
            adapters.keys(tables.keys())::find,
            config.maxTokenLifetime(),
            clock,
            telemetry);
    this.operatorAudit =
        new AuditTrail(
            adapters.operatorAudit(tables.audit(), clock), AuditEntry.ADMIN_ROUTE, clock);
    // Alerts from a request path are log lines only (no SNS call, no new IAM): the SecurityAlerts
    // metric's alarm pages, the detector forwards the lines.
    this.leakReports =
        new LeakReports(
            ourTokens.verifier(),
            adapters.refreshTokens(tables),
            new FamilyRevocation(revocationTable, config.maxTokenLifetime(), telemetry),
            revocationTable,
            adapters.operatorAudit(tables.audit(), clock),
            new LoggedSecurityAlerts(telemetry),
            config.maxTokenLifetime(),
            clock,
            telemetry);
    this.reportSignature = new ReportSignature(reporterKeys, telemetry);
  }

  /** From the function's environment: {@link BrokerConfig}, {@link BrokerTables}, AWS settings. */
  public static RevocationWiring fromEnvironment(Env env, Clock clock, Telemetry telemetry) {
    return new RevocationWiring(
        BrokerAdapters.from(env, ClientTimeouts.requestPath(), telemetry),
        BrokerConfig.from(env),
        BrokerTables.from(env),
        clock,
        telemetry,
        RemoteReporterKeys.from(LeakReportConfig.from(env), clock, telemetry));
  }

  /** Leak reports: classify, revoke, alert, record ({@code leak.report} in the audit table). */
  public LeakReports leakReports() {
    return leakReports;
  }

  /** The signature check of {@code POST /leaks/github}. */
  public ReportSignature reportSignature() {
    return reportSignature;
  }

  public ClientAuthentication clientAuthentication() {
    return clientAuthentication;
  }

  public RevocationService revocations() {
    return revocations;
  }

  public OperatorRevocations operatorRevocations() {
    return operatorRevocations;
  }

  /** The admin route's audit trail (the audit table; PutItem only). */
  public AuditTrail operatorAudit() {
    return operatorAudit;
  }

  /** For the handler's own requests: silent while priming sends its synthetic request. */
  public Telemetry handlerTelemetry() {
    return primingSwitch.quiet(telemetry);
  }

  /**
   * Registers the SnapStart hooks; the caller keeps the result. Priming reads the published keys,
   * refuses a token with a forged signature, reads one revocation state, then POSTs a revocation of
   * a client that does not exist through {@code handler}: nothing is written. Reset forgets every
   * read (keys, revocation states) and drops cached credentials.
   */
  public SnapStartHooks snapStartHooks(SnapStartHooks.StreamHandler handler) {
    return SnapStartHooks.builder("revocation", telemetry, primingSwitch)
        .priming(ourTokens::prime)
        .priming(
            ClientEndpointParts.unknownClientPost(config, handler, "/revoke", "&token=priming"))
        .reset(ourTokens::forget)
        .reset(adapters::renewCredentials)
        .register();
  }
}
