package io.tokenbroker.config;

import io.tokenbroker.errors.ConfigException;
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
    return optional(name).orElseThrow(() -> notSet(name));
  }

  /** The error for a required variable that is not set. */
  public static ConfigException notSet(String name) {
    return new ConfigException("environment variable " + name + " is required but not set");
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

  /**
   * A URL keys or other trusted data are fetched from: https, or http only to a loopback host
   * (127.0.0.0/8, [::1], localhost) for local development; no user info. Anything else could be
   * read or rewritten on the network.
   */
  public Optional<URI> secureUrl(String name) {
    return url(name)
        .map(
            uri -> {
              if (uri.getRawUserInfo() != null) {
                throw new ConfigException(
                    "environment variable " + name + " must not carry user info");
              }
              if (!"https".equals(uri.getScheme()) && !isLoopback(uri.getHost())) {
                throw new ConfigException(
                    "environment variable "
                        + name
                        + " must be an https URL (http only to 127.0.0.1, [::1] or localhost)");
              }
              return uri;
            });
  }

  /**
   * Whether a URI's host is loopback, judged from its text alone (no DNS lookup): {@code
   * localhost}, {@code [::1]}, or a dotted-quad 127.x.y.y in canonical decimal (no short, octal or
   * hex forms, which resolvers read differently).
   */
  public static boolean isLoopback(String host) {
    if (host.equalsIgnoreCase("localhost") || host.equals("[::1]")) {
      return true;
    }
    String[] octets = host.split("\\.", -1);
    if (octets.length != 4 || !octets[0].equals("127")) {
      return false;
    }
    for (String octet : octets) {
      boolean canonical = octet.matches("0|[1-9][0-9]{0,2}") && Integer.parseInt(octet) <= 255;
      if (!canonical) {
        return false;
      }
    }
    return true;
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
