package io.tokenbroker.adapters.http;

import io.tokenbroker.alerts.AlertKind;
import io.tokenbroker.alerts.SecurityAlert;
import io.tokenbroker.alerts.SecurityAlerts;
import io.tokenbroker.errors.HoneytokenUse;
import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.telemetry.Telemetry;
import io.tokenbroker.telemetry.TelemetryEvent;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Raises {@link AlertKind#HONEYTOKEN_USED} where a request path meets a honeytoken: a rejection
 * whose reason is a {@link HoneytokenUse} (a decoy client's credential, a decoy access or refresh
 * token) goes on unchanged, so the caller sees what any other caller would, and the alert carries
 * the decoy's evidence and where the request came from (endpoint, grant, authentication method,
 * source IP, User-Agent; never a token or secret). On request paths the alerts are {@code
 * LoggedSecurityAlerts}: a log line and a metric, no call that could slow or fail the answer.
 */
public final class HoneytokenAlarm {

  /** A User-Agent longer than this is cut in the evidence: it is the caller's free text. */
  static final int MAX_USER_AGENT_CHARS = 256;

  private final SecurityAlerts alerts;
  private final Telemetry telemetry;
  private final Clock clock;

  public HoneytokenAlarm(SecurityAlerts alerts, Telemetry telemetry, Clock clock) {
    this.alerts = alerts;
    this.telemetry = telemetry;
    this.clock = clock;
  }

  /** {@code respond}'s answer; a honeytoken rejection raises its alert, then is thrown on. */
  public HttpResponse watch(HttpRequest request, Function<HttpRequest, HttpResponse> respond) {
    try {
      return respond.apply(request);
    } catch (RequestRejected rejected) {
      if (rejected.rejectionReason() instanceof HoneytokenUse use) {
        raise(request, use);
      }
      throw rejected;
    }
  }

  /** For a honeytoken found without a rejection (introspection, RFC 7009 revocation). */
  public void raise(HttpRequest request, HoneytokenUse use) {
    Map<String, String> evidence = new LinkedHashMap<>(use.evidence());
    evidence.put("endpoint", request.route());
    Optional<Form> form = form(request);
    form.flatMap(f -> f.single("grant_type")).ifPresent(grant -> evidence.put("grant", grant));
    evidence.put("auth_method", authMethod(request, form));
    evidence.put("source_ip", request.context().sourceIp());
    String userAgent = request.context().userAgent();
    if (userAgent != null && !userAgent.isEmpty()) {
      evidence.put(
          "user_agent",
          userAgent.length() > MAX_USER_AGENT_CHARS
              ? userAgent.substring(0, MAX_USER_AGENT_CHARS)
              : userAgent);
    }
    try {
      alerts.raise(
          new SecurityAlert(
              AlertKind.HONEYTOKEN_USED, Optional.of(use.clientId()), clock.instant(), evidence));
    } catch (RuntimeException undelivered) {
      // The refusal stands without its alert; the line says one was lost.
      telemetry.emit(
          TelemetryEvent.error("security.alert_failed")
              .with("alert", AlertKind.HONEYTOKEN_USED.eventName())
              .with("client_id", use.clientId())
              .with("exception", undelivered.getClass().getName())
              .count("SecurityAlertFailures"));
    }
  }

  /** The form again, on this rare path only; none if it cannot be read. */
  private static Optional<Form> form(HttpRequest request) {
    try {
      return Optional.of(HttpFunction.postedForm(request, 16 * 1024));
    } catch (RuntimeException unreadable) {
      return Optional.empty();
    }
  }

  /** How the caller tried to authenticate, as {@link ClientAuthentication} would choose. */
  private static String authMethod(HttpRequest request, Optional<Form> form) {
    if (request.route().endsWith("/iam")) {
      return "aws_iam";
    }
    if (form.filter(f -> f.has("client_assertion")).isPresent()) {
      return "private_key_jwt";
    }
    if (request.context().clientCertPem().isPresent()) {
      return "tls_client_auth";
    }
    if (form.flatMap(f -> f.single("subject_token")).isPresent()) {
      return "federated";
    }
    return "none";
  }
}
