package io.tokenbroker.functions.introspection;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.tokenbroker.adapters.http.ClientAuthentication;
import io.tokenbroker.adapters.http.Form;
import io.tokenbroker.adapters.http.HoneytokenAlarm;
import io.tokenbroker.adapters.http.HttpFunction;
import io.tokenbroker.adapters.http.HttpRequest;
import io.tokenbroker.adapters.http.HttpResponse;
import io.tokenbroker.adapters.lifecycle.SnapStartHooks;
import io.tokenbroker.adapters.telemetry.JsonLinesTelemetry;
import io.tokenbroker.adapters.telemetry.LoggedSecurityAlerts;
import io.tokenbroker.adapters.wiring.IntrospectionWiring;
import io.tokenbroker.config.Env;
import io.tokenbroker.oauth.IntrospectionService;
import io.tokenbroker.telemetry.Telemetry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;

/**
 * Token introspection (RFC 7662) for clients allowed to introspect: {@code POST /introspect}
 * ({@code private_key_jwt}) and {@code /introspect/iam} (AWS_IAM).
 */
public final class IntrospectionHandler implements RequestStreamHandler {

  static final String INTROSPECT_IAM = "/introspect/iam";
  static final int MAX_BODY_CHARS = 16 * 1024;

  private final ClientAuthentication authenticator;
  private final IntrospectionService introspection;
  private final HttpFunction http;
  private final HoneytokenAlarm honeytokens;
  private SnapStartHooks snapStart; // held here: CRaC contexts may hold their resources weakly

  /** Lambda's entry: wires real clients from the environment, once per container. */
  public IntrospectionHandler() {
    IntrospectionWiring wiring =
        IntrospectionWiring.fromEnvironment(
            Env.system(),
            Clock.systemUTC(),
            JsonLinesTelemetry.forFunction(Env.system(), "introspection"));
    this(wiring.clientAuthentication(), wiring.introspection(), wiring.handlerTelemetry());
    snapStart = wiring.snapStartHooks((in, out) -> handleRequest(in, out, null));
  }

  /**
   * With its dependencies: for tests and the local server ({@link IntrospectionWiring} builds
   * them).
   */
  public IntrospectionHandler(
      ClientAuthentication authenticator, IntrospectionService introspection, Telemetry telemetry) {
    this.authenticator = authenticator;
    this.introspection = introspection;
    this.http = new HttpFunction(telemetry);
    this.honeytokens =
        new HoneytokenAlarm(new LoggedSecurityAlerts(telemetry), telemetry, Clock.systemUTC());
  }

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
    Form form = HttpFunction.postedForm(request, MAX_BODY_CHARS);
    String token = form.required("token");
    form.single("token_type_hint"); // accepted; the two token formats cannot be confused
    var caller = authenticator.authenticate(request, form, request.route().equals(INTROSPECT_IAM));
    return HttpResponse.json(
        200,
        introspection.introspect(caller, token, use -> honeytokens.raise(request, use)),
        "no-store");
  }
}
