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
 * {"GET /orders/*": ["orders:read"], "POST /orders": ["orders:write"], "* /health": []}
 * }</pre>
 *
 * A request no rule matches is refused (fail closed). A request is permitted when some rule that
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
      FlatJson.read(json, map::put);
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
      Optional<ScopeSet> required =
          entry.getValue() instanceof List<?> scopes ? ScopeSet.of(scopes) : Optional.empty();
      if (required.isEmpty()) {
        throw new ConfigException(
            "ROUTE_SCOPES: \"" + entry.getKey() + "\" must map to a list of scope tokens");
      }
      // Path templates ({id}, {proxy+}) stand for what API Gateway matches there: any segment(s).
      String pattern = route[1].replaceAll("\\{[^/}]*}", "*");
      rules.add(new RouteRule(route[0], pattern, new TreeSet<>(required.get().values())));
    }
    return new RouteRules(rules);
  }

  /** Whether a token with these scopes may call this method and path. */
  public boolean permits(Set<String> scopes, String method, String path) {
    return rules.stream().anyMatch(r -> r.matches(method, path) && r.grantedBy(scopes));
  }

  /** The rules a token with these scopes is granted, in configuration order. */
  public List<RouteRule> grantedTo(Set<String> scopes) {
    return rules.stream().filter(r -> r.grantedBy(scopes)).toList();
  }

  public List<RouteRule> rules() {
    return rules;
  }
}
