package io.tokenbroker.cli.console;

import io.tokenbroker.adapters.aws.AwsClients;
import io.tokenbroker.adapters.aws.AwsFailures;
import io.tokenbroker.adapters.aws.AwsSettings;
import io.tokenbroker.json.Json;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilterLogEventsResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilteredLogEvent;

/**
 * Refusals as the functions log them (one JSON line per event, {@code JsonLinesTelemetry}): {@code
 * request.rejected} (token, revocation and introspection endpoints) and {@code authorizer.denied},
 * read with logs:FilterLogEvents from the log groups the operator names, over a recent window. The
 * lines carry the reason and status, never a token or a caller's identity.
 */
public final class RefusalLog {

  /** The events that are refusals. */
  public static final Set<String> EVENTS = Set.of("request.rejected", "authorizer.denied");

  /** CloudWatch matches this itself, so only refusals cross the wire. */
  static final String FILTER_PATTERN =
      "{ ($.event = \"request.rejected\") || ($.event = \"authorizer.denied\") }";

  /** The most events read per log group (FilterLogEvents returns up to 10,000 a page). */
  public static final int MAX_EVENTS_PER_GROUP = 1000;

  /** The most refusals shown. */
  public static final int SHOWN = 200;

  private final CloudWatchLogsClient logs;
  private final List<String> logGroups;
  private final Duration window;
  private final Clock clock;

  public RefusalLog(
      CloudWatchLogsClient logs, List<String> logGroups, Duration window, Clock clock) {
    this.logs = logs;
    this.logGroups = List.copyOf(logGroups);
    this.window = window;
    this.clock = clock;
  }

  /** A CloudWatch Logs client built as the broker builds its clients (URL-connection HTTP). */
  public static CloudWatchLogsClient client(AwsSettings settings) {
    return AwsClients.build(CloudWatchLogsClient.builder(), settings);
  }

  /**
   * The newest refusals of the window in every log group, newest first; {@code complete} says
   * whether every group was read to the end of the window.
   */
  public Map<String, Object> recent() {
    Instant now = clock.instant();
    Instant since = now.minus(window);
    List<Map<String, Object>> rows = new ArrayList<>();
    boolean complete = true;
    for (String group : logGroups) {
      complete &= read(group, since, now, rows);
    }
    rows.sort(Comparator.comparing((Map<String, Object> r) -> (String) r.get("time")).reversed());
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("log_groups", logGroups);
    view.put("since", since.toString());
    view.put("complete", complete);
    view.put("rows", rows.subList(0, Math.min(SHOWN, rows.size())));
    return view;
  }

  /** Appends the group's refusals to {@code rows}; false if it stopped at the bound. */
  private boolean read(String group, Instant since, Instant until, List<Map<String, Object>> rows) {
    int read = 0;
    String next = null;
    try {
      do {
        String token = next;
        int room = MAX_EVENTS_PER_GROUP - read;
        FilterLogEventsResponse page =
            logs.filterLogEvents(
                r ->
                    r.logGroupName(group)
                        .startTime(since.toEpochMilli())
                        .endTime(until.toEpochMilli())
                        .filterPattern(FILTER_PATTERN)
                        .limit(room)
                        .nextToken(token));
        for (FilteredLogEvent event : page.events()) {
          refusal(group, event).ifPresent(rows::add);
        }
        read += page.events().size();
        next = page.nextToken();
      } while (next != null && read < MAX_EVENTS_PER_GROUP);
    } catch (SdkException e) {
      throw AwsFailures.of("logs", "FilterLogEvents " + group, e);
    }
    return next == null;
  }

  /** The refusal a log line records, if it is one (other lines and non-JSON lines are skipped). */
  private static java.util.Optional<Map<String, Object>> refusal(
      String group, FilteredLogEvent event) {
    Map<String, Object> line;
    try {
      line = Json.object(event.message().strip());
    } catch (ParseException | RuntimeException notJson) {
      return java.util.Optional.empty();
    }
    if (!EVENTS.contains(String.valueOf(line.get("event")))) {
      return java.util.Optional.empty();
    }
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("time", Instant.ofEpochMilli(event.timestamp()).toString());
    row.put("log_group", group);
    row.put("function", text(line.get("function")));
    row.put("event", line.get("event"));
    row.put("reason", text(line.get("reason")));
    row.put("error", text(line.get("error")));
    row.put("status", text(line.get("status")));
    return java.util.Optional.of(row);
  }

  private static String text(Object value) {
    return value == null ? "" : String.valueOf(value);
  }
}
