package io.tokenbroker.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Typed, fail-fast access to environment variables. Read once at init by each function's
 * configuration record; every error names the variable.
 */
public final class Env {

  private final Map<String, String> variables;

  private Env(Map<String, String> variables) {
    this.variables = Map.copyOf(variables);
  }

  public static Env system() {
    return new Env(System.getenv());
  }

  public static Env of(Map<String, String> variables) {
    return new Env(variables);
  }

  /** This environment with {@code overrides} laid over it. */
  public Env with(Map<String, String> overrides) {
    Map<String, String> merged = new HashMap<>(variables);
    merged.putAll(overrides);
    return new Env(merged);
  }

  public Optional<String> optional(String name) {
    return Optional.ofNullable(variables.get(name)).map(String::strip).filter(v -> !v.isEmpty());
  }

  public String required(String name) {
    return optional(name)
        .orElseThrow(
            () -> new ConfigException("environment variable " + name + " is required but not set"));
  }

  public String string(String name, String defaultValue) {
    return optional(name).orElse(defaultValue);
  }

  /** A whole number of seconds in [min, max]. */
  public Duration seconds(String name, Duration defaultValue, Duration min, Duration max) {
    Optional<String> raw = optional(name);
    if (raw.isEmpty()) {
      return defaultValue;
    }
    long seconds = parseLong(name, raw.get());
    if (seconds < min.toSeconds() || seconds > max.toSeconds()) {
      throw new ConfigException(
          "environment variable %s must be between %d and %d seconds, was %d"
              .formatted(name, min.toSeconds(), max.toSeconds(), seconds));
    }
    return Duration.ofSeconds(seconds);
  }

  public int integer(String name, int defaultValue, int min, int max) {
    Optional<String> raw = optional(name);
    if (raw.isEmpty()) {
      return defaultValue;
    }
    long value = parseLong(name, raw.get());
    if (value < min || value > max) {
      throw new ConfigException(
          "environment variable %s must be between %d and %d, was %d"
              .formatted(name, min, max, value));
    }
    return (int) value;
  }

  /** An absolute http(s) URL without query or fragment; a trailing slash is removed. */
  public Optional<URI> url(String name) {
    return optional(name).map(raw -> parseUrl(name, raw));
  }

  public URI requiredUrl(String name) {
    return parseUrl(name, required(name));
  }

  private static URI parseUrl(String name, String raw) {
    try {
      URI uri = new URI(raw.endsWith("/") ? raw.substring(0, raw.length() - 1) : raw);
      boolean http = "https".equals(uri.getScheme()) || "http".equals(uri.getScheme());
      if (!http || uri.getHost() == null || uri.getQuery() != null || uri.getFragment() != null) {
        throw new ConfigException(
            "environment variable " + name + " must be an http(s) URL without query or fragment");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new ConfigException("environment variable " + name + " is not a valid URL");
    }
  }

  private static long parseLong(String name, String raw) {
    try {
      return Long.parseLong(raw);
    } catch (NumberFormatException e) {
      throw new ConfigException("environment variable " + name + " must be a whole number");
    }
  }
}
