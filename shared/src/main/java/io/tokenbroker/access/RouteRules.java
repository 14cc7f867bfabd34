package io.tokenbroker.access;

import io.tokenbroker.errors.ConfigException;
import io.tokenbroker.identifiers.ScopeSet;
import io.tokenbroker.json.FlatJson;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * An API's access map: which scopes each route needs. Read once from configuration, e.g.
 *
 * <pre>{@code
 * {"GET /orders/*": ["orders:read"], "POST /orders": ["orders:write"], "* /health": [],
 *  "POST /payments": {"scopes": ["orders:write"], "delegation": "forbidden"},
 *  "GET /agent/*": {"scopes": ["orders:read"], "delegation": "required"}}
 * }</pre>
 *
 * A rule's value is its scopes, or an object of {@code scopes} and {@code delegation}: {@code
 * "required"} (only a token with an {@code act} chain, RFC 8693 4.1), {@code "forbidden"} (only one
 * without) or {@code "allowed"} (the default).
 *
 * <p>A request no rule matches is refused (fail closed). A request is permitted when some rule that
 * matches it is granted by the token's scopes.
 */
public final class RouteRules {

  private static final Set<String> METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "*");
  private static final Pattern PATH = Pattern.compile("/[A-Za-z0-9._~!$&'()+,;=:@/*{}-]*");

  private final List<RouteRule> rules;

  public RouteRules(List<RouteRule> rules) {
    if (rules.isEmpty()) {
      throw new ConfigException("ROUTE_SCOPES must name at least one route");
    }
    this.rules = List.copyOf(rules);
  }

  /**
   * Parses the JSON map of {@code "METHOD /path"} to required scopes.
   *
   * @throws ConfigException naming what is wrong
   */
  public static RouteRules parse(String json) {
    // Read with FlatJson rather than Json.object: the same strict JSON without Nimbus's Gson, whose
    // start-up alone cost a cold authorizer about 70-100 ms (docs/performance.md). A value that is
    // not a list of strings arrives as FlatJson.NESTED or a scalar and is refused below, as before.
    Map<String, Object> map = new LinkedHashMap<>();
    try {
      FlatJson.read(
          json,
          new FlatJson.Members() {
            @Override
            public void member(String name, Object value) {
              map.put(name, value);
            }

            @Override
            public boolean raw(String name) {
              return true; // a list or an object, read below
            }
          });
    } catch (ParseException e) {
      throw new ConfigException(
          "ROUTE_SCOPES must be a JSON object of \"METHOD /path\": [scopes], e.g."
              + " {\"GET /orders/*\": [\"orders:read\"]}");
    }
    List<RouteRule> rules = new ArrayList<>();
    for (Map.Entry<String, Object> entry : map.entrySet()) {
      String[] route = entry.getKey().split(" ", -1);
      if (route.length != 2 || !METHODS.contains(route[0]) || !PATH.matcher(route[1]).matches()) {
        throw new ConfigException(
            "ROUTE_SCOPES: \""
                + entry.getKey()
                + "\" is not \"METHOD /path\" (method one of "
                + METHODS
                + "; path from /, * as wildcard, no ?)");
      }
      Object value = entry.getValue();
      RouteRule.Delegation delegation = RouteRule.Delegation.ALLOWED;
      String text = ((FlatJson.Raw) value).json();
      Map<String, Object> members = new LinkedHashMap<>();
      try {
        // A rule object's members; any other value read as the member it is ("v").
        FlatJson.read(text.startsWith("{") ? text : "{\"v\":" + text + "}", members::put);
      } catch (ParseException unreadable) {
        members.clear(); // checked when the whole text was read: cannot happen; refused below
      }
      if (text.startsWith("{")) {
        value = members.get("scopes");
        delegation = delegation(entry.getKey(), members);
      } else {
        value = members.get("v");
      }
      Optional<ScopeSet> required =
          value instanceof List<?> scopes ? ScopeSet.of(scopes) : Optional.empty();
      if (required.isEmpty()) {
        throw new ConfigException(
            "ROUTE_SCOPES: \""
                + entry.getKey()
                + "\" must map to a list of scope tokens, or to {\"scopes\": [...],"
                + " \"delegation\": \"required\"|\"forbidden\"|\"allowed\"}");
      }
      // Path templates ({id}, {proxy+}) stand for what API Gateway matches there: any segment(s).
      String pattern = route[1].replaceAll("\\{[^/}]*}", "*");
      rules.add(
          new RouteRule(route[0], pattern, new TreeSet<>(required.get().values()), delegation));
    }
    return new RouteRules(rules);
  }

  private static RouteRule.Delegation delegation(String route, Map<String, Object> members) {
    for (String name : members.keySet()) {
      if (!name.equals("scopes") && !name.equals("delegation")) {
        throw new ConfigException(
            "ROUTE_SCOPES: \"" + route + "\": unknown member " + name + " (scopes, delegation)");
      }
    }
    Object delegation = members.getOrDefault("delegation", "allowed");
    return switch (delegation instanceof String mode ? mode : "") {
      case "allowed" -> RouteRule.Delegation.ALLOWED;
      case "required" -> RouteRule.Delegation.REQUIRED;
      case "forbidden" -> RouteRule.Delegation.FORBIDDEN;
      default ->
          throw new ConfigException(
              "ROUTE_SCOPES: \""
                  + route
                  + "\": delegation must be \"required\", \"forbidden\" or \"allowed\"");
    };
  }

  /**
   * Whether a token with these scopes may call this method and path.
   *
   * @param delegated whether the token carries an {@code act} chain
   */
  public boolean permits(Set<String> scopes, boolean delegated, String method, String path) {
    return rules.stream().anyMatch(r -> r.matches(method, path) && r.grantedBy(scopes, delegated));
  }

  /** The rules a token with these scopes, delegated or not, is granted, in configuration order. */
  public List<RouteRule> grantedTo(Set<String> scopes, boolean delegated) {
    return rules.stream().filter(r -> r.grantedBy(scopes, delegated)).toList();
  }

  public List<RouteRule> rules() {
    return rules;
  }
}
