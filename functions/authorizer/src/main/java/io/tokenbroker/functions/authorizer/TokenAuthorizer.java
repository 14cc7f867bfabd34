package io.tokenbroker.functions.authorizer;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.tokenbroker.access.RouteRules;
import io.tokenbroker.adapters.lifecycle.SnapStartHooks;
import io.tokenbroker.adapters.telemetry.InvocationScope;
import io.tokenbroker.adapters.telemetry.JsonLinesTelemetry;
import io.tokenbroker.adapters.telemetry.LoggedSecurityAlerts;
import io.tokenbroker.alerts.AlertKind;
import io.tokenbroker.alerts.SecurityAlert;
import io.tokenbroker.alerts.SecurityAlerts;
import io.tokenbroker.config.Env;
import io.tokenbroker.errors.HoneytokenUse;
import io.tokenbroker.errors.OAuthError;
import io.tokenbroker.errors.RejectionReason;
import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.errors.ServiceFailure;
import io.tokenbroker.jose.Confirmation;
import io.tokenbroker.telemetry.Telemetry;
import io.tokenbroker.telemetry.TelemetryEvent;
import io.tokenbroker.verify.AccessTokenVerifier;
import io.tokenbroker.verify.CertificateBinding;
import io.tokenbroker.verify.VerifiedToken;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * API Gateway Lambda authorizer for the broker's access tokens. Fails closed: a missing or invalid
 * token ends in 401 (REST: the "Unauthorized" error API Gateway maps to 401; HTTP API: isAuthorized
 * false, 403); a valid token without the scope a route needs in 403; a store that cannot be read in
 * an error API Gateway answers with 500. Never an allow it did not decide on.
 *
 * <p>A DPoP-bound token ({@code cnf.jkt}) gets through only under the DPoP scheme with a valid
 * proof ({@link DpopAuthorization}); under the Bearer scheme it is refused (RFC 9449 7.2), as is
 * any token bound to what this authorizer does not check. A refusal for want of a server nonce is,
 * for a REST API, a Deny whose context carries the challenge and the nonce (template.yaml's 403
 * gateway response puts them in headers); every other refusal is the plain 401.
 */
public final class TokenAuthorizer implements RequestStreamHandler {

  /** A User-Agent is the caller's free text: logged at most this long. */
  private static final int MAX_USER_AGENT_CHARS = 256;

  private final AccessTokenVerifier verifier;
  private final DpopAuthorization dpop;
  private final AuthorizerResponses responses;
  private final Telemetry telemetry;
  private final boolean seesEveryRequest;
  private final InvocationScope invocation = new InvocationScope();
  private final SecurityAlerts alerts;
  private final Clock clock;
  private SnapStartHooks snapStart; // held here: CRaC contexts may hold their resources weakly

  /** Lambda's entry: wires real clients from the environment, once per container. */
  public TokenAuthorizer() {
    AuthorizerWiring wiring =
        AuthorizerWiring.fromEnvironment(
            Env.system(),
            Clock.systemUTC(),
            JsonLinesTelemetry.forFunction(Env.system(), "authorizer"));
    this(
        wiring.verifier(),
        wiring.dpop(),
        wiring.config().routes(),
        wiring.handlerTelemetry(),
        wiring.config().seesEveryRequest(),
        new LoggedSecurityAlerts(wiring.handlerTelemetry()),
        Clock.systemUTC());
    wiring.readKeysAhead();
    snapStart = wiring.snapStartHooks((in, out) -> handleRequest(in, out, null));
  }

  /**
   * With its dependencies: for tests and the local server ({@link AuthorizerWiring} builds them).
   */
  public TokenAuthorizer(
      AccessTokenVerifier verifier,
      DpopAuthorization dpop,
      RouteRules routes,
      Telemetry telemetry,
      boolean seesEveryRequest) {
    this(
        verifier,
        dpop,
        routes,
        telemetry,
        seesEveryRequest,
        new LoggedSecurityAlerts(telemetry),
        Clock.systemUTC());
  }

  /**
   * @param alerts where a honeytoken's use is raised: on this request path, {@link
   *     LoggedSecurityAlerts} (a log line and a metric, nothing that could slow a decision)
   * @param clock when an alert says the decoy was seen
   */
  public TokenAuthorizer(
      AccessTokenVerifier verifier,
      DpopAuthorization dpop,
      RouteRules routes,
      Telemetry telemetry,
      boolean seesEveryRequest,
      SecurityAlerts alerts,
      Clock clock) {
    this.verifier = verifier;
    this.dpop = dpop;
    this.responses = new AuthorizerResponses(routes);
    this.telemetry = telemetry;
    this.seesEveryRequest = seesEveryRequest;
    this.alerts = alerts;
    this.clock = clock;
  }

  /**
   * Behind a result cache or not known to be without one ({@link
   * AuthorizerConfig#seesEveryRequest()} false): certificate-bound tokens are refused.
   */
  public TokenAuthorizer(
      AccessTokenVerifier verifier,
      DpopAuthorization dpop,
      RouteRules routes,
      Telemetry telemetry) {
    this(verifier, dpop, routes, telemetry, false);
  }

  /** Without DPoP proof checks, behind a result cache: every bound token is refused. */
  public TokenAuthorizer(AccessTokenVerifier verifier, RouteRules routes, Telemetry telemetry) {
    this(verifier, new DpopAuthorization(verifier, Optional.empty()), routes, telemetry);
  }

  /** The SnapStart hooks, if Lambda built this handler (else null). */
  SnapStartHooks snapStartHooks() {
    return snapStart;
  }

  @Override
  public void handleRequest(InputStream in, OutputStream out, Context context) throws IOException {
    invocation.begin(context == null ? null : context.getAwsRequestId());
    try {
      decide(in, out);
    } finally {
      invocation.end();
    }
  }

  /** One decision; its lines carry the invocation's ids ({@link InvocationScope}). */
  private void decide(InputStream in, OutputStream out) throws IOException {
    AuthorizerRequest request;
    try {
      request = AuthorizerEvent.read(in);
    } catch (AuthorizerRequest.Malformed e) {
      deny(AuthorizerReason.MALFORMED_EVENT, null);
      throw new Unauthorized();
    } catch (RequestRejected overLimitOrNotJson) {
      deny(overLimitOrNotJson.rejectionReason(), null);
      throw new Unauthorized();
    }
    // API Gateway's request id on every line of this decision, as on the functions' own lines.
    request.requestId().ifPresent(invocation::correlate);
    byte[] response;
    try {
      VerifiedToken token;
      if (request.dpop().isPresent()) {
        token = dpop.verify(request.dpop().get(), request.method());
      } else {
        token =
            verifier.verify(
                request.bearerToken().orElseThrow(() -> rejected(AuthorizerReason.TOKEN_MISSING)));
        if (token.confirmation().orElse(null) instanceof Confirmation.ClientCertificate bound) {
          if (!seesEveryRequest) {
            // The cache is keyed by the Authorization header: its Allow would skip this check.
            throw rejected(AuthorizerReason.CERT_BOUND_BEHIND_RESULT_CACHE);
          }
          CertificateBinding.requirePem(bound, request.clientCertPem()); // RFC 8705 3
        } else if (!token.isBearer()) {
          throw rejected(AuthorizerReason.BOUND_TOKEN_NOT_PROVEN); // DPoP-bound, Bearer scheme
        }
      }
      response = responses.allow(request, token);
      telemetry.emit(
          TelemetryEvent.info("authorizer.verified")
              .with("client_id", token.clientId())
              .with("jti", token.jti())
              .with("method", request.method())
              .with("source_ip", request.sourceIp().orElse(null))
              .with("user_agent", request.userAgent().map(TokenAuthorizer::cut).orElse(null))
              .count("TokensAccepted"));
    } catch (RequestRejected rejected) {
      deny(rejected.rejectionReason(), request);
      if (rejected.rejectionReason() instanceof HoneytokenUse use) {
        honeytokenUsed(use, request);
      }
      if (request.shape() == AuthorizerRequest.Shape.HTTP_SIMPLE) {
        response = AuthorizerResponses.refuse(); // HTTP APIs carry no challenge
      } else if (rejected.error() == OAuthError.USE_DPOP_NONCE) {
        response = AuthorizerResponses.nonceChallenge(request, rejected);
      } else {
        throw new Unauthorized();
      }
    } catch (ServiceFailure failure) {
      telemetry.emit(
          TelemetryEvent.error("authorizer.unavailable")
              .with("dependency", failure.dependency())
              .with("detail", failure.getMessage())
              .count("AuthorizerFailures", "dependency"));
      throw new Unavailable();
    } catch (RuntimeException bug) {
      telemetry.emit(
          TelemetryEvent.error("authorizer.failed")
              .with("exception", bug.getClass().getName())
              .count("AuthorizerFailures"));
      throw new Unavailable();
    }
    out.write(response);
  }

  private void deny(RejectionReason reason, AuthorizerRequest request) {
    telemetry.emit(
        TelemetryEvent.info("authorizer.denied")
            .with("reason", reason.logName())
            .with("source_ip", request == null ? null : request.sourceIp().orElse(null))
            .count("TokensDenied", "reason"));
  }

  /**
   * A decoy passed every check but revocation, so its jti and client are the token's own: the alert
   * says which decoy was found, and from where it is being used. The answer stays a plain 401.
   */
  private void honeytokenUsed(HoneytokenUse use, AuthorizerRequest request) {
    Map<String, String> evidence = new LinkedHashMap<>(use.evidence());
    evidence.put("endpoint", "authorizer");
    evidence.put("method", request.method());
    evidence.put("path", request.path());
    request.sourceIp().ifPresent(ip -> evidence.put("source_ip", ip));
    request.userAgent().ifPresent(agent -> evidence.put("user_agent", cut(agent)));
    try {
      alerts.raise(
          new SecurityAlert(
              AlertKind.HONEYTOKEN_USED, Optional.of(use.clientId()), clock.instant(), evidence));
    } catch (RuntimeException undelivered) {
      telemetry.emit(
          TelemetryEvent.error("security.alert_failed")
              .with("alert", AlertKind.HONEYTOKEN_USED.eventName())
              .with("client_id", use.clientId())
              .with("exception", undelivered.getClass().getName())
              .count("SecurityAlertFailures"));
    }
  }

  /** The caller's free text, cut for the log. */
  private static String cut(String userAgent) {
    return userAgent.length() > MAX_USER_AGENT_CHARS
        ? userAgent.substring(0, MAX_USER_AGENT_CHARS)
        : userAgent;
  }

  private static RequestRejected rejected(AuthorizerReason reason) {
    return new RequestRejected(
        io.tokenbroker.errors.OAuthError.INVALID_TOKEN, reason, "invalid token");
  }

  /** The error whose message API Gateway (REST) turns into 401; no stack trace to log. */
  static final class Unauthorized extends RuntimeException {
    Unauthorized() {
      super("Unauthorized", null, false, false);
    }
  }

  /** Any other error: API Gateway answers 500 and lets nobody through. */
  static final class Unavailable extends RuntimeException {
    Unavailable() {
      super("authorizer dependency unavailable", null, false, false);
    }
  }
}
