package io.tokenbroker.detection;

import com.nimbusds.jose.util.JSONObjectUtils;
import io.tokenbroker.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The detector's rules as data (a JSON document, validated once when loaded; the defaults ship as
 * {@code detection-rules.json} beside this class). A rule absent from the document is off. Each
 * rule says whether its finding may contain a client ({@code contain}); the client's own response
 * policy decides whether it does. Rules that count refusals only alert by default: a refusal's
 * client is the one the request claimed, and nobody should be able to contain another's client by
 * sending bad requests in its name. {@code network_mismatch} ships alert-only too: a token used
 * from another network than it was issued to is ordinary where the resource API is private (a VPC
 * endpoint: a private source address) while the token endpoint is public (a NAT's address), where
 * callers are dual stack (IPv6 at one, IPv4 at the other), or behind NATs in several zones.
 *
 * @param window the counting window for rates and refusals
 * @param learningIssuances issuances a client's baseline needs before "new" rules speak
 * @param maxKnownValues networks, user agents and audiences remembered per client
 * @param rules each enabled rule by name
 * @param spikeFactor a window is a spike above this many times the client's rolling average
 * @param spikeMinimum and above this many issuances (a quiet client's few are never a spike)
 * @param smoothing weight of the newest window in the rolling average (0-1)
 * @param spikeLearningWindows windows a client's baseline must have seen (with {@code
 *     learningIssuances} issuances) before a spike is judged: a new client has no normal yet
 * @param spikePeakMargin a window is a spike only above this many times the client's peak window
 *     too (0: off), so a periodic burst (an hourly cron) stays normal after the average decays
 * @param spikePeakDecay the peak's factor per window (close to 1: it forgets over days)
 * @param newNetworkAuthMethods the authentication methods whose clients must keep their networks
 * @param thresholds refusals within a window that fire each refusal rule
 */
public record DetectionRules(
    Duration window,
    int learningIssuances,
    int maxKnownValues,
    Map<Rule, Boolean> rules,
    double spikeFactor,
    int spikeMinimum,
    double smoothing,
    int spikeLearningWindows,
    double spikePeakMargin,
    double spikePeakDecay,
    Set<String> newNetworkAuthMethods,
    Map<Rule, Integer> thresholds) {

  /** The rules, by their names in the document and in alerts' evidence. */
  public enum Rule {
    RATE_SPIKE("rate_spike"),
    NEW_NETWORK("new_network"),
    NEW_USER_AGENT("new_user_agent"),
    NEW_AUDIENCE("new_audience"),
    SCOPE_ESCALATION("scope_escalation"),
    REFUSED_ATTEMPTS("refused_attempts"),
    REPLAYED_ASSERTION("replayed_assertion"),
    REFRESH_REUSE("refresh_reuse"),
    NETWORK_MISMATCH("network_mismatch");

    private final String ruleName;

    Rule(String ruleName) {
      this.ruleName = ruleName;
    }

    public String ruleName() {
      return ruleName;
    }

    static Optional<Rule> named(String name) {
      for (Rule rule : values()) {
        if (rule.ruleName.equals(name)) {
          return Optional.of(rule);
        }
      }
      return Optional.empty();
    }
  }

  /** The refusal reason each counting rule watches (as the token endpoint logs it). */
  static final Map<String, Rule> REFUSAL_RULES =
      Map.of(
          "invalid_scope", Rule.SCOPE_ESCALATION,
          "invalid_client", Rule.REFUSED_ATTEMPTS,
          "assertion_replayed", Rule.REPLAYED_ASSERTION,
          "refresh_token_reused", Rule.REFRESH_REUSE);

  public DetectionRules {
    rules = Map.copyOf(rules);
    thresholds = Map.copyOf(thresholds);
    newNetworkAuthMethods = Set.copyOf(newNetworkAuthMethods);
  }

  public boolean enabled(Rule rule) {
    return rules.containsKey(rule);
  }

  /** Whether a finding of this rule may lead to containment. */
  public boolean contains(Rule rule) {
    return rules.getOrDefault(rule, false);
  }

  /** The rules shipped with the broker. */
  public static DetectionRules defaults() {
    try (InputStream in = DetectionRules.class.getResourceAsStream("detection-rules.json")) {
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException("detection-rules.json: " + e.getMessage(), e);
    }
  }

  /**
   * Reads and checks a rules document.
   *
   * @throws IllegalArgumentException naming the first member that is missing, unknown or out of
   *     range
   */
  public static DetectionRules parse(String json) {
    try {
      Map<String, Object> root = Json.object(json);
      only(root, "", "window_seconds", "learning_issuances", "max_known_values", "rules");
      Map<String, Object> ruleObjects = JSONObjectUtils.getJSONObject(root, "rules");
      if (ruleObjects == null) {
        throw new IllegalArgumentException("rules: required");
      }
      Map<Rule, Boolean> rules = new LinkedHashMap<>();
      Map<Rule, Integer> thresholds = new LinkedHashMap<>();
      double factor = 0;
      int minimum = 0;
      double smoothing = 0;
      int learningWindows = 0;
      double peakMargin = 0;
      double peakDecay = 1;
      Set<String> authMethods = Set.of();
      for (Map.Entry<String, Object> entry : ruleObjects.entrySet()) {
        Rule rule =
            Rule.named(entry.getKey())
                .orElseThrow(
                    () -> new IllegalArgumentException("rules." + entry.getKey() + ": unknown"));
        if (!(entry.getValue() instanceof Map<?, ?>)) {
          throw new IllegalArgumentException("rules." + entry.getKey() + ": must be an object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> body = (Map<String, Object>) entry.getValue();
        String at = "rules." + entry.getKey() + ".";
        rules.put(rule, JSONObjectUtils.getBoolean(body, "contain"));
        switch (rule) {
          case RATE_SPIKE -> {
            only(
                body,
                at,
                "contain",
                "factor",
                "minimum",
                "smoothing",
                "learning_windows",
                "peak_margin",
                "peak_decay");
            factor = number(body, at + "factor", 1.5, 1000);
            minimum = (int) number(body, at + "minimum", 1, 1_000_000);
            smoothing = number(body, at + "smoothing", 0.01, 1);
            // Optional: without them a spike is judged from the first window, on the average.
            if (body.containsKey("learning_windows")) {
              learningWindows = (int) number(body, at + "learning_windows", 0, 100_000);
            }
            if (body.containsKey("peak_margin")) {
              peakMargin = number(body, at + "peak_margin", 0, 1000);
            }
            if (body.containsKey("peak_decay")) {
              peakDecay = number(body, at + "peak_decay", 0.5, 1);
            }
          }
          case NEW_NETWORK -> {
            only(body, at, "contain", "auth_methods");
            List<String> methods = JSONObjectUtils.getStringList(body, "auth_methods");
            if (methods == null || methods.isEmpty()) {
              throw new IllegalArgumentException(at + "auth_methods: required");
            }
            authMethods = Set.copyOf(methods);
          }
          case SCOPE_ESCALATION, REFUSED_ATTEMPTS, REPLAYED_ASSERTION, REFRESH_REUSE -> {
            only(body, at, "contain", "threshold");
            thresholds.put(rule, (int) number(body, at + "threshold", 1, 1_000_000));
          }
          default -> only(body, at, "contain");
        }
      }
      return new DetectionRules(
          Duration.ofSeconds((long) number(root, "window_seconds", 10, 86_400)),
          (int) number(root, "learning_issuances", 0, 1_000_000),
          (int) number(root, "max_known_values", 1, 256),
          rules,
          factor,
          minimum,
          smoothing,
          learningWindows,
          peakMargin,
          peakDecay,
          authMethods,
          thresholds);
    } catch (ParseException e) {
      throw new IllegalArgumentException("detection rules: " + e.getMessage(), e);
    }
  }

  private static void only(Map<String, Object> object, String at, String... names) {
    Set<String> known = Set.of(names);
    for (String name : object.keySet()) {
      if (!known.contains(name)) {
        throw new IllegalArgumentException(at + name + ": unknown member");
      }
    }
  }

  private static double number(Map<String, Object> object, String path, double min, double max)
      throws ParseException {
    String name = path.substring(path.lastIndexOf('.') + 1);
    Object value = object.get(name);
    if (!(value instanceof Number n)) {
      throw new IllegalArgumentException(path + ": required number");
    }
    double d = n.doubleValue();
    if (d < min || d > max) {
      throw new IllegalArgumentException(path + ": must be " + min + "-" + max);
    }
    return d;
  }
}
