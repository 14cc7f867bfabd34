package io.tokenbroker.config;

import io.tokenbroker.errors.ConfigException;
import io.tokenbroker.telemetry.TelemetryEvent.Level;
import java.util.Locale;
import java.util.Optional;

/**
 * What every function's log lines need from the environment.
 *
 * @param stack BROKER_NAME (the stack's name): a field of every line and a dimension of every
 *     metric, so that two deployments in one account never mix; empty where it is not set (an
 *     authorizer deployed in front of another team's API)
 * @param level the lowest level written: AWS_LAMBDA_LOG_LEVEL, which Lambda sets from the
 *     function's {@code LoggingConfig.ApplicationLogLevel} when its log format is JSON (TRACE and
 *     DEBUG: DEBUG; FATAL: ERROR); INFO when unset
 */
public record TelemetryConfig(Optional<String> stack, Level level) {

  public static TelemetryConfig from(Env env) {
    return new TelemetryConfig(brokerName(env), level(env));
  }

  /** BROKER_NAME, if set: the stack's name, also the tag value of the broker's KMS keys. */
  public static Optional<String> brokerName(Env env) {
    return env.optional("BROKER_NAME").filter(name -> !name.isBlank());
  }

  static Level level(Env env) {
    Optional<String> value = env.optional("AWS_LAMBDA_LOG_LEVEL");
    if (value.isEmpty() || value.get().isBlank()) {
      return Level.INFO;
    }
    return switch (value.get().strip().toUpperCase(Locale.ROOT)) {
      case "TRACE", "DEBUG" -> Level.DEBUG;
      case "INFO" -> Level.INFO;
      case "WARN" -> Level.WARN;
      case "ERROR", "FATAL" -> Level.ERROR;
      default ->
          throw new ConfigException(
              "AWS_LAMBDA_LOG_LEVEL must be TRACE, DEBUG, INFO, WARN, ERROR or FATAL");
    };
  }
}
