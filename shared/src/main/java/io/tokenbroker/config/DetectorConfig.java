package io.tokenbroker.config;

import io.tokenbroker.clients.RefreshPolicy;
import io.tokenbroker.detection.ContainmentSettings;
import io.tokenbroker.detection.DetectionRules;
import io.tokenbroker.errors.ConfigException;
import java.time.Duration;
import java.util.Optional;

/**
 * The anomaly detector's configuration.
 *
 * @param rules DETECTION_RULES: a rules document (JSON) replacing the shipped defaults
 * @param containment CONTAINMENT_COOL_DOWN_SECONDS (3600), CONTAINMENT_CAP (5),
 *     CONTAINMENT_CAP_WINDOW_SECONDS (3600), and the longest token life a watermark must cover
 *     (ACCESS_TOKEN_MAX_LIFETIME_SECONDS or a refresh family's absolute limit)
 * @param alarmTopicArn ALARM_TOPIC_ARN: the SNS topic alerts go to (in AWS)
 * @param eventBus EVENT_BUS_NAME: the EventBridge bus alerts go to (default: {@code default})
 */
public record DetectorConfig(
    DetectionRules rules,
    ContainmentSettings containment,
    Optional<String> alarmTopicArn,
    String eventBus) {

  public static DetectorConfig from(Env env) {
    DetectionRules rules;
    try {
      rules =
          env.optional("DETECTION_RULES")
              .map(DetectionRules::parse)
              .orElseGet(DetectionRules::defaults);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("DETECTION_RULES: " + e.getMessage());
    }
    Duration tokenLife = BrokerConfig.maxTokenLifetime(env);
    Duration longest =
        RefreshPolicy.MAX_ABSOLUTE_LIFETIME.compareTo(tokenLife) > 0
            ? RefreshPolicy.MAX_ABSOLUTE_LIFETIME
            : tokenLife;
    ContainmentSettings containment =
        new ContainmentSettings(
            env.seconds(
                "CONTAINMENT_COOL_DOWN_SECONDS",
                Duration.ofHours(1),
                Duration.ZERO,
                Duration.ofDays(7)),
            env.integer("CONTAINMENT_CAP", 5, 0, 1000),
            env.seconds(
                "CONTAINMENT_CAP_WINDOW_SECONDS",
                Duration.ofHours(1),
                Duration.ofMinutes(1),
                Duration.ofDays(7)),
            longest);
    return new DetectorConfig(
        rules,
        containment,
        env.optional("ALARM_TOPIC_ARN").filter(arn -> !arn.isBlank()),
        env.string("EVENT_BUS_NAME", "default"));
  }
}
