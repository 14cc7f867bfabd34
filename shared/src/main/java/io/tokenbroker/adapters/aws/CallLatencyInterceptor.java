package io.tokenbroker.adapters.aws;

import io.tokenbroker.adapters.telemetry.InvocationScope;
import io.tokenbroker.telemetry.Telemetry;
import io.tokenbroker.telemetry.TelemetryEvent;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * One {@code aws.call} line and {@code AwsCallLatency} metric (milliseconds, by {@code service} and
 * {@code operation}) per AWS call, retries included, whether it succeeded or failed: how long KMS
 * and DynamoDB take as the functions see them, beside their failures ({@code DependencyFailures}).
 * Registered on every client the functions build ({@link AwsClients}). Calls made inside an
 * invocation without a Lambda request id (SnapStart priming's synthetic requests, a handler driven
 * without a context) are not timed: they serve no caller.
 */
public final class CallLatencyInterceptor implements ExecutionInterceptor {

  private static final ExecutionAttribute<Long> STARTED =
      new ExecutionAttribute<>("tokenbroker.callStartedNanos");

  private final Telemetry telemetry;

  public CallLatencyInterceptor(Telemetry telemetry) {
    this.telemetry = telemetry;
  }

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
    InvocationScope.Invocation invocation = InvocationScope.current();
    if (invocation != null && invocation.functionRequestId() == null) {
      return;
    }
    attributes.putAttribute(STARTED, System.nanoTime());
  }

  @Override
  public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
    emit(attributes, "ok", context.httpResponse().statusCode());
  }

  @Override
  public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
    emit(attributes, "failed", context.httpResponse().map(r -> r.statusCode()).orElse(null));
  }

  private void emit(ExecutionAttributes attributes, String outcome, Integer status) {
    Long started = attributes.getAttribute(STARTED);
    if (started == null) {
      return;
    }
    double millis = (System.nanoTime() - started) / 1_000_000.0;
    telemetry.emit(
        TelemetryEvent.info("aws.call")
            .with("service", attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME))
            .with("operation", attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME))
            .with("outcome", outcome)
            .with("http_status", status)
            .millis("AwsCallLatency", Math.round(millis * 10) / 10.0, "service", "operation"));
  }
}
