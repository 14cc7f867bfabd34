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
 * @param https a second listener, HTTPS with optional client certificates, as API Gateway's custom
 *     domain with mutual TLS (--https-port N or BROKER_HTTPS_PORT; unset: HTTP only)
 * @param outsideIssuerCerts local development of federation: a PEM file of the certificates of
 *     outside issuers served on this machine (a test OIDC issuer on localhost), trusted besides the
 *     JDK's CAs, and loopback issuers allowed (--trust-issuer-certs FILE or
 *     BROKER_TRUST_ISSUER_CERTS; unset: as in Lambda, public addresses and the JDK's CAs only;
 *     private and link-local addresses stay refused either way)
 * @param leakReporter local development of leak reports: the keys URL of a secret scanner served on
 *     this machine (dev-support's TestSecretScanner) and the PEM file of its TLS certificate
 *     (--leak-reporter-keys-url URL and --trust-reporter-certs FILE, or
 *     BROKER_LEAK_REPORTER_KEYS_URL and BROKER_TRUST_REPORTER_CERTS; unset: no reporter keys, every
 *     signed report refused)
 * @param tokenReuse the token function's TOKEN_REUSE_SECONDS (--token-reuse-seconds N or
 *     BROKER_TOKEN_REUSE_SECONDS; default 0: off, as in the template), checked as the function
 *     checks it at start
 */
public record LocalBrokerOptions(
    int port,
    Optional<URI> awsEndpoint,
    String tablePrefix,
    Optional<Path> clientsFile,
    Duration authorizerCacheTtl,
    LogFormat logFormat,
    boolean dpopNonces,
    Optional<Https> https,
    Optional<Path> outsideIssuerCerts,
    Optional<LeakReporter> leakReporter,
    Duration tokenReuse) {

  /** A secret scanner's keys URL, and the certificates to trust when it is on this machine. */
  public record LeakReporter(URI keysUrl, Optional<Path> trustCerts) {}

  /** Without token reuse. */
  public LocalBrokerOptions(
      int port,
      Optional<URI> awsEndpoint,
      String tablePrefix,
      Optional<Path> clientsFile,
      Duration authorizerCacheTtl,
      LogFormat logFormat,
      boolean dpopNonces,
      Optional<Https> https,
      Optional<Path> outsideIssuerCerts,
      Optional<LeakReporter> leakReporter) {
    this(
        port,
        awsEndpoint,
        tablePrefix,
        clientsFile,
        authorizerCacheTtl,
        logFormat,
        dpopNonces,
        https,
        outsideIssuerCerts,
        leakReporter,
        Duration.ZERO);
  }

  /**
   * These options with token reuse: identical client_credentials requests within {@code window} get
   * the same token again (TOKEN_REUSE_SECONDS); zero turns it off.
   */
  public LocalBrokerOptions withTokenReuse(Duration window) {
    return new LocalBrokerOptions(
        port,
        awsEndpoint,
        tablePrefix,
        clientsFile,
        authorizerCacheTtl,
        logFormat,
        dpopNonces,
        https,
        outsideIssuerCerts,
        leakReporter,
        window);
  }

  /** Without a local leak reporter. */
  public LocalBrokerOptions(
      int port,
      Optional<URI> awsEndpoint,
      String tablePrefix,
      Optional<Path> clientsFile,
      Duration authorizerCacheTtl,
      LogFormat logFormat,
      boolean dpopNonces,
      Optional<Https> https,
      Optional<Path> outsideIssuerCerts) {
    this(
        port,
        awsEndpoint,
        tablePrefix,
        clientsFile,
        authorizerCacheTtl,
        logFormat,
        dpopNonces,
        https,
        outsideIssuerCerts,
        Optional.empty());
  }

  /**
   * These options with a leak reporter's keys URL, its TLS certificate trusted from {@code pem}, on
   * loopback too (local development of leak reports, e.g. with dev-support's TestSecretScanner).
   */
  public LocalBrokerOptions withLeakReporter(URI keysUrl, Path pem) {
    return new LocalBrokerOptions(
        port,
        awsEndpoint,
        tablePrefix,
        clientsFile,
        authorizerCacheTtl,
        logFormat,
        dpopNonces,
        https,
        outsideIssuerCerts,
        Optional.of(new LeakReporter(keysUrl, Optional.of(pem))),
        tokenReuse);
  }

  /** Without local outside issuers. */
  public LocalBrokerOptions(
      int port,
      Optional<URI> awsEndpoint,
      String tablePrefix,
      Optional<Path> clientsFile,
      Duration authorizerCacheTtl,
      LogFormat logFormat,
      boolean dpopNonces,
      Optional<Https> https) {
    this(
        port,
        awsEndpoint,
        tablePrefix,
        clientsFile,
        authorizerCacheTtl,
        logFormat,
        dpopNonces,
        https,
        Optional.empty());
  }

  /**
   * The HTTPS listener: real TLS through the JDK, a server certificate generated at start, client
   * certificates wanted (not required) and validated against {@code truststore}, as API Gateway
   * validates them against the custom domain's truststore in S3.
   *
   * @param port loopback port (0: any free port)
   * @param truststore PEM file of the CA (and self-signed) certificates whose client certificates
   *     are accepted (--truststore FILE or BROKER_TLS_TRUSTSTORE); none: no client certificate is
   *     accepted, HTTPS only
   * @param tlsClientAuthCas PEM file of the CAs that may issue tls_client_auth clients'
   *     certificates (--tls-client-auth-cas FILE or BROKER_TLS_CLIENT_AUTH_CAS), the broker's
   *     TLS_CLIENT_AUTH_CA_CERTS; not the whole truststore, whose self-signed client certificates
   *     must vouch for nobody; none: tls_client_auth is refused
   */
  public record Https(int port, Optional<Path> truststore, Optional<Path> tlsClientAuthCas) {
    public Https {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("--https-port must be between 0 and 65535");
      }
    }

    public Https(int port, Optional<Path> truststore) {
      this(port, truststore, Optional.empty());
    }
  }

  /** Without HTTPS. */
  public LocalBrokerOptions(
      int port,
      Optional<URI> awsEndpoint,
      String tablePrefix,
      Optional<Path> clientsFile,
      Duration authorizerCacheTtl,
      LogFormat logFormat) {
    this(
        port,
        awsEndpoint,
        tablePrefix,
        clientsFile,
        authorizerCacheTtl,
        logFormat,
        false,
        Optional.empty());
  }

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
    this(port, awsEndpoint, tablePrefix, clientsFile, authorizerCacheTtl, LogFormat.TEXT);
  }

  /** Port 8080 (0: any free port), its own moto, no clients file, readable log lines. */
  public static LocalBrokerOptions onPort(int port) {
    return new LocalBrokerOptions(
        port, Optional.empty(), "token-broker-local-", Optional.empty(), Duration.ZERO);
  }

  /** These options with log lines in {@code format}. */
  public LocalBrokerOptions withLogFormat(LogFormat format) {
    return new LocalBrokerOptions(
        port,
        awsEndpoint,
        tablePrefix,
        clientsFile,
        authorizerCacheTtl,
        format,
        dpopNonces,
        https,
        outsideIssuerCerts,
        leakReporter,
        tokenReuse);
  }

  /** These options with DPoP server nonces required, or not. */
  public LocalBrokerOptions withDpopNonces(boolean required) {
    return new LocalBrokerOptions(
        port,
        awsEndpoint,
        tablePrefix,
        clientsFile,
        authorizerCacheTtl,
        logFormat,
        required,
        https,
        outsideIssuerCerts,
        leakReporter,
        tokenReuse);
  }

  /** These options with the HTTPS listener. */
  public LocalBrokerOptions withHttps(Https value) {
    return new LocalBrokerOptions(
        port,
        awsEndpoint,
        tablePrefix,
        clientsFile,
        authorizerCacheTtl,
        logFormat,
        dpopNonces,
        Optional.of(value),
        outsideIssuerCerts,
        leakReporter,
        tokenReuse);
  }

  /**
   * These options trusting the outside issuers whose certificates {@code pem} holds, on loopback
   * too (local development of federation, e.g. with dev-support's TestOidcIssuer).
   */
  public LocalBrokerOptions withOutsideIssuerCerts(Path pem) {
    return new LocalBrokerOptions(
        port,
        awsEndpoint,
        tablePrefix,
        clientsFile,
        authorizerCacheTtl,
        logFormat,
        dpopNonces,
        https,
        Optional.of(pem),
        leakReporter,
        tokenReuse);
  }

  /** Options from the command line (--port N) over the environment. */
  public static LocalBrokerOptions parse(String[] args, Map<String, String> env) {
    int port = Integer.parseInt(env.getOrDefault("BROKER_PORT", "8080"));
    Optional<Path> clients = Optional.ofNullable(env.get("BROKER_CLIENTS_FILE")).map(Path::of);
    Optional<Integer> httpsPort =
        Optional.ofNullable(env.get("BROKER_HTTPS_PORT"))
            .filter(v -> !v.isBlank())
            .map(Integer::parseInt);
    Optional<Path> truststore =
        Optional.ofNullable(env.get("BROKER_TLS_TRUSTSTORE"))
            .filter(v -> !v.isBlank())
            .map(Path::of);
    Optional<Path> tlsClientAuthCas =
        Optional.ofNullable(env.get("BROKER_TLS_CLIENT_AUTH_CAS"))
            .filter(v -> !v.isBlank())
            .map(Path::of);
    Optional<Path> issuerCerts =
        Optional.ofNullable(env.get("BROKER_TRUST_ISSUER_CERTS"))
            .filter(v -> !v.isBlank())
            .map(Path::of);
    Optional<URI> reporterKeys =
        Optional.ofNullable(env.get("BROKER_LEAK_REPORTER_KEYS_URL"))
            .filter(v -> !v.isBlank())
            .map(URI::create);
    Optional<Path> reporterCerts =
        Optional.ofNullable(env.get("BROKER_TRUST_REPORTER_CERTS"))
            .filter(v -> !v.isBlank())
            .map(Path::of);
    Duration tokenReuse =
        seconds(env.getOrDefault("BROKER_TOKEN_REUSE_SECONDS", "0"), "BROKER_TOKEN_REUSE_SECONDS");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--leak-reporter-keys-url" ->
            reporterKeys = Optional.of(URI.create(value(args, ++i, "--leak-reporter-keys-url")));
        case "--trust-reporter-certs" ->
            reporterCerts = Optional.of(Path.of(value(args, ++i, "--trust-reporter-certs")));
        case "--tls-client-auth-cas" ->
            tlsClientAuthCas = Optional.of(Path.of(value(args, ++i, "--tls-client-auth-cas")));
        case "--token-reuse-seconds" ->
            tokenReuse =
                seconds(value(args, ++i, "--token-reuse-seconds"), "--token-reuse-seconds");
        case "--port" -> port = Integer.parseInt(value(args, ++i, "--port"));
        case "--clients" -> clients = Optional.of(Path.of(value(args, ++i, "--clients")));
        case "--https-port" ->
            httpsPort = Optional.of(Integer.parseInt(value(args, ++i, "--https-port")));
        case "--truststore" -> truststore = Optional.of(Path.of(value(args, ++i, "--truststore")));
        case "--trust-issuer-certs" ->
            issuerCerts = Optional.of(Path.of(value(args, ++i, "--trust-issuer-certs")));
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("--port must be between 0 and 65535");
    }
    if (truststore.isPresent() && httpsPort.isEmpty()) {
      throw new IllegalArgumentException(
          "a truststore is for the HTTPS listener: give --https-port (or BROKER_HTTPS_PORT) too");
    }
    if (tlsClientAuthCas.isPresent() && truststore.isEmpty()) {
      throw new IllegalArgumentException(
          "tls_client_auth CAs need a truststore: give --truststore (or BROKER_TLS_TRUSTSTORE)"
              + " too");
    }
    if (reporterCerts.isPresent() && reporterKeys.isEmpty()) {
      throw new IllegalArgumentException(
          "reporter certificates are for a reporter's keys URL: give --leak-reporter-keys-url (or"
              + " BROKER_LEAK_REPORTER_KEYS_URL) too");
    }
    Optional<Path> reporterTrust = reporterCerts;
    Optional<Path> trusted = truststore;
    Optional<Path> cas = tlsClientAuthCas;
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
        dpopNonces(env.getOrDefault("BROKER_DPOP_NONCES", "off")),
        httpsPort.map(p -> new Https(p, trusted, cas)),
        issuerCerts,
        reporterKeys.map(url -> new LeakReporter(url, reporterTrust)),
        tokenReuse);
  }

  /** A whole number of seconds, 0 or more ({@code ""}: 0); its upper bounds are the broker's. */
  private static Duration seconds(String value, String name) {
    try {
      long seconds = value.isBlank() ? 0 : Long.parseLong(value.strip());
      if (seconds < 0) {
        throw new IllegalArgumentException(name + " must be 0 or more seconds");
      }
      return Duration.ofSeconds(seconds);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a whole number of seconds", e);
    }
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
