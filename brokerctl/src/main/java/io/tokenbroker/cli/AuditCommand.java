package io.tokenbroker.cli;

import io.tokenbroker.adapters.dynamodb.DynamoDbIssuanceRepository;
import io.tokenbroker.operator.AuditEntry;
import io.tokenbroker.operator.OperatorAudit;
import io.tokenbroker.tokens.Issuance;
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
          + " --action, --actor and --target narrow the trail: who revoked what and when is"
          + " `audit --action revoke`.",
      "With --jti, --client or --kid it lists the tokens' issuance records instead, newest"
          + " first: what this token was, which tokens this client got or this key signed, to"
          + " whom, for what, and from where (source IP, user agent). --client and --kid read the"
          + " whole issuances table (a filtered Scan)."
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

  @Option(
      names = "--action",
      paramLabel = "TEXT",
      description =
          "Only trail entries whose action starts with TEXT, e.g. `revoke` (every revocation),"
              + " `clients`, `leak.report`, `containment`.")
  String action;

  @Option(
      names = "--actor",
      paramLabel = "TEXT",
      description = "Only trail entries whose actor (the caller's ARN) contains TEXT.")
  String actor;

  @Option(
      names = "--target",
      paramLabel = "ID",
      description = "Only trail entries about ID (a jti, client id or kid).")
  String target;

  @Option(
      names = "--jti",
      paramLabel = "JTI",
      description =
          "The issuance record of this token (what it was, for whom, from where, and how many"
              + " times token reuse delivered it).")
  String jti;

  @Option(
      names = "--client",
      paramLabel = "CLIENT_ID",
      description = "The tokens issued to this client (with --since: issued since then).")
  String client;

  @Option(
      names = "--kid",
      paramLabel = "KID",
      description = "The tokens this signing key signed (with --since: issued since then).")
  String kid;

  @Override
  public Integer call() {
    Clock clock = Clock.systemUTC();
    Optional<Instant> from = Optional.ofNullable(since).map(s -> parseSince(s, clock.instant()));
    if (limit < 1 || limit > OperatorAudit.MAX_LIMIT) {
      throw new ParameterException(
          spec.commandLine(), "--limit must be 1-" + OperatorAudit.MAX_LIMIT);
    }
    long selectors = java.util.stream.Stream.of(jti, client, kid).filter(v -> v != null).count();
    if (selectors > 1) {
      throw new ParameterException(
          spec.commandLine(), "give at most one of --jti, --client, --kid");
    }
    if (selectors == 1) {
      if (action != null || actor != null || target != null) {
        throw new ParameterException(
            spec.commandLine(),
            "--action, --actor and --target filter the trail; --jti, --client and --kid list"
                + " issuances: not both");
      }
      return issuances(from);
    }
    // A filtered search pages through the whole window (--since, else the retention): an old
    // match is found however many newer entries there are.
    List<AuditEntry> entries =
        brokerctl
            .adapters()
            .operatorAudit(brokerctl.auditTable(), clock)
            .recentMatching(
                limit,
                from,
                e ->
                    (action == null || e.action().startsWith(action))
                        && (actor == null || e.actor().contains(actor))
                        && (target == null || e.target().equals(target)));
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

  /** The issuance records --jti, --client or --kid selects, newest first. */
  private int issuances(Optional<Instant> from) {
    DynamoDbIssuanceRepository records = brokerctl.adapters().issuances(brokerctl.issuancesTable());
    List<Issuance> found;
    if (jti != null) {
      found = records.find(jti).stream().toList();
    } else if (client != null) {
      found = records.matching(DynamoDbIssuanceRepository.Attribute.CLIENT_ID, client, from, limit);
    } else {
      found = records.matching(DynamoDbIssuanceRepository.Attribute.KID, kid, from, limit);
    }
    var out = spec.commandLine().getOut();
    // Token reuse hands one token out several times; the record counts its deliveries.
    long deliveries = jti != null && !found.isEmpty() ? records.deliveries(jti) : 1;
    if (output.json()) {
      List<Map<String, Object>> shown = found.stream().map(AuditCommand::json).toList();
      if (deliveries > 1) {
        shown.getFirst().put("deliveries", deliveries);
      }
      OutputFormat.printJson(out, Map.of("issuances", shown));
      return 0;
    }
    TextTable table =
        new TextTable(
            "ISSUED",
            "JTI",
            "CLIENT",
            "SCOPE",
            "AUDIENCE",
            "KID",
            "AUTH",
            "SOURCE IP",
            "USER AGENT",
            "EXPIRES");
    for (Issuance i : found) {
      table.row(
          i.issuedAt(),
          i.jti(),
          i.clientId(),
          String.join(" ", i.scopes()),
          String.join(" ", i.audiences()),
          i.kid(),
          i.authMethod().name(),
          i.sourceIp().isEmpty() ? "-" : i.sourceIp(),
          i.userAgent().isEmpty() ? "-" : i.userAgent(),
          i.expiresAt());
    }
    table.print(out);
    if (deliveries > 1) {
      out.println("delivered " + deliveries + " times (token reuse)");
    }
    if (jti != null && found.isEmpty()) {
      spec.commandLine()
          .getErr()
          .println(
              "no issuance record for jti "
                  + jti
                  + " (expired past"
                  + " its retention, or never issued by this broker)");
      return 1;
    }
    return 0;
  }

  /** One issuance record as {@code --output json} shows it. */
  static Map<String, Object> json(Issuance i) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("jti", i.jti());
    json.put("client_id", i.clientId());
    json.put("sub", i.subject());
    json.put("scope", String.join(" ", i.scopes()));
    json.put("aud", i.audiences());
    json.put("iat", i.issuedAt().toString());
    json.put("exp", i.expiresAt().toString());
    json.put("kid", i.kid());
    json.put("auth_method", i.authMethod().name());
    json.put("source_ip", i.sourceIp());
    json.put("user_agent", i.userAgent());
    i.sessionId().ifPresent(sid -> json.put("sid", sid));
    i.exchangedFrom()
        .flatMap(e -> e.parentJti())
        .ifPresent(parent -> json.put("parent_jti", parent));
    return json;
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
