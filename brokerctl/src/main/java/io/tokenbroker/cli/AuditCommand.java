package io.tokenbroker.cli;

import io.tokenbroker.operator.AuditEntry;
import io.tokenbroker.operator.OperatorAudit;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code brokerctl audit}: the operators' audit trail, newest first. */
@Command(
    name = "audit",
    description = {
      "List the operators' audit trail, newest first: when, who (the caller's AWS ARN), how"
          + " (brokerctl or the admin route), the action, its target and outcome.",
      "Each action has two entries with one id: its intent, recorded before anything changed, and"
          + " its outcome (done, refused, failed). An intent without an outcome was cut short."
    })
final class AuditCommand implements Callable<Integer> {

  private static final Pattern AGO = Pattern.compile("(\\d{1,6})([mhd])");

  @ParentCommand Brokerctl brokerctl;
  @Spec CommandSpec spec;
  @Mixin OutputFormat output;

  @Option(
      names = "--since",
      paramLabel = "WHEN",
      description =
          "Only entries at or after WHEN: an instant (2026-11-30T09:00:00Z), a UTC date"
              + " (2026-11-30), or a time ago (90m, 12h, 7d). Default: the whole trail (400"
              + " days).")
  String since;

  @Option(
      names = "--limit",
      paramLabel = "N",
      defaultValue = "50",
      description = "At most N entries (1-" + OperatorAudit.MAX_LIMIT + "). Default: 50.")
  int limit;

  @Override
  public Integer call() {
    Clock clock = Clock.systemUTC();
    Optional<Instant> from = Optional.ofNullable(since).map(s -> parseSince(s, clock.instant()));
    if (limit < 1 || limit > OperatorAudit.MAX_LIMIT) {
      throw new ParameterException(
          spec.commandLine(), "--limit must be 1-" + OperatorAudit.MAX_LIMIT);
    }
    List<AuditEntry> entries =
        brokerctl.adapters().operatorAudit(brokerctl.auditTable(), clock).recent(limit, from);
    var out = spec.commandLine().getOut();
    if (output.json()) {
      OutputFormat.printJson(
          out, Map.of("entries", entries.stream().map(AuditCommand::json).toList()));
      return 0;
    }
    TextTable table =
        new TextTable("TIME", "ACTOR", "VIA", "ACTION", "TARGET", "OUTCOME", "DETAIL");
    for (AuditEntry e : entries) {
      table.row(
          e.at(),
          e.actor(),
          e.via(),
          e.action(),
          e.target().isEmpty() ? "-" : e.target(),
          e.outcome().label(),
          e.detail());
    }
    table.print(out);
    return 0;
  }

  /** One entry as {@code --output json} shows it: every field, by these names, in this order. */
  static Map<String, Object> json(AuditEntry e) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("id", e.id());
    json.put("at", e.at().toString());
    json.put("actor", e.actor());
    json.put("via", e.via());
    json.put("action", e.action());
    json.put("target", e.target());
    json.put("outcome", e.outcome().label());
    json.put("detail", e.detail());
    return json;
  }

  private Instant parseSince(String value, Instant now) {
    Matcher ago = AGO.matcher(value);
    if (ago.matches()) {
      long n = Long.parseLong(ago.group(1));
      Duration unit =
          switch (ago.group(2)) {
            case "m" -> Duration.ofMinutes(1);
            case "h" -> Duration.ofHours(1);
            default -> Duration.ofDays(1);
          };
      return now.minus(unit.multipliedBy(n));
    }
    try {
      return value.contains("T")
          ? Instant.parse(value)
          : LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
    } catch (DateTimeParseException e) {
      throw new ParameterException(
          spec.commandLine(),
          "--since: not an instant (2026-11-30T09:00:00Z), a date (2026-11-30) or a time ago"
              + " (90m, 12h, 7d): "
              + value);
    }
  }
}
