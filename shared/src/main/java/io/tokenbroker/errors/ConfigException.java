package io.tokenbroker.errors;

/** Configuration is missing or malformed; thrown at init so the function fails fast. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }
}
