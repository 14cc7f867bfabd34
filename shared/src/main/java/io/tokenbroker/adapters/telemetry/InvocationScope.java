package io.tokenbroker.adapters.telemetry;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The invocation a function is serving, for the log lines it writes meanwhile: Lambda's request id
 * ({@code function_request_id}), API Gateway's request id ({@code correlation_id}), the X-Ray trace
 * id ({@code xray_trace_id}) and whether it is the first invocation this environment serves ({@code
 * cold_start}): the field names of Powertools for AWS Lambda, so that queries written for it work
 * here. Each entry point (HTTP functions, the authorizer, key rotation) holds one scope and opens
 * it around each invocation; {@link JsonLinesTelemetry} and the local server's lines read {@link
 * #current()}.
 *
 * <p>Per thread, as a logging MDC: Lambda serves one invocation at a time per environment, the
 * local server many at once, one per thread. Nothing is kept once the invocation ends.
 */
public final class InvocationScope {

  /** The fields of the invocation in progress; any but {@code coldStart} may be null. */
  public record Invocation(
      String functionRequestId, String correlationId, String traceId, boolean coldStart) {}

  /**
   * Scopes nest (a SnapStart priming step sends a request through a handler): a stack per thread.
   */
  private record Frame(Invocation invocation, Frame outer) {}

  private static final ThreadLocal<Frame> CURRENT = new ThreadLocal<>();

  /** Lambda's Java runtime sets the trace header per invocation as this system property. */
  static final String TRACE_PROPERTY = "com.amazonaws.xray.traceHeader";

  static final String TRACE_VARIABLE = "_X_AMZN_TRACE_ID";

  private final AtomicBoolean served = new AtomicBoolean();

  /**
   * Opens the scope of one invocation on this thread.
   *
   * @param functionRequestId Lambda's request id ({@code Context.getAwsRequestId()}); null when
   *     there is no Lambda context (SnapStart priming, tests): then no invocation is counted, so
   *     the first real one is still a cold start
   */
  public void begin(String functionRequestId) {
    boolean coldStart = false;
    if (functionRequestId != null) {
      coldStart = !served.get() && !served.getAndSet(true); // a plain read once warm
    }
    CURRENT.set(
        new Frame(new Invocation(functionRequestId, null, traceId(), coldStart), CURRENT.get()));
  }

  /** Adds API Gateway's request id, once the event is read. */
  public void correlate(String apiGatewayRequestId) {
    Frame frame = CURRENT.get();
    if (frame != null && apiGatewayRequestId != null) {
      Invocation now = frame.invocation();
      CURRENT.set(
          new Frame(
              new Invocation(
                  now.functionRequestId(), apiGatewayRequestId, now.traceId(), now.coldStart()),
              frame.outer()));
    }
  }

  /** Closes the innermost scope: later lines on this thread carry the enclosing one's fields. */
  public void end() {
    Frame frame = CURRENT.get();
    if (frame == null || frame.outer() == null) {
      CURRENT.remove();
    } else {
      CURRENT.set(frame.outer());
    }
  }

  /** The invocation in progress on this thread, or null. */
  public static Invocation current() {
    Frame frame = CURRENT.get();
    return frame == null ? null : frame.invocation();
  }

  /**
   * The trace's root id ({@code 1-5759e988-bd862e3fe1be46a994272793}) from the header {@code
   * Root=...;Parent=...;Sampled=1}, as Powertools logs it; null when there is none.
   */
  static String traceId() {
    String header = System.getProperty(TRACE_PROPERTY);
    if (header == null || header.isEmpty()) {
      header = System.getenv(TRACE_VARIABLE);
    }
    return rootOf(header);
  }

  static String rootOf(String header) {
    if (header == null || header.isEmpty()) {
      return null;
    }
    int start = header.indexOf("Root=");
    if (start < 0) {
      return null;
    }
    start += 5;
    int end = header.indexOf(';', start);
    String root = end < 0 ? header.substring(start) : header.substring(start, end);
    return root.isEmpty() ? null : root;
  }
}
