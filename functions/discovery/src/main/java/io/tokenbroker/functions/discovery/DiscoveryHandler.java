package io.tokenbroker.functions.discovery;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.tokenbroker.adapters.http.HttpFunction;
import io.tokenbroker.adapters.http.HttpReason;
import io.tokenbroker.adapters.http.HttpRequest;
import io.tokenbroker.adapters.http.HttpResponse;
import io.tokenbroker.adapters.lifecycle.SnapStartHooks;
import io.tokenbroker.adapters.telemetry.JsonLinesTelemetry;
import io.tokenbroker.adapters.wiring.DiscoveryWiring;
import io.tokenbroker.config.Env;
import io.tokenbroker.discovery.DiscoveryService;
import io.tokenbroker.errors.OAuthError;
import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.telemetry.Telemetry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.util.Map;

/** GET /.well-known/jwks.json, /.well-known/oauth-authorization-server, openid-configuration. */
public final class DiscoveryHandler implements RequestStreamHandler {

  static final String JWKS = DiscoveryWiring.JWKS;
  static final String METADATA = DiscoveryWiring.METADATA;
  static final String OPENID_CONFIGURATION = "/.well-known/openid-configuration";

  private final DiscoveryService discovery;
  private final HttpFunction http;
  private SnapStartHooks snapStart; // held here: CRaC contexts may hold their resources weakly

  /** Lambda's entry: wires real clients from the environment, once per container. */
  public DiscoveryHandler() {
    DiscoveryWiring wiring =
        DiscoveryWiring.fromEnvironment(
            Env.system(),
            Clock.systemUTC(),
            JsonLinesTelemetry.forFunction(Env.system(), "discovery"));
    this(wiring.discovery(), wiring.handlerTelemetry());
    snapStart = wiring.snapStartHooks((in, out) -> handleRequest(in, out, null));
  }

  /**
   * With its dependencies: for tests and the local server ({@link DiscoveryWiring} builds them).
   */
  public DiscoveryHandler(DiscoveryService discovery, Telemetry telemetry) {
    this.discovery = discovery;
    this.http = new HttpFunction(telemetry);
  }

  /** The SnapStart hooks, if Lambda built this handler (else null). */
  SnapStartHooks snapStartHooks() {
    return snapStart;
  }

  @Override
  public void handleRequest(InputStream in, OutputStream out, Context context) throws IOException {
    http.serve(in, out, context == null ? null : context.getAwsRequestId(), this::respond);
  }

  private HttpResponse respond(HttpRequest request) {
    if (!request.method().equals("GET")) {
      throw RequestRejected.methodNotAllowed("GET");
    }
    return switch (request.route()) {
      case JWKS ->
          new HttpResponse(
              200,
              Map.of(
                  "Content-Type",
                  "application/json",
                  "Cache-Control",
                  "public, max-age=" + discovery.jwksMaxAge().toSeconds()),
              discovery.jwks().toString(true));
      case METADATA -> HttpResponse.json(200, discovery.metadata(), "public, max-age=3600");
      case OPENID_CONFIGURATION ->
          HttpResponse.json(200, discovery.openIdConfiguration(), "public, max-age=3600");
      default ->
          throw new RequestRejected(OAuthError.NOT_FOUND, HttpReason.UNKNOWN_ROUTE, "not found");
    };
  }
}
