package io.tokenbroker.local;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * How to run the local broker.
 *
 * @param port loopback port for the HTTP server (0: any free port); --port or BROKER_PORT, 8080
 * @param awsEndpoint an AWS-compatible endpoint to use instead of starting moto (AWS_ENDPOINT_URL)
 * @param tablePrefix prefix of the table names (BROKER_TABLE_PREFIX, default "token-broker-local-")
 * @param clientsFile client registrations to load at start (--clients FILE or BROKER_CLIENTS_FILE)
 * @param authorizerCacheTtl API Gateway's authorizer result cache for the demo API
 *     (BROKER_AUTHORIZER_CACHE_SECONDS, default 0: off, as in the template)
 * @param logFormat how the functions' log lines are written (BROKER_LOG_FORMAT: text, the default,
 *     or json, as in Lambda)
 * @param dpopNonces whether DPoP proofs must carry the server's nonce (BROKER_DPOP_NONCES: off, the
 *     default, or required; as DPOP_NONCES in the stack, with an HMAC key made in moto)
 */
public record LocalBrokerOptions(
    int port,
    Optional<URI> awsEndpoint,
    String tablePrefix,
    Optional<Path> clientsFile,
    Duration authorizerCacheTtl,
    LogFormat logFormat,
    boolean dpopNonces) {

  /** The functions' log lines: readable text for a person, or Lambda's JSON for tools. */
  public enum LogFormat {
    TEXT,
    JSON
  }

  /** With readable log lines. */
  public LocalBrokerOptions(
      int port,
      Optional<URI> awsEndpoint,
      String tablePrefix,
      Optional<Path> clientsFile,
      Duration authorizerCacheTtl) {
    this(port, awsEndpoint, tablePrefix, clientsFile, authorizerCacheTtl, LogFormat.TEXT, false);
  }

  /** Port 8080 (0: any free port), its own moto, no clients file, readable log lines. */
  public static LocalBrokerOptions onPort(int port) {
    return new LocalBrokerOptions(
        port, Optional.empty(), "token-broker-local-", Optional.empty(), Duration.ZERO);
  }

  /** These options with log lines in {@code format}. */
  public LocalBrokerOptions withLogFormat(LogFormat format) {
    return new LocalBrokerOptions(
        port, awsEndpoint, tablePrefix, clientsFile, authorizerCacheTtl, format, dpopNonces);
  }

  /** These options with DPoP server nonces required, or not. */
  public LocalBrokerOptions withDpopNonces(boolean required) {
    return new LocalBrokerOptions(
        port, awsEndpoint, tablePrefix, clientsFile, authorizerCacheTtl, logFormat, required);
  }

  /** Options from the command line (--port N) over the environment. */
  public static LocalBrokerOptions parse(String[] args, Map<String, String> env) {
    int port = Integer.parseInt(env.getOrDefault("BROKER_PORT", "8080"));
    Optional<Path> clients = Optional.ofNullable(env.get("BROKER_CLIENTS_FILE")).map(Path::of);
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--port" -> port = Integer.parseInt(value(args, ++i, "--port"));
        case "--clients" -> clients = Optional.of(Path.of(value(args, ++i, "--clients")));
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("--port must be between 0 and 65535");
    }
    Optional<URI> endpoint =
        Optional.ofNullable(env.get("AWS_ENDPOINT_URL")).filter(s -> !s.isBlank()).map(URI::create);
    return new LocalBrokerOptions(
        port,
        endpoint,
        env.getOrDefault("BROKER_TABLE_PREFIX", "token-broker-local-"),
        clients,
        Duration.ofSeconds(
            Long.parseLong(env.getOrDefault("BROKER_AUTHORIZER_CACHE_SECONDS", "0"))),
        logFormat(env.getOrDefault("BROKER_LOG_FORMAT", "text")),
        dpopNonces(env.getOrDefault("BROKER_DPOP_NONCES", "off")));
  }

  private static boolean dpopNonces(String value) {
    return switch (value.strip().toLowerCase(Locale.ROOT)) {
      case "off", "" -> false;
      case "required" -> true;
      default ->
          throw new IllegalArgumentException(
              "BROKER_DPOP_NONCES must be off or required, not '" + value + "'");
    };
  }

  private static LogFormat logFormat(String value) {
    return switch (value.strip().toLowerCase(Locale.ROOT)) {
      case "text", "" -> LogFormat.TEXT; // set but empty, as a shell's VAR= leaves it: the default
      case "json" -> LogFormat.JSON;
      default ->
          throw new IllegalArgumentException(
              "BROKER_LOG_FORMAT must be text or json, not '" + value + "'");
    };
  }

  private static String value(String[] args, int index, String option) {
    if (index >= args.length) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args[index];
  }
}
