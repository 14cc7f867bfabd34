package io.tokenbroker.detection;

import io.tokenbroker.detection.DetectionRules.Rule;
import io.tokenbroker.errors.ServiceFailure;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Applies the {@link DetectionRules} to one event against the client's {@link ClientBaseline} and
 * says which rules fired. A counting rule fires once per window, when its count reaches the
 * threshold; a "new" rule fires when a client past its learning issuances shows a value it has not
 * shown among its last few. Stateless between calls: the baseline is loaded, updated and saved
 * (conditionally, retried on a concurrent writer) for each event.
 */
public final class AnomalyDetector {

  private static final int SAVE_ATTEMPTS = 5;

  /** Prefix of a reported (token, network) mismatch among the window's counts; no reason has it. */
  private static final String MISMATCH_SEEN = "mismatch ";

  private final DetectionRules rules;
  private final Baselines baselines;
  private final IssuedNetworks issuedNetworks;

  public AnomalyDetector(DetectionRules rules, Baselines baselines, IssuedNetworks issuedNetworks) {
    this.rules = rules;
    this.baselines = baselines;
    this.issuedNetworks = issuedNetworks;
  }

  /**
   * The findings of one event (most often none).
   *
   * @throws ServiceFailure (retryable) when a store fails or concurrent writers keep winning
   */
  public List<Finding> observe(DetectionEvent event) {
    return observe(event, findings -> {});
  }

  /**
   * Evaluates the event, hands its findings to {@code respond}, and only then saves the baseline:
   * if the response throws, the baseline is left as it was and the retried event produces the same
   * findings (each rule fires on an exact crossing that a saved baseline would have passed).
   *
   * @throws ServiceFailure (retryable) when a store fails or concurrent writers keep winning
   */
  public List<Finding> observe(DetectionEvent event, Consumer<List<Finding>> respond) {
    return switch (event) {
      case DetectionEvent.Used used -> used(used, respond);
      case DetectionEvent.Refused refused ->
          refused.clientId().isEmpty()
              ? List.of()
              : withBaseline(event, baseline -> refused(baseline, refused), respond);
      case DetectionEvent.Issued issued ->
          withBaseline(event, baseline -> issued(baseline, issued), respond);
    };
  }

  private List<Finding> withBaseline(
      DetectionEvent event,
      Function<ClientBaseline, List<Finding>> evaluate,
      Consumer<List<Finding>> respond) {
    String clientId = event.clientId().orElseThrow();
    List<Finding> answered = new ArrayList<>();
    for (int attempt = 0; attempt < SAVE_ATTEMPTS; attempt++) {
      ClientBaseline baseline =
          baselines.find(clientId).orElseGet(() -> ClientBaseline.fresh(clientId));
      baseline.advanceTo(
          event.at(),
          rules.window(),
          rules.smoothing() > 0 ? rules.smoothing() : 1,
          rules.spikePeakDecay());
      List<Finding> findings = evaluate.apply(baseline);
      // After losing a race, answer only what the first evaluation did not already answer.
      List<Finding> fresh =
          findings.stream()
              .filter(f -> answered.stream().noneMatch(a -> a.rule() == f.rule()))
              .toList();
      if (!fresh.isEmpty()) {
        respond.accept(fresh);
        answered.addAll(fresh);
      }
      if (baselines.save(baseline)) {
        return answered;
      }
    }
    throw new ServiceFailure(
        "detector", "baseline of a client: concurrent writers, gave up", true, null);
  }

  private List<Finding> issued(ClientBaseline baseline, DetectionEvent.Issued event) {
    List<Finding> findings = new ArrayList<>();
    boolean learnt = baseline.issuances() >= rules.learningIssuances();
    int count = baseline.countIssuance();
    // A spike needs a normal to stand out from: the client's learning issuances and windows.
    boolean spikeLearnt = learnt && baseline.windowsSeen() >= rules.spikeLearningWindows();
    if (rules.enabled(Rule.RATE_SPIKE) && spikeLearnt) {
      double threshold =
          Math.max(
              Math.max(rules.spikeMinimum(), rules.spikeFactor() * baseline.average()),
              rules.spikePeakMargin() * baseline.peak());
      int fireAt = (int) Math.ceil(threshold);
      if (count == Math.max(fireAt, 1)) {
        findings.add(
            finding(
                Rule.RATE_SPIKE,
                event,
                evidence(
                    "issued_in_window",
                    Integer.toString(count),
                    "window_seconds",
                    Long.toString(rules.window().toSeconds()),
                    "rolling_average",
                    "%.1f".formatted(baseline.average()),
                    "peak_window",
                    "%.1f".formatted(baseline.peak()))));
      }
    }
    Optional<String> network = Networks.of(event.sourceIp());
    if (network.isPresent()) {
      boolean isNew =
          ClientBaseline.remember(baseline.networks(), network.get(), rules.maxKnownValues());
      if (isNew
          && learnt
          && rules.enabled(Rule.NEW_NETWORK)
          && rules.newNetworkAuthMethods().contains(event.authMethod())) {
        findings.add(
            finding(
                Rule.NEW_NETWORK,
                event,
                evidence(
                    "network",
                    network.get(),
                    "auth_method",
                    event.authMethod(),
                    "jti",
                    event.jti())));
      }
    }
    if (!event.userAgent().isEmpty()) {
      boolean isNew =
          ClientBaseline.remember(baseline.userAgents(), event.userAgent(), rules.maxKnownValues());
      if (isNew && learnt && rules.enabled(Rule.NEW_USER_AGENT)) {
        findings.add(
            finding(
                Rule.NEW_USER_AGENT,
                event,
                evidence("user_agent", truncated(event.userAgent()), "jti", event.jti())));
      }
    }
    for (String audience : event.audiences()) {
      boolean isNew =
          ClientBaseline.remember(baseline.audiences(), audience, rules.maxKnownValues());
      if (isNew && learnt && rules.enabled(Rule.NEW_AUDIENCE)) {
        findings.add(
            finding(
                Rule.NEW_AUDIENCE,
                event,
                evidence(
                    "audience",
                    truncated(audience),
                    "scope",
                    truncated(String.join(" ", event.scopes())),
                    "jti",
                    event.jti())));
      }
    }
    return findings;
  }

  private List<Finding> refused(ClientBaseline baseline, DetectionEvent.Refused event) {
    Rule rule = DetectionRules.REFUSAL_RULES.get(event.reason());
    if (rule == null || !rules.enabled(rule)) {
      return List.of();
    }
    int count = baseline.countRefusal(event.reason());
    if (count != rules.thresholds().get(rule)) {
      return List.of();
    }
    return List.of(
        finding(
            rule,
            event,
            evidence(
                "reason",
                event.reason(),
                "refused_in_window",
                Integer.toString(count),
                "window_seconds",
                Long.toString(rules.window().toSeconds()),
                "network",
                Networks.of(event.sourceIp()).orElse("unknown"))));
  }

  /**
   * A use from another network than the issuance's; once per (token, network) and window: the
   * baseline remembers which it has reported (beside the window's refusal counts, cleared with
   * them), so one token in use does not alert on every authorizer decision. Uses from the
   * issuance's own network cost no baseline read or write.
   */
  private List<Finding> used(DetectionEvent.Used event, Consumer<List<Finding>> respond) {
    List<Finding> mismatch = mismatch(event);
    if (mismatch.isEmpty()) {
      return mismatch;
    }
    String seen =
        MISMATCH_SEEN + event.jti() + " " + mismatch.getFirst().evidence().get("used_from_network");
    return withBaseline(
        event, baseline -> baseline.countRefusal(seen) == 1 ? mismatch : List.of(), respond);
  }

  private List<Finding> mismatch(DetectionEvent.Used event) {
    if (!rules.enabled(Rule.NETWORK_MISMATCH)) {
      return List.of();
    }
    Optional<String> usedFrom = Networks.of(event.sourceIp());
    if (usedFrom.isEmpty()) {
      return List.of();
    }
    Optional<String> issuedTo = issuedNetworks.sourceIpOf(event.jti()).flatMap(Networks::of);
    if (issuedTo.isEmpty() || issuedTo.equals(usedFrom)) {
      return List.of();
    }
    return List.of(
        finding(
            Rule.NETWORK_MISMATCH,
            event,
            evidence(
                "jti",
                event.jti(),
                "issued_to_network",
                issuedTo.get(),
                "used_from_network",
                usedFrom.get())));
  }

  private Finding finding(Rule rule, DetectionEvent event, Map<String, String> evidence) {
    Map<String, String> all = new LinkedHashMap<>();
    all.put("rule", rule.ruleName());
    all.putAll(evidence);
    return new Finding(rule, event.clientId().orElseThrow(), event.at(), rules.contains(rule), all);
  }

  private static Map<String, String> evidence(String... pairs) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      map.put(pairs[i], pairs[i + 1]);
    }
    return map;
  }

  private static String truncated(String value) {
    return value.length() <= 200 ? value : value.substring(0, 200);
  }
}
