package io.tokenbroker.telemetry;

/**
 * Port for structured logs and metrics. One {@link TelemetryEvent} is one log line; its metrics, if
 * any, are emitted with it (CloudWatch EMF in AWS). Implementations must not throw: telemetry never
 * fails a request. Callers never put a token, assertion, secret or ARN in an event.
 */
@FunctionalInterface
public interface Telemetry {

  void emit(TelemetryEvent event);

  /** Discards everything; for tools that have no log sink. */
  static Telemetry discard() {
    return event -> {};
  }
}
