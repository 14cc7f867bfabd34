package io.tokenbroker.system.iam;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A small IAM policy evaluator, of exactly the features the broker's policies use: Allow and Deny,
 * Action and Resource with {@code *} and {@code ?} wildcards, and the conditions {@code
 * StringEquals} on {@code aws:ResourceTag/<key>} and {@code aws:RequestTag/<key>}, {@code
 * ForAllValues:StringEquals} on {@code aws:TagKeys}. Anything else (NotAction, NotResource, another
 * operator or condition key) is refused when the policy is read: a policy this class cannot judge
 * must not pass.
 *
 * <p>As IAM: an explicit Deny wins, else any Allow allows, else the call is denied.
 */
public final class IamPolicy {

  /** One Action or Resource pattern of a statement. */
  public record Grant(String statement, String action, String resource) {
    @Override
    public String toString() {
      return statement + " " + action + " on " + resource;
    }
  }

  /** The outcome for one call: allowed or not, and which Allow grants matched it. */
  public record Decision(boolean allowed, String reason, List<Grant> grants) {}

  private record Condition(String operator, String key, List<String> values) {}

  private record Statement(
      String sid,
      boolean allow,
      List<String> actions,
      List<String> resources,
      List<Condition> conditions) {}

  private static final Set<String> STATEMENT_FIELDS =
      Set.of("Sid", "Effect", "Action", "Resource", "Condition");

  private final String name;
  private final List<Statement> statements;

  private IamPolicy(String name, List<Statement> statements) {
    this.name = name;
    this.statements = statements;
  }

  /**
   * Reads policy documents ({@code {"Statement": [...]}} each, intrinsics already resolved).
   *
   * @throws IllegalArgumentException on a feature this evaluator does not implement
   */
  public static IamPolicy of(String name, List<Map<String, Object>> documents) {
    List<Statement> statements = new ArrayList<>();
    for (Map<String, Object> document : documents) {
      for (String field : document.keySet()) {
        if (!field.equals("Version") && !field.equals("Statement")) {
          throw unsupported(name, "policy field " + field);
        }
      }
      Object body = document.get("Statement");
      List<Object> list = body instanceof List<?> l ? List.copyOf(l) : List.of(body);
      for (Object each : list) {
        statements.add(statement(name, json(each), statements.size()));
      }
    }
    return new IamPolicy(name, List.copyOf(statements));
  }

  /** Every Allow grant (statement, action pattern, resource pattern) this policy holds. */
  public List<Grant> grants() {
    List<Grant> grants = new ArrayList<>();
    for (Statement s : statements) {
      if (s.allow()) {
        for (String action : s.actions()) {
          for (String resource : s.resources()) {
            grants.add(new Grant(s.sid(), action, resource));
          }
        }
      }
    }
    return grants;
  }

  /** Whether the policy allows {@code call}, and by which grants. */
  public Decision evaluate(RecordedCall call) {
    List<Grant> grants = new ArrayList<>();
    for (Statement s : statements) {
      List<String> actions =
          s.actions().stream().filter(a -> matches(a, call.action(), true)).toList();
      List<String> resources =
          s.resources().stream().filter(r -> matches(r, call.resource(), false)).toList();
      if (actions.isEmpty() || resources.isEmpty() || !conditionsHold(s, call)) {
        continue;
      }
      if (!s.allow()) {
        return new Decision(false, "explicitly denied by " + s.sid(), List.of());
      }
      for (String action : actions) {
        for (String resource : resources) {
          grants.add(new Grant(s.sid(), action, resource));
        }
      }
    }
    return grants.isEmpty()
        ? new Decision(false, "no statement of " + name + " allows it", List.of())
        : new Decision(true, "allowed", List.copyOf(grants));
  }

  private static boolean conditionsHold(Statement s, RecordedCall call) {
    for (Condition c : s.conditions()) {
      boolean holds =
          switch (c.operator()) {
            case "StringEquals" -> {
              String value = single(c.key(), call);
              yield value != null && c.values().contains(value);
            }
            // Every value in the request is listed; true when there is none (as IAM).
            case "ForAllValues:StringEquals" -> c.values().containsAll(call.tagKeys());
            default -> throw new IllegalStateException("unreachable: " + c.operator());
          };
      if (!holds) {
        return false;
      }
    }
    return true;
  }

  private static String single(String key, RecordedCall call) {
    if (key.startsWith("aws:ResourceTag/")) {
      return call.resourceTags() == null
          ? null
          : call.resourceTags().get(key.substring("aws:ResourceTag/".length()));
    }
    return call.requestTags().get(key.substring("aws:RequestTag/".length()));
  }

  private static Statement statement(String name, Map<String, Object> json, int index) {
    String sid = json.containsKey("Sid") ? (String) json.get("Sid") : "statement " + index;
    for (String field : json.keySet()) {
      if (!STATEMENT_FIELDS.contains(field)) {
        throw unsupported(name, field + " in " + sid);
      }
    }
    Object effect = json.get("Effect");
    if (!"Allow".equals(effect) && !"Deny".equals(effect)) {
      throw unsupported(name, "Effect " + effect + " in " + sid);
    }
    List<Condition> conditions = new ArrayList<>();
    if (json.get("Condition") != null) {
      json(json.get("Condition"))
          .forEach(
              (operator, keys) ->
                  json(keys)
                      .forEach(
                          (key, values) ->
                              conditions.add(condition(name, sid, operator, key, values))));
    }
    return new Statement(
        sid,
        "Allow".equals(effect),
        strings(name, sid, "Action", json.get("Action")),
        strings(name, sid, "Resource", json.get("Resource")),
        List.copyOf(conditions));
  }

  private static Condition condition(
      String name, String sid, String operator, String key, Object values) {
    boolean singleValued = key.startsWith("aws:ResourceTag/") || key.startsWith("aws:RequestTag/");
    boolean tagKeys = key.equals("aws:TagKeys");
    boolean known =
        (operator.equals("StringEquals") && singleValued)
            || (operator.equals("ForAllValues:StringEquals") && tagKeys);
    if (!known) {
      throw unsupported(name, "condition " + operator + " on " + key + " in " + sid);
    }
    return new Condition(operator, key, strings(name, sid, operator + " " + key, values));
  }

  private static List<String> strings(String name, String sid, String field, Object value) {
    if (value instanceof String s) {
      return List.of(s);
    }
    if (value instanceof List<?> list && !list.isEmpty()) {
      List<String> strings = new ArrayList<>();
      for (Object each : list) {
        if (!(each instanceof String s)) {
          throw unsupported(name, field + " value " + each + " in " + sid);
        }
        strings.add(s);
      }
      return List.copyOf(strings);
    }
    throw unsupported(name, field + " " + value + " in " + sid);
  }

  /** IAM's wildcards: {@code *} any run of characters, {@code ?} any one; actions ignore case. */
  static boolean matches(String pattern, String value, boolean ignoreCase) {
    if (ignoreCase) {
      pattern = pattern.toLowerCase(Locale.ROOT);
      value = value.toLowerCase(Locale.ROOT);
    }
    StringBuilder regex = new StringBuilder();
    for (char c : pattern.toCharArray()) {
      switch (c) {
        case '*' -> regex.append(".*");
        case '?' -> regex.append('.');
        default -> regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(regex.toString(), Pattern.DOTALL).matcher(value).matches();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> json(Object value) {
    return (Map<String, Object>) value;
  }

  private static IllegalArgumentException unsupported(String name, String what) {
    return new IllegalArgumentException(
        name + ": " + what + " is not supported by this evaluator (extend it, do not skip it)");
  }
}
