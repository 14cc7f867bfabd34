package io.tokenbroker.clients;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.util.JSONObjectUtils;
import io.tokenbroker.json.Json;
import java.net.URI;
import java.net.URISyntaxException;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The JSON form of trust policies, the {@code trust_policies} member of a client registration
 * ({@link ClientJson}), as docs/schemas/trust-policy.schema.json describes it. Refuses what belongs
 * to the document (unknown members, types, duplicates); {@link TrustPolicy} and {@link Client}
 * enforce the rules.
 */
public final class TrustPolicyJson {

  public static final String MEMBER = "trust_policies";

  private static final Set<String> FIELDS =
      Set.of(
          "name",
          "issuer",
          "audience",
          "subject",
          "claims",
          "algorithms",
          "max_token_age_seconds",
          "single_use",
          "jwks_uri",
          "scopes",
          "audiences",
          "max_lifetime_seconds");

  private TrustPolicyJson() {}

  /** One policy document, as written alone (the JSON Schema's subject), parsed and validated. */
  public static TrustPolicy parse(String json) {
    try {
      return policy(Json.object(json));
    } catch (ParseException e) {
      throw new InvalidClientPolicy("trust policy: not a JSON object: " + e.getMessage());
    }
  }

  /** The registration's {@code trust_policies} array (absent: none). */
  static List<TrustPolicy> policies(Map<String, Object> json) {
    if (!json.containsKey(MEMBER)) {
      return List.of();
    }
    if (!(json.get(MEMBER) instanceof List<?> entries)) {
      throw new InvalidClientPolicy(MEMBER + " must be an array of objects");
    }
    if (entries.size() > TrustPolicy.MAX_PER_CLIENT) {
      throw new InvalidClientPolicy(
          MEMBER + ": at most " + TrustPolicy.MAX_PER_CLIENT + " policies per client");
    }
    List<TrustPolicy> policies = new ArrayList<>();
    for (Object entry : entries) {
      if (!(entry instanceof Map<?, ?> map)) {
        throw new InvalidClientPolicy(MEMBER + " must be an array of objects");
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> object = (Map<String, Object>) map;
      policies.add(policy(object));
    }
    return policies;
  }

  static TrustPolicy policy(Map<String, Object> json) {
    for (String field : json.keySet()) {
      if (!FIELDS.contains(field)) {
        throw new InvalidClientPolicy(MEMBER + ": unknown field: " + field);
      }
    }
    String name = string(json, "name", null);
    String at = MEMBER + "[" + name + "]";
    try {
      Optional<URI> jwksUri = Optional.empty();
      if (json.containsKey("jwks_uri")) {
        String uri = string(json, "jwks_uri", at);
        try {
          jwksUri = Optional.of(new URI(uri));
        } catch (URISyntaxException e) {
          throw new InvalidClientPolicy(at + ": jwks_uri: not a URL: " + uri);
        }
      }
      List<TrustPolicy.ClaimCondition> claims = new ArrayList<>();
      if (json.containsKey("claims")) {
        if (!(json.get("claims") instanceof Map<?, ?> conditions)) {
          throw new InvalidClientPolicy(at + ": claims must be an object");
        }
        if (conditions.size() > TrustPolicy.MAX_CLAIMS) {
          throw new InvalidClientPolicy(
              at + ": claims: at most " + TrustPolicy.MAX_CLAIMS + " conditions");
        }
        for (Map.Entry<?, ?> condition : conditions.entrySet()) {
          String claim = (String) condition.getKey();
          claims.add(
              TrustPolicy.ClaimCondition.of(
                  claim, match(at + ": claims." + claim, condition.getValue())));
        }
      }
      List<JWSAlgorithm> algorithms =
          json.containsKey("algorithms")
              ? strings(json, "algorithms", at).stream().map(JWSAlgorithm::parse).toList()
              : TrustPolicy.DEFAULT_ALGORITHMS;
      return new TrustPolicy(
          name,
          string(json, "issuer", at),
          string(json, "audience", at),
          match(at + ": subject", required(json, "subject", at)),
          claims,
          algorithms,
          seconds(json, "max_token_age_seconds", at).orElse(TrustPolicy.DEFAULT_MAX_TOKEN_AGE),
          !json.containsKey("single_use") || JSONObjectUtils.getBoolean(json, "single_use"),
          jwksUri,
          optionalSet(json, "scopes", at),
          optionalSet(json, "audiences", at),
          seconds(json, "max_lifetime_seconds", at));
    } catch (ParseException e) {
      throw new InvalidClientPolicy(at + ": wrong type: " + e.getMessage());
    }
  }

  /** A string (exact) or {@code {"pattern": "^...$"}}. */
  private static TrustPolicy.ClaimMatch match(String field, Object value) {
    if (value instanceof String exact) {
      return TrustPolicy.ClaimMatch.exact(field, exact);
    }
    if (value instanceof Map<?, ?> object
        && object.size() == 1
        && object.get("pattern") instanceof String pattern) {
      return TrustPolicy.ClaimMatch.pattern(field, pattern);
    }
    throw new InvalidClientPolicy(
        field + ": a string (exact) or {\"pattern\": \"^...$\"} (anchored regular expression)");
  }

  /** The policies as JSON, in the form {@link #policies} reads. */
  static List<Map<String, Object>> toJson(List<TrustPolicy> policies) {
    return policies.stream().map(TrustPolicyJson::toJson).toList();
  }

  /** One policy as JSON, every member written (defaults too), so an operator sees them. */
  public static Map<String, Object> toJson(TrustPolicy policy) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("name", policy.name());
    json.put("issuer", policy.issuer());
    json.put("audience", policy.audience());
    json.put("subject", matchJson(policy.subject()));
    if (!policy.claims().isEmpty()) {
      Map<String, Object> claims = new LinkedHashMap<>();
      policy.claims().forEach(c -> claims.put(c.claim(), matchJson(c.match())));
      json.put("claims", claims);
    }
    json.put("algorithms", policy.algorithms().stream().map(JWSAlgorithm::getName).toList());
    json.put("max_token_age_seconds", policy.maxTokenAge().toSeconds());
    json.put("single_use", policy.singleUse());
    policy.jwksUri().ifPresent(uri -> json.put("jwks_uri", uri.toString()));
    policy.scopes().ifPresent(s -> json.put("scopes", new ArrayList<>(s)));
    policy.audiences().ifPresent(a -> json.put("audiences", new ArrayList<>(a)));
    policy.maxLifetime().ifPresent(l -> json.put("max_lifetime_seconds", l.toSeconds()));
    return json;
  }

  private static Object matchJson(TrustPolicy.ClaimMatch match) {
    return switch (match) {
      case TrustPolicy.Exact exact -> exact.value();
      case TrustPolicy.Pattern pattern -> Map.of("pattern", pattern.source());
    };
  }

  private static Object required(Map<String, Object> json, String field, String at) {
    if (!json.containsKey(field) || json.get(field) == null) {
      throw new InvalidClientPolicy(at + ": " + field + " is required");
    }
    return json.get(field);
  }

  private static String string(Map<String, Object> json, String field, String at) {
    Object value = json.get(field);
    if (value == null) {
      throw new InvalidClientPolicy(
          (at == null ? MEMBER : at) + ": " + field + " is required (a string)");
    }
    if (!(value instanceof String s)) {
      throw new InvalidClientPolicy((at == null ? MEMBER : at) + ": " + field + " is a string");
    }
    return s;
  }

  private static List<String> strings(Map<String, Object> json, String field, String at)
      throws ParseException {
    String[] values = JSONObjectUtils.getStringArray(json, field);
    if (values == null) {
      throw new InvalidClientPolicy(at + ": " + field + " is an array of strings");
    }
    List<String> distinct = new ArrayList<>(new LinkedHashSet<>(List.of(values)));
    if (distinct.size() != values.length) {
      throw new InvalidClientPolicy(at + ": " + field + ": duplicate entries");
    }
    return distinct;
  }

  private static Optional<SortedSet<String>> optionalSet(
      Map<String, Object> json, String field, String at) throws ParseException {
    if (!json.containsKey(field)) {
      return Optional.empty();
    }
    return Optional.of(new TreeSet<>(strings(json, field, at)));
  }

  private static Optional<Duration> seconds(Map<String, Object> json, String field, String at)
      throws ParseException {
    if (!json.containsKey(field)) {
      return Optional.empty();
    }
    if (!(json.get(field) instanceof Long || json.get(field) instanceof Integer)) {
      throw new InvalidClientPolicy(at + ": " + field + " is a whole number of seconds");
    }
    return Optional.of(Duration.ofSeconds(JSONObjectUtils.getLong(json, field)));
  }
}
