package io.tokenbroker.adapters.telemetry;

import com.nimbusds.jose.util.JSONObjectUtils;
import io.tokenbroker.config.Env;
import io.tokenbroker.config.TelemetryConfig;
import io.tokenbroker.json.JsonText;
import io.tokenbroker.telemetry.Telemetry;
import io.tokenbroker.telemetry.TelemetryEvent;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Writes each event as one JSON line. Events with metrics carry a CloudWatch Embedded Metric Format
 * ({@code _aws}) block, so in Lambda the same line is a log entry and a metric data point.
 */
public final class JsonLinesTelemetry implements Telemetry {

  /** The CloudWatch metrics namespace of every broker metric. */
  public static final String NAMESPACE = "TokenBroker";

  private final PrintStream out;
  private final Clock clock;
  private final String function;
  private final String stack;
  private final TelemetryEvent.Level level;

  /**
   * Whether a line may be written as its UTF-8 bytes in one {@code write}: what {@code println}
   * writes to a plain UTF-8 {@link PrintStream} (line and separator encoded together, one write to
   * the stream under it), without the writer and encoder between (issue 13). Any other stream (a
   * subclass may do more in {@code println}) gets {@code println}.
   */
  private final boolean writeBytes;

  private static final String LINE_SEPARATOR = System.lineSeparator();

  /**
   * The lowest level a line carrying a metric is written at. Lambda (JSON log format) drops every
   * line whose "level" is below ApplicationLogLevel, metric or not; the stack's LogLevel is kept at
   * or below this (TemplateIT), so no data point is dropped there.
   */
  public static final TelemetryEvent.Level METRIC_LINE_LEVEL = TelemetryEvent.Level.INFO;

  /**
   * @param function the function's role name ({@code token}, {@code authorizer}, ...), a field and
   *     metric dimension of every line
   * @param config the stack's name (a field of every line and a dimension of every metric) and the
   *     lowest level written
   */
  public JsonLinesTelemetry(PrintStream out, Clock clock, String function, TelemetryConfig config) {
    this.out = out;
    this.clock = clock;
    this.function = function;
    this.stack = config.stack().orElse(null);
    this.level = config.level();
    this.writeBytes =
        out.getClass() == PrintStream.class && StandardCharsets.UTF_8.equals(out.charset());
  }

  /** Without a stack name, every level written: for tests and tools. */
  public JsonLinesTelemetry(PrintStream out, Clock clock, String function) {
    this(out, clock, function, new TelemetryConfig(Optional.empty(), TelemetryEvent.Level.DEBUG));
  }

  /** A function's lines on stdout, as its environment configures them (BROKER_NAME, level). */
  public static JsonLinesTelemetry forFunction(Env env, String function) {
    return new JsonLinesTelemetry(
        System.out, Clock.systemUTC(), function, TelemetryConfig.from(env));
  }

  @Override
  public void emit(TelemetryEvent event) {
    // A line below the level is dropped unless it carries metrics: a data point is never lost.
    if (event.level().compareTo(level) < 0 && event.metrics().isEmpty()) {
      return;
    }
    try {
      if (writeBytes) {
        Utf8Line bytes = Utf8Line.start();
        long now = clock.millis();
        InvocationScope.Invocation invocation = InvocationScope.current();
        if (writtenDirectly(event)) {
          write(bytes, event, now, invocation).raw(LINE_SEPARATOR);
        } else {
          // The text has no lone surrogate (escaped): its UTF-8 bytes are the encoder's.
          bytes.rawUtf8(mapped(event, now, invocation) + LINE_SEPARATOR);
        }
        bytes.writeTo(out);
      } else {
        out.println(line(event));
      }
    } catch (RuntimeException e) {
      // Telemetry must never fail a request.
    }
  }

  private static TelemetryEvent.Level writtenLevel(TelemetryEvent event) {
    if (!event.metrics().isEmpty() && event.level().compareTo(METRIC_LINE_LEVEL) < 0) {
      return METRIC_LINE_LEVEL;
    }
    return event.level();
  }

  /** The event's line, written directly; through a map and Gson only for an unusual event. */
  String line(TelemetryEvent event) {
    long now = clock.millis();
    InvocationScope.Invocation invocation = InvocationScope.current();
    if (!writtenDirectly(event)) {
      return mapped(event, now, invocation);
    }
    // 640: a decision's line with the invocation's ids and its metric block fits without growing.
    StringBuilder line = new StringBuilder(640);
    write(new TextLine(line), event, now, invocation);
    return line.toString();
  }

  private String mapped(TelemetryEvent event, long now, InvocationScope.Invocation invocation) {
    return JsonText.escapeLoneSurrogates(
        JSONObjectUtils.toJSONString(toJson(event, now, invocation)));
  }

  /**
   * Where a line is written: as text ({@link TextLine}: {@link #line}, for println) or as its UTF-8
   * bytes ({@link Utf8Line}: {@link #emit} to a plain UTF-8 stream), by the one writer below.
   */
  interface Out {
    /** ASCII text as it is: the line's constant parts, numbers. */
    Out raw(String ascii);

    Out raw(char ascii);

    Out number(long value);

    /** {@code s} as a JSON string, as {@link JsonText#string} writes it. */
    Out string(String s);
  }

  /** The line as text. */
  record TextLine(StringBuilder line) implements Out {
    @Override
    public Out raw(String ascii) {
      line.append(ascii);
      return this;
    }

    @Override
    public Out raw(char ascii) {
      line.append(ascii);
      return this;
    }

    @Override
    public Out number(long value) {
      line.append(value);
      return this;
    }

    @Override
    public Out string(String s) {
      JsonText.string(line, s);
      return this;
    }
  }

  /** An event {@link #writtenDirectly}, member by member. */
  private Out write(
      Out line, TelemetryEvent event, long now, InvocationScope.Invocation invocation) {
    line.raw("{\"timestamp\":");
    timestamp(line, now).raw(",\"level\":");
    line.string(writtenLevel(event).name()).raw(",\"event\":");
    line.string(event.name()).raw(",\"function\":");
    line.string(function);
    if (stack != null) {
      line.raw(",\"stack\":").string(stack);
    }
    if (invocation != null) {
      invocation(line, invocation);
    }
    TelemetryEvent.Fields fields = (TelemetryEvent.Fields) event.fields();
    for (int i = 0; i < fields.size(); i++) {
      line.raw(',').string(fields.name(i)).raw(':');
      value(line, fields.value(i));
    }
    if (event.metrics().isEmpty()) {
      return line.raw('}');
    }
    for (TelemetryEvent.Metric metric : event.metrics()) {
      line.raw(',').string(metric.name()).raw(':');
      value(line, metric.value());
    }
    line.raw(",\"_aws\":{\"Timestamp\":").number(now).raw(",\"CloudWatchMetrics\":[");
    List<String> earlier = new ArrayList<>();
    for (TelemetryEvent.Metric metric : event.metrics()) {
      if (!earlier.isEmpty()) {
        line.raw(',');
      }
      line.raw("{\"Namespace\":\"").raw(NAMESPACE).raw("\",\"Dimensions\":[[\"function\"");
      if (stack != null) {
        line.raw(",\"stack\"");
      }
      for (String dimension : metric.dimensions()) {
        // As before: a dimension only if the line has that member.
        if (CORE.contains(dimension)
            || event.fields().containsKey(dimension)
            || earlier.contains(dimension)) {
          line.raw(',').string(dimension);
        }
      }
      line.raw("]],\"Metrics\":[{\"Name\":");
      line.string(metric.name()).raw(",\"Unit\":");
      line.string(metric.unit()).raw("}]}");
      earlier.add(metric.name());
    }
    return line.raw("]}}");
  }

  /** A second as {@link Instant#toString} writes it, without its closing {@code Z}. */
  private record Second(long epochSecond, String text) {}

  /** The last second written: lines come many to a second, and formatting one is not cheap. */
  private volatile Second lastSecond = new Second(Long.MIN_VALUE, "");

  /**
   * {@code Instant.ofEpochMilli(millis).toString()} as a JSON string (nothing in it to escape): the
   * second's text, then the milliseconds if not zero, as ISO_INSTANT writes them.
   */
  private Out timestamp(Out line, long millis) {
    long epochSecond = Math.floorDiv(millis, 1000L);
    int milli = (int) Math.floorMod(millis, 1000L);
    Second second = lastSecond;
    if (second.epochSecond() != epochSecond) {
      String text = Instant.ofEpochSecond(epochSecond).toString();
      second = new Second(epochSecond, text.substring(0, text.length() - 1));
      lastSecond = second;
    }
    line.raw('"').raw(second.text());
    if (milli != 0) {
      line.raw('.').raw((char) ('0' + milli / 100));
      line.raw((char) ('0' + milli / 10 % 10)).raw((char) ('0' + milli % 10));
    }
    return line.raw("Z\"");
  }

  private static final Set<String> CORE = Set.of("timestamp", "level", "event", "function");

  /**
   * Members every line may carry besides {@link #CORE}: an event field of one of these names is
   * left to the map, which keeps the event's value.
   */
  private static final Set<String> CONTEXT =
      Set.of("stack", "function_request_id", "correlation_id", "xray_trace_id", "cold_start");

  /** The invocation's fields (Powertools' names), those it has. */
  private static void invocation(Out line, InvocationScope.Invocation invocation) {
    if (invocation.functionRequestId() != null) {
      line.raw(",\"function_request_id\":").string(invocation.functionRequestId());
    }
    if (invocation.correlationId() != null) {
      line.raw(",\"correlation_id\":").string(invocation.correlationId());
    }
    if (invocation.traceId() != null) {
      line.raw(",\"xray_trace_id\":").string(invocation.traceId());
    }
    line.raw(",\"cold_start\":").raw(invocation.coldStart() ? "true" : "false");
  }

  private static Map<String, Object> invocationFields(InvocationScope.Invocation invocation) {
    Map<String, Object> fields = new LinkedHashMap<>();
    if (invocation != null) {
      if (invocation.functionRequestId() != null) {
        fields.put("function_request_id", invocation.functionRequestId());
      }
      if (invocation.correlationId() != null) {
        fields.put("correlation_id", invocation.correlationId());
      }
      if (invocation.traceId() != null) {
        fields.put("xray_trace_id", invocation.traceId());
      }
      fields.put("cold_start", invocation.coldStart());
    }
    return fields;
  }

  /**
   * Whether every member name is distinct (a field or metric that overrides a member is left to the
   * map, which keeps the first position and the last value) and every value a plain one.
   */
  private static boolean writtenDirectly(TelemetryEvent event) {
    TelemetryEvent.Fields fields = (TelemetryEvent.Fields) event.fields();
    for (int i = 0; i < fields.size(); i++) {
      if (CORE.contains(fields.name(i))
          || CONTEXT.contains(fields.name(i))
          || !plain(fields.value(i))) {
        return false;
      }
    }
    List<String> names = new ArrayList<>();
    for (TelemetryEvent.Metric metric : event.metrics()) {
      String name = metric.name();
      if (CORE.contains(name)
          || CONTEXT.contains(name)
          || metric.dimensions().stream().anyMatch(CONTEXT::contains)
          || "_aws".equals(name)
          || event.fields().containsKey(name)
          || names.contains(name)
          || !Double.isFinite(metric.value())) {
        return false;
      }
      names.add(name);
    }
    return !event.fields().containsKey("_aws");
  }

  /** A string, boolean, finite Java number or a list of those: written as Gson writes them. */
  private static boolean plain(Object value) {
    return switch (value) {
      case String s -> true;
      case Boolean b -> true;
      case Long n -> true;
      case Integer n -> true;
      case Short n -> true;
      case Byte n -> true;
      case Double d -> Double.isFinite(d);
      case Float f -> Float.isFinite(f);
      case List<?> list -> list.stream().allMatch(v -> v != null && plain(v));
      case null, default -> false;
    };
  }

  private static void value(Out line, Object value) {
    switch (value) {
      case String s -> line.string(s);
      case List<?> list -> {
        line.raw('[');
        for (int i = 0; i < list.size(); i++) {
          if (i > 0) {
            line.raw(',');
          }
          value(line, list.get(i));
        }
        line.raw(']');
      }
      case Long n -> line.number(n);
      case Integer n -> line.number(n);
      default -> line.raw(String.valueOf(value)); // Boolean and the numbers: toString, as Gson
    }
  }

  Map<String, Object> toJson(TelemetryEvent event, long now) {
    return toJson(event, now, InvocationScope.current());
  }

  private Map<String, Object> toJson(
      TelemetryEvent event, long now, InvocationScope.Invocation invocation) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("timestamp", Instant.ofEpochMilli(now).toString());
    line.put("level", writtenLevel(event).name());
    line.put("event", event.name());
    line.put("function", function);
    if (stack != null) {
      line.put("stack", stack);
    }
    line.putAll(invocationFields(invocation));
    line.putAll(event.fields());
    if (!event.metrics().isEmpty()) {
      List<Object> metricDirectives = new ArrayList<>();
      for (TelemetryEvent.Metric metric : event.metrics()) {
        List<String> dimensions = new ArrayList<>(List.of("function"));
        if (stack != null) {
          dimensions.add("stack");
        }
        for (String dimension : metric.dimensions()) {
          if (line.containsKey(dimension)) {
            dimensions.add(dimension);
          }
        }
        line.put(metric.name(), metric.value());
        metricDirectives.add(
            Map.of(
                "Namespace",
                NAMESPACE,
                "Dimensions",
                List.of(dimensions),
                "Metrics",
                List.of(Map.of("Name", metric.name(), "Unit", metric.unit()))));
      }
      line.put("_aws", Map.of("Timestamp", now, "CloudWatchMetrics", metricDirectives));
    }
    return line;
  }
}
