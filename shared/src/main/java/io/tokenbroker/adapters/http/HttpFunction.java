package io.tokenbroker.adapters.http;

import io.tokenbroker.adapters.telemetry.InvocationScope;
import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.errors.ServiceFailure;
import io.tokenbroker.telemetry.Telemetry;
import io.tokenbroker.telemetry.TelemetryEvent;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.function.Function;

/**
 * The request cycle every HTTP function shares: read the API Gateway event, run the handler's
 * logic, and turn every outcome into a response. Rejections become OAuth errors; dependency
 * failures a 503 (retryable) or 500; anything unexpected a 500. Details go to the log, never to the
 * caller.
 */
public final class HttpFunction {

  private static final String NO_STORE = "no-store";

  private final Telemetry telemetry;
  private final InvocationScope invocation = new InvocationScope();

  public HttpFunction(Telemetry telemetry) {
    this.telemetry = telemetry;
  }

  /** {@link #serve(InputStream, OutputStream, String, Function)} without a Lambda request id. */
  public void serve(InputStream in, OutputStream out, Function<HttpRequest, HttpResponse> logic)
      throws IOException {
    serve(in, out, null, logic);
  }

  /**
   * Serves one invocation: every line logged meanwhile carries its ids ({@link InvocationScope}).
   *
   * @param functionRequestId Lambda's request id ({@code context.getAwsRequestId()}), null without
   *     a Lambda context
   */
  public void serve(
      InputStream in,
      OutputStream out,
      String functionRequestId,
      Function<HttpRequest, HttpResponse> logic)
      throws IOException {
    invocation.begin(functionRequestId);
    try {
      HttpResponse response;
      long started = System.nanoTime();
      HttpRequest request = null;
      try {
        request = ApiGatewayEvents.parse(BoundedEventReader.readEvent(in));
        invocation.correlate(request.context().requestId());
        response = logic.apply(request);
      } catch (RuntimeException e) {
        response = toResponse(e, request);
      }
      telemetry.emit(
          TelemetryEvent.debug("request.completed")
              .with("route", request == null ? null : request.route())
              .with("method", request == null ? null : request.method())
              .with("status", response.status())
              .with("millis", (System.nanoTime() - started) / 1_000_000));
      ApiGatewayResponseWriter.write(response, out);
    } finally {
      invocation.end();
    }
  }

  /**
   * The form of a POST to an OAuth endpoint: method POST, body within {@code maxChars}, media type
   * {@code application/x-www-form-urlencoded}, strictly parsed.
   */
  public static Form postedForm(HttpRequest request, int maxChars) {
    if (!request.method().equals("POST")) {
      throw RequestRejected.methodNotAllowed("POST");
    }
    if (request.body().length() > maxChars) {
      throw new RequestRejected(
          io.tokenbroker.errors.OAuthError.INVALID_REQUEST,
          413,
          HttpReason.BODY_TOO_LARGE,
          "request body too large",
          Map.of());
    }
    return Form.of(request);
  }

  /** The response for a failure, after logging it. */
  public HttpResponse toResponse(RuntimeException failure) {
    return toResponse(failure, null);
  }

  /**
   * The response for a failure of {@code request} (null: the event did not parse), after logging
   * it. A rejection's line also names where it came from ({@code source_ip}) and the client the
   * request named ({@code client_id}, as the form claimed it: unverified), for the anomaly
   * detector.
   */
  public HttpResponse toResponse(RuntimeException failure, HttpRequest request) {
    return switch (failure) {
      case RequestRejected rejected -> {
        TelemetryEvent line =
            TelemetryEvent.info("request.rejected")
                .with("reason", rejected.reason())
                .with("error", rejected.error().code())
                .with("status", rejected.status());
        if (request != null) {
          line = line.with("source_ip", request.context().sourceIp());
          String claimed = claimedClientId(request);
          if (claimed != null) {
            line = line.with("client_id", claimed);
          }
        }
        telemetry.emit(line.count("RequestsRejected", "reason"));
        HttpResponse rejection =
            HttpResponse.json(
                rejected.status(),
                Map.of(
                    "error", rejected.error().code(), "error_description", rejected.description()),
                NO_STORE);
        for (Map.Entry<String, String> header : rejected.headers().entrySet()) {
          rejection = rejection.withHeader(header.getKey(), header.getValue());
        }
        yield rejection;
      }
      case ServiceFailure dependency -> {
        telemetry.emit(
            TelemetryEvent.error("dependency.failed")
                .with("dependency", dependency.dependency())
                .with("retryable", dependency.retryable())
                .with("detail", dependency.getMessage())
                .with("cause", causeName(dependency))
                .count("DependencyFailures", "dependency"));
        yield dependency.retryable()
            ? HttpResponse.json(
                    503,
                    Map.of(
                        "error",
                        "temporarily_unavailable",
                        "error_description",
                        "the service is temporarily unavailable; retry later"),
                    NO_STORE)
                .withHeader("Retry-After", "1")
            : serverError();
      }
      default -> {
        telemetry.emit(
            TelemetryEvent.error("unexpected.failure")
                .with("exception", failure.getClass().getName())
                .with("at", origin(failure))
                .count("UnexpectedFailures"));
        yield serverError();
      }
    };
  }

  /** The form's {@code client_id}, if the request is a well-formed form that names one. */
  private static String claimedClientId(HttpRequest request) {
    try {
      return Form.of(request)
          .single("client_id")
          .filter(id -> id.length() <= 128 && id.matches("[A-Za-z0-9._:@/+-]+"))
          .orElse(null);
    } catch (RuntimeException notAForm) {
      return null;
    }
  }

  private static HttpResponse serverError() {
    return HttpResponse.json(
        500, Map.of("error", "server_error", "error_description", "internal error"), NO_STORE);
  }

  private static String causeName(Throwable failure) {
    return failure.getCause() == null ? null : failure.getCause().getClass().getSimpleName();
  }

  /** Where it was thrown (class, method, line): enough to find it, nothing from its message. */
  private static String origin(Throwable failure) {
    StackTraceElement[] trace = failure.getStackTrace();
    return trace.length == 0 ? "unknown" : trace[0].toString();
  }
}
