package io.tokenbroker.system.calls;

import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

/**
 * Counts every AWS SDK call by service, operation and DynamoDB table (the table name's last
 * dash-separated part: {@code keys}, {@code clients}, ...), and every HTTP attempt. A global
 * interceptor: the SDK adds it to every client it builds, the functions' own included, because
 * {@code software/amazon/awssdk/global/handlers/execution.interceptors} on the test classpath names
 * it; the production wiring is used unchanged.
 */
public final class AwsCallCounter implements ExecutionInterceptor {

  private static final Map<String, AtomicInteger> CALLS = new ConcurrentHashMap<>();
  private static final Map<String, AtomicInteger> ATTEMPTS = new ConcurrentHashMap<>();
  private static final Map<String, AtomicInteger> KEYS = new ConcurrentHashMap<>();

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
    CALLS
        .computeIfAbsent(name(context.request(), attributes), k -> new AtomicInteger())
        .incrementAndGet();
    // BatchGetItem is charged per key (one read unit each, strongly consistent, found or not).
    if (context.request() instanceof BatchGetItemRequest batch) {
      int keys = 0;
      for (KeysAndAttributes table : batch.requestItems().values()) {
        keys += table.keys().size();
      }
      KEYS.computeIfAbsent(name(context.request(), attributes), k -> new AtomicInteger())
          .addAndGet(keys);
    }
  }

  @Override
  public void beforeTransmission(
      Context.BeforeTransmission context, ExecutionAttributes attributes) {
    ATTEMPTS
        .computeIfAbsent(name(context.request(), attributes), k -> new AtomicInteger())
        .incrementAndGet();
  }

  /** Forgets what was counted so far. */
  public static void reset() {
    CALLS.clear();
    ATTEMPTS.clear();
    KEYS.clear();
  }

  /** Calls since the last reset, e.g. {@code "DynamoDB GetItem clients" -> 2}. */
  public static Map<String, Integer> calls() {
    return snapshot(CALLS);
  }

  /** Keys the BatchGetItem calls asked for since the last reset, by call name. */
  public static Map<String, Integer> keys() {
    return snapshot(KEYS);
  }

  /** HTTP attempts since the last reset (more than calls if the SDK retried). */
  public static Map<String, Integer> attempts() {
    return snapshot(ATTEMPTS);
  }

  private static Map<String, Integer> snapshot(Map<String, AtomicInteger> counts) {
    Map<String, Integer> copy = new TreeMap<>();
    counts.forEach((k, v) -> copy.put(k, v.get()));
    return copy;
  }

  private static String name(SdkRequest request, ExecutionAttributes attributes) {
    String name =
        attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME)
            + " "
            + attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
    TreeSet<String> tables = new TreeSet<>();
    request.getValueForField("TableName", String.class).ifPresent(tables::add);
    request
        .getValueForField("RequestItems", Map.class)
        .ifPresent(items -> items.keySet().forEach(t -> tables.add(String.valueOf(t))));
    for (String table : tables) {
      name += " " + table.substring(table.lastIndexOf('-') + 1);
    }
    return name;
  }
}
