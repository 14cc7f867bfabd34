package io.tokenbroker.functions.revocation;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.tokenbroker.adapters.http.ClientAuthentication;
import io.tokenbroker.adapters.http.Form;
import io.tokenbroker.adapters.http.HoneytokenAlarm;
import io.tokenbroker.adapters.http.HttpFunction;
import io.tokenbroker.adapters.http.HttpReason;
import io.tokenbroker.adapters.http.HttpRequest;
import io.tokenbroker.adapters.http.HttpResponse;
import io.tokenbroker.adapters.lifecycle.SnapStartHooks;
import io.tokenbroker.adapters.telemetry.JsonLinesTelemetry;
import io.tokenbroker.adapters.telemetry.LoggedSecurityAlerts;
import io.tokenbroker.adapters.wiring.RevocationWiring;
import io.tokenbroker.config.Env;
import io.tokenbroker.errors.OAuthError;
import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.json.JsonText;
import io.tokenbroker.leaks.Finding;
import io.tokenbroker.leaks.LeakReport;
import io.tokenbroker.leaks.LeakReports;
import io.tokenbroker.leaks.ReportSignature;
import io.tokenbroker.leaks.Reporter;
import io.tokenbroker.oauth.RevocationService;
import io.tokenbroker.operator.AuditEntry;
import io.tokenbroker.operator.AuditTrail;
import io.tokenbroker.operator.OperatorPrincipals;
import io.tokenbroker.operator.OperatorReason;
import io.tokenbroker.operator.OperatorRevocations;
import io.tokenbroker.telemetry.Telemetry;
import io.tokenbroker.tokens.RequestOrigin;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Revocation. {@code POST /revoke} ({@code private_key_jwt}) and {@code /revoke/iam} (AWS_IAM): a
 * client revokes its own access or refresh token (RFC 7009). {@code POST /admin/revocations}
 * (AWS_IAM, operator roles only: OPERATOR_PRINCIPAL_ARNS, enforced by the API's resource policy and
 * again here): revoke a token by jti, every token of a client, or every token of a key. Leak
 * reports: {@code POST /leaks/github} (public; GitHub secret scanning's signed JSON, checked before
 * anything is read) and {@code POST /admin/leaks} (AWS_IAM, operators only), the same JSON array,
 * answered per value with GitHub's {@code token_hash}, {@code token_type}, {@code label}.
 */
public final class RevocationHandler implements RequestStreamHandler {

  static final String REVOKE_IAM = "/revoke/iam";
  static final String ADMIN = "/admin/revocations";
  static final String LEAKS_GITHUB = "/leaks/github";
  static final String ADMIN_LEAKS = "/admin/leaks";
  static final int MAX_BODY_CHARS = 16 * 1024;

  private final ClientAuthentication authenticator;
  private final RevocationService revocations;
  private final OperatorRevocations operators;
  private final AuditTrail audit;
  private final OperatorPrincipals operatorPrincipals;
  private final Optional<LeakRoutes> leaks;
  private final HttpFunction http;
  private final HoneytokenAlarm honeytokens;
  private SnapStartHooks snapStart; // held here: CRaC contexts may hold their resources weakly

  /** Lambda's entry: wires real clients from the environment, once per container. */
  public RevocationHandler() {
    Env env = Env.system();
    RevocationWiring wiring =
        RevocationWiring.fromEnvironment(
            env, Clock.systemUTC(), JsonLinesTelemetry.forFunction(env, "revocation"));
    this(
        wiring.clientAuthentication(),
        wiring.revocations(),
        wiring.operatorRevocations(),
        wiring.operatorAudit(),
        RevocationConfig.from(env).operators(),
        wiring.handlerTelemetry(),
        new LeakRoutes(wiring.leakReports(), wiring.reportSignature()));
    snapStart = wiring.snapStartHooks((in, out) -> handleRequest(in, out, null));
  }

  /**
   * With its dependencies: for tests and the local server ({@link RevocationWiring} builds them,
   * {@link RevocationConfig} reads the operators).
   */
  public RevocationHandler(
      ClientAuthentication authenticator,
      RevocationService revocations,
      OperatorRevocations operators,
      AuditTrail audit,
      OperatorPrincipals operatorPrincipals,
      Telemetry telemetry,
      LeakRoutes leaks) {
    this(
        authenticator,
        revocations,
        operators,
        audit,
        operatorPrincipals,
        telemetry,
        Optional.of(leaks));
  }

  /** Without the leak routes (tests of the revocation routes alone): they answer 404. */
  public RevocationHandler(
      ClientAuthentication authenticator,
      RevocationService revocations,
      OperatorRevocations operators,
      AuditTrail audit,
      OperatorPrincipals operatorPrincipals,
      Telemetry telemetry) {
    this(
        authenticator,
        revocations,
        operators,
        audit,
        operatorPrincipals,
        telemetry,
        Optional.<LeakRoutes>empty());
  }

  private RevocationHandler(
      ClientAuthentication authenticator,
      RevocationService revocations,
      OperatorRevocations operators,
      AuditTrail audit,
      OperatorPrincipals operatorPrincipals,
      Telemetry telemetry,
      Optional<LeakRoutes> leaks) {
    this.authenticator = authenticator;
    this.revocations = revocations;
    this.operators = operators;
    this.audit = audit;
    this.operatorPrincipals = operatorPrincipals;
    this.leaks = leaks;
    this.http = new HttpFunction(telemetry);
    // Request paths raise alerts as log lines only (an alarm and the detector take them on).
    this.honeytokens =
        new HoneytokenAlarm(new LoggedSecurityAlerts(telemetry), telemetry, Clock.systemUTC());
  }

  /** The leak report routes' service and the public route's signature check. */
  public record LeakRoutes(LeakReports reports, ReportSignature signature) {}

  /** The SnapStart hooks, if Lambda built this handler (else null). */
  SnapStartHooks snapStartHooks() {
    return snapStart;
  }

  @Override
  public void handleRequest(InputStream in, OutputStream out, Context context) throws IOException {
    http.serve(
        in,
        out,
        context == null ? null : context.getAwsRequestId(),
        request -> honeytokens.watch(request, this::respond));
  }

  private HttpResponse respond(HttpRequest request) {
    if (request.route().equals(LEAKS_GITHUB) || request.route().equals(ADMIN_LEAKS)) {
      return leakReport(request);
    }
    if (request.route().equals(ADMIN)) {
      operatorPrincipals.check(request.context().iamCallerArn()); // before anything is read
      return operatorRevocation(
          HttpFunction.postedForm(request, MAX_BODY_CHARS),
          request.context().iamCallerArn().orElseThrow());
    }
    Form form = HttpFunction.postedForm(request, MAX_BODY_CHARS);
    String token = form.required("token");
    form.single("token_type_hint"); // accepted; the two token formats cannot be confused
    revocations.revokeOwnToken(
        authenticator.authenticate(request, form, request.route().equals(REVOKE_IAM)),
        token,
        new RequestOrigin(request.context().sourceIp(), request.context().userAgent()),
        use -> honeytokens.raise(request, use));
    return new HttpResponse(200, Map.of("Cache-Control", "no-store"), "");
  }

  /**
   * A leak report. GitHub's: the signature over the raw body first (401, nothing read, when it
   * fails); an operator's: the caller checked as on the admin route. Then the JSON array, then
   * every value acted on ({@link LeakReports}); the answer per value, in order.
   */
  private HttpResponse leakReport(HttpRequest request) {
    LeakRoutes routes =
        leaks.orElseThrow(
            () ->
                new RequestRejected(
                    OAuthError.NOT_FOUND, HttpReason.UNKNOWN_ROUTE, "no such route"));
    if (!request.method().equals("POST")) {
      throw RequestRejected.methodNotAllowed("POST");
    }
    Reporter reporter;
    if (request.route().equals(ADMIN_LEAKS)) {
      operatorPrincipals.check(request.context().iamCallerArn()); // before anything is read
      reporter =
          new Reporter(request.context().iamCallerArn().orElseThrow(), AuditEntry.ADMIN_ROUTE);
    } else {
      reporter =
          routes
              .signature()
              .verify(
                  request.singleHeader("Github-Public-Key-Identifier"),
                  request.singleHeader("Github-Public-Key-Signature"),
                  request.body(),
                  request.context().sourceIp());
    }
    List<Finding> findings =
        routes
            .reports()
            .report(
                reporter,
                LeakReport.parse(request.body()),
                new RequestOrigin(request.context().sourceIp(), request.context().userAgent()));
    StringBuilder answer = new StringBuilder("[");
    for (Finding finding : findings) {
      answer.append(answer.length() == 1 ? "{" : ",{").append("\"token_hash\":");
      JsonText.string(answer, finding.tokenHash()).append(",\"token_type\":");
      JsonText.string(answer, finding.tokenType()).append(",\"label\":");
      JsonText.string(answer, finding.label()).append('}');
    }
    return new HttpResponse(
        200,
        Map.of("Content-Type", "application/json", "Cache-Control", "no-store"),
        answer.append(']').toString());
  }

  /**
   * Exactly one of jti, client_id, kid, from an operator (API Gateway verified the caller's SigV4
   * identity, its resource policy admitted the role, and {@link #respond} checked it again),
   * recorded in the audit trail under the caller's ARN before and after (never logged).
   */
  private HttpResponse operatorRevocation(Form form, String caller) {
    var jti = form.single("jti");
    var clientId = form.single("client_id");
    var kid = form.single("kid");
    long targets =
        java.util.stream.Stream.of(jti, clientId, kid)
            .filter(java.util.Optional::isPresent)
            .count();
    if (targets != 1) {
      throw RequestRejected.invalidRequest(
          OperatorReason.ONE_TARGET, "give exactly one of jti, client_id, kid");
    }
    Map<String, Object> revoked;
    if (jti.isPresent()) {
      audit.perform(
          caller, "revoke token", jti.get(), () -> operators.revokeToken(jti.get()), "revoked");
      revoked = Map.of("jti", jti.get());
    } else if (clientId.isPresent()) {
      var watermark =
          audit.perform(
              caller,
              "revoke client",
              clientId.get(),
              () -> operators.revokeClient(clientId.get()),
              before -> "issued before " + before);
      revoked = Map.of("client_id", clientId.get(), "issued_before", watermark.toString());
    } else {
      audit.perform(
          caller, "revoke key", kid.get(), () -> operators.revokeKey(kid.get()), "revoked");
      revoked = Map.of("kid", kid.get());
    }
    return HttpResponse.json(200, Map.of("revoked", revoked), "no-store");
  }
}
