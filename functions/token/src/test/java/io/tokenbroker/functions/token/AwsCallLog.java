package io.tokenbroker.functions.token;

import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Records the AWS calls made on the current thread while recording, as "Service Operation table"
 * (e.g. {@code DynamoDb Scan keys}). A global interceptor, named in this module's test resources
 * ({@code software/amazon/awssdk/global/handlers/execution.interceptors}), so the SDK adds it to
 * every client the production wiring builds.
 */
public final class AwsCallLog implements ExecutionInterceptor {

  private static final ThreadLocal<List<String>> RECORDING = new ThreadLocal<>();

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
    List<String> calls = RECORDING.get();
    if (calls == null) {
      return;
    }
    String table =
        context
            .request()
            .getValueForField("TableName", String.class)
            .map(t -> " " + t.substring(t.lastIndexOf('-') + 1))
            .orElse("");
    calls.add(
        attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME)
            + " "
            + attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME)
            + table);
  }

  /** Starts recording this thread's calls. */
  static void start() {
    RECORDING.set(new ArrayList<>());
  }

  /** Stops recording; the calls made since {@link #start}. */
  static List<String> stop() {
    List<String> calls = RECORDING.get();
    RECORDING.remove();
    return List.copyOf(calls);
  }
}
