package io.tokenbroker.local;

import com.nimbusds.jose.util.JSONObjectUtils;
import io.tokenbroker.adapters.telemetry.InvocationScope;
import io.tokenbroker.telemetry.Telemetry;
import io.tokenbroker.telemetry.TelemetryEvent;
import java.io.PrintStream;
import java.time.Clock;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The local server's log: each event as one readable line, {@code 10:12:03.120 INFO token
 * token.issued client_id=local-workload scope="demo:read demo:write" ...}: the time of day in the
 * machine's zone, the level, the function, the event, and the event's fields as key=value in their
 * order. The fields are those of the JSON line ({@link
 * io.tokenbroker.adapters.telemetry.JsonLinesTelemetry}, which Lambda writes and
 * BROKER_LOG_FORMAT=json keeps here); its CloudWatch block is left out, and so are the metrics that
 * count one per event (the line itself is that count). A list is its values joined by commas (an
 * element holding a comma quoted), a map its JSON; a value is quoted, JSON-escaped, when it holds
 * anything but plain word characters, and control and format characters are escaped, so that a line
 * stays one line and shows what it holds.
 */
final class TextLinesTelemetry implements Telemetry {

  /** The longest function name ({@code introspection}): the event names line up. */
  private static final int FUNCTION_WIDTH = 13;

  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_.,:/@+#*-]+");

  private final PrintStream out;
  private final Clock clock;
  private final String function;
  private final TelemetryEvent.Level level;

  TextLinesTelemetry(PrintStream out, Clock clock, String function, TelemetryEvent.Level level) {
    this.out = out;
    this.clock = clock;
    this.function = function;
    this.level = level;
  }

  TextLinesTelemetry(PrintStream out, Clock clock, String function) {
    this(out, clock, function, TelemetryEvent.Level.DEBUG);
  }

  @Override
  public void emit(TelemetryEvent event) {
    if (event.level().compareTo(level) < 0) {
      return;
    }
    // One line per AWS call is for metrics (Lambda) and diagnosis: shown here at DEBUG only.
    if (event.name().equals("aws.call") && level != TelemetryEvent.Level.DEBUG) {
      return;
    }
    try {
      out.println(line(event));
    } catch (RuntimeException e) {
      // Telemetry must never fail a request.
    }
  }

  String line(TelemetryEvent event) {
    StringBuilder line =
        new StringBuilder()
            .append(LocalTime.now(clock).format(TIME))
            .append(' ')
            .append(pad(event.level().name(), 5))
            .append(' ')
            .append(pad(function, FUNCTION_WIDTH))
            .append(' ')
            .append(event.name());
    event.fields().forEach((key, value) -> field(line, key, value));
    for (TelemetryEvent.Metric metric : event.metrics()) {
      if (!(metric.unit().equals("Count") && metric.value() == 1)) {
        field(line, metric.name(), metric.value());
      }
    }
    // The invocation's ids last, so the event's own fields stay where the eye expects them; a
    // warm start says nothing.
    InvocationScope.Invocation invocation = InvocationScope.current();
    if (invocation != null) {
      if (invocation.correlationId() != null && !event.fields().containsKey("correlation_id")) {
        field(line, "correlation_id", invocation.correlationId());
      }
      if (invocation.functionRequestId() != null
          && !event.fields().containsKey("function_request_id")) {
        field(line, "function_request_id", invocation.functionRequestId());
      }
      if (invocation.traceId() != null && !event.fields().containsKey("xray_trace_id")) {
        field(line, "xray_trace_id", invocation.traceId());
      }
      if (invocation.coldStart() && !event.fields().containsKey("cold_start")) {
        field(line, "cold_start", true);
      }
    }
    return line.toString();
  }

  private static void field(StringBuilder line, String key, Object value) {
    line.append(' ').append(key).append('=').append(value(value));
  }

  private static String value(Object value) {
    String text =
        switch (value) {
          case Map<?, ?> map -> JSONObjectUtils.toJSONString(stringKeys(map));
          case List<?> list ->
              String.join(",", list.stream().map(TextLinesTelemetry::element).toList());
          case Double d when d == Math.rint(d) && !d.isInfinite() -> Long.toString(d.longValue());
          default -> String.valueOf(value);
        };
    return PLAIN.matcher(text).matches() ? text : quoted(text);
  }

  /**
   * A list element: quoted also when it holds the comma that joins them, so ["a,b"] is not
   * ["a","b"].
   */
  private static String element(Object value) {
    String text = value(value);
    return text.indexOf(',') >= 0 && text.charAt(0) != '"' ? quoted(text) : text;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, ?> stringKeys(Map<?, ?> map) {
    return (Map<String, ?>) map;
  }

  private static String quoted(String text) {
    StringBuilder quoted = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      switch (c) {
        case '"' -> quoted.append("\\\"");
        case '\\' -> quoted.append("\\\\");
        case '\n' -> quoted.append("\\n");
        case '\r' -> quoted.append("\\r");
        case '\t' -> quoted.append("\\t");
        default -> {
          if (invisible(c)) {
            quoted.append("\\u%04x".formatted((int) c));
          } else {
            quoted.append(c);
          }
        }
      }
    }
    return quoted.append('"').toString();
  }

  /**
   * A character a terminal would act on or hide rather than show: controls (C0, DEL, C1), format
   * characters (bidi overrides and isolates that reorder the rest of the line, zero-width ones) and
   * the Unicode line and paragraph separators.
   */
  private static boolean invisible(char c) {
    int type = Character.getType(c);
    return type == Character.CONTROL
        || type == Character.FORMAT
        || type == Character.LINE_SEPARATOR
        || type == Character.PARAGRAPH_SEPARATOR;
  }

  private static String pad(String text, int width) {
    return text.length() >= width ? text : text + " ".repeat(width - text.length());
  }
}
