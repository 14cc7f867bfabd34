package io.tokenbroker.functions.authorizer;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.tokenbroker.access.RouteRules;
import io.tokenbroker.adapters.lifecycle.SnapStartHooks;
import io.tokenbroker.adapters.telemetry.JsonLinesTelemetry;
import io.tokenbroker.config.Env;
import io.tokenbroker.errors.RejectionReason;
import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.errors.ServiceFailure;
import io.tokenbroker.telemetry.Telemetry;
import io.tokenbroker.telemetry.TelemetryEvent;
import io.tokenbroker.verify.AccessTokenVerifier;
import io.tokenbroker.verify.VerifiedToken;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;

/**
 * API Gateway Lambda authorizer for the broker's access tokens. Fails closed: a missing or invalid
 * token ends in 401 (REST: the "Unauthorized" error API Gateway maps to 401; HTTP API: isAuthorized
 * false, 403); a valid token without the scope a route needs in 403; a store that cannot be read in
 * an error API Gateway answers with 500. Never an allow it did not decide on.
 */
public final class TokenAuthorizer implements RequestStreamHandler {

  private final AccessTokenVerifier verifier;
  private final AuthorizerResponses responses;
  private final Telemetry telemetry;
  private SnapStartHooks snapStart; // held here: CRaC contexts may hold their resources weakly

  /** Lambda's entry: wires real clients from the environment, once per container. */
  public TokenAuthorizer() {
    AuthorizerWiring wiring =
        AuthorizerWiring.fromEnvironment(
            Env.system(),
            Clock.systemUTC(),
            new JsonLinesTelemetry(System.out, Clock.systemUTC(), "authorizer"));
    this(wiring.verifier(), wiring.config().routes(), wiring.handlerTelemetry());
    wiring.readKeysAhead();
    snapStart = wiring.snapStartHooks((in, out) -> handleRequest(in, out, null));
  }

  /**
   * With its dependencies: for tests and the local server ({@link AuthorizerWiring} builds them).
   */
  public TokenAuthorizer(AccessTokenVerifier verifier, RouteRules routes, Telemetry telemetry) {
    this.verifier = verifier;
    this.responses = new AuthorizerResponses(routes);
    this.telemetry = telemetry;
  }

  /** The SnapStart hooks, if Lambda built this handler (else null). */
  SnapStartHooks snapStartHooks() {
    return snapStart;
  }

  @Override
  public void handleRequest(InputStream in, OutputStream out, Context context) throws IOException {
    AuthorizerRequest request;
    try {
      request = AuthorizerEvent.read(in);
    } catch (AuthorizerRequest.Malformed e) {
      deny(AuthorizerReason.MALFORMED_EVENT);
      throw new Unauthorized();
    } catch (RequestRejected overLimitOrNotJson) {
      deny(overLimitOrNotJson.rejectionReason());
      throw new Unauthorized();
    }
    byte[] response;
    try {
      VerifiedToken token =
          verifier.verify(
              request.bearerToken().orElseThrow(() -> rejected(AuthorizerReason.TOKEN_MISSING)));
      if (!token.isBearer()) {
        throw rejected(AuthorizerReason.BOUND_TOKEN_NOT_PROVEN); // no proof is checked here yet
      }
      response = responses.allow(request, token);
      telemetry.emit(
          TelemetryEvent.info("authorizer.verified")
              .with("client_id", token.clientId())
              .with("jti", token.jti())
              .with("method", request.method())
              .count("TokensAccepted"));
    } catch (RequestRejected rejected) {
      deny(rejected.rejectionReason());
      if (request.shape() == AuthorizerRequest.Shape.REST_POLICY) {
        throw new Unauthorized();
      }
      response = AuthorizerResponses.refuse();
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

  private void deny(RejectionReason reason) {
    telemetry.emit(
        TelemetryEvent.info("authorizer.denied")
            .with("reason", reason.logName())
            .count("TokensDenied", "reason"));
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
