package io.tokenbroker.local;

import com.sun.net.httpserver.HttpServer;
import io.tokenbroker.adapters.aws.AwsSettings;
import io.tokenbroker.adapters.aws.ClientTimeouts;
import io.tokenbroker.adapters.dynamodb.BrokerTables;
import io.tokenbroker.adapters.dynamodb.DynamoDbKeyRepository;
import io.tokenbroker.adapters.federation.RemoteIssuerKeys;
import io.tokenbroker.adapters.federation.RemoteReporterKeys;
import io.tokenbroker.adapters.lifecycle.RenewableRandom;
import io.tokenbroker.adapters.provisioning.BrokerProvisioner;
import io.tokenbroker.adapters.provisioning.NonceKeyProvisioner;
import io.tokenbroker.adapters.telemetry.JsonLinesTelemetry;
import io.tokenbroker.adapters.wiring.BrokerAdapters;
import io.tokenbroker.adapters.wiring.DiscoveryWiring;
import io.tokenbroker.adapters.wiring.IntrospectionWiring;
import io.tokenbroker.adapters.wiring.KeyRotationWiring;
import io.tokenbroker.adapters.wiring.RevocationWiring;
import io.tokenbroker.adapters.wiring.TokenWiring;
import io.tokenbroker.clients.Client;
import io.tokenbroker.clients.ClientAdmin;
import io.tokenbroker.clients.ClientJson;
import io.tokenbroker.config.BrokerConfig;
import io.tokenbroker.config.DpopConfig;
import io.tokenbroker.config.Env;
import io.tokenbroker.config.FederationConfig;
import io.tokenbroker.config.LeakReportConfig;
import io.tokenbroker.config.RotationConfig;
import io.tokenbroker.config.TelemetryConfig;
import io.tokenbroker.devsupport.MotoServer;
import io.tokenbroker.federation.IssuerKeys;
import io.tokenbroker.functions.authorizer.AuthorizerWiring;
import io.tokenbroker.functions.authorizer.TokenAuthorizer;
import io.tokenbroker.functions.discovery.DiscoveryHandler;
import io.tokenbroker.functions.introspection.IntrospectionHandler;
import io.tokenbroker.functions.revocation.RevocationConfig;
import io.tokenbroker.functions.revocation.RevocationHandler;
import io.tokenbroker.functions.rotation.KeyRotationHandler;
import io.tokenbroker.functions.token.HoneytokenRoute;
import io.tokenbroker.functions.token.TokenHandler;
import io.tokenbroker.keys.KeyState;
import io.tokenbroker.keys.SigningKey;
import io.tokenbroker.leaks.ReporterKeys;
import io.tokenbroker.operator.OperatorPrincipals;
import io.tokenbroker.telemetry.Telemetry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The broker on one machine: starts moto (unless an AWS endpoint is given), provisions the tables
 * and a first signing key, and serves the real Lambda handlers on 127.0.0.1 behind an emulation of
 * API Gateway. {@link #close()} stops the server and the moto it started.
 */
public final class LocalBroker implements AutoCloseable {

  private final HttpServer server;
  private final MotoServer moto;
  private final ScheduledExecutorService schedule;
  private final ScheduledExecutorService detecting;
  private final LocalDetector detector;
  private final URI issuer;
  private final URI awsEndpoint;
  private final BrokerTables tables;
  private final SigningKey signingKey;
  private final Optional<Path> clientsFile;
  private final List<String> clientsFromFile;
  private final Optional<LocalTls> tls;

  private LocalBroker(
      HttpServer server,
      MotoServer moto,
      ScheduledExecutorService schedule,
      ScheduledExecutorService detecting,
      LocalDetector detector,
      URI issuer,
      URI awsEndpoint,
      BrokerTables tables,
      SigningKey signingKey,
      Optional<Path> clientsFile,
      List<String> clientsFromFile,
      Optional<LocalTls> tls) {
    this.tls = tls;
    this.server = server;
    this.moto = moto;
    this.schedule = schedule;
    this.detecting = detecting;
    this.detector = detector;
    this.issuer = issuer;
    this.awsEndpoint = awsEndpoint;
    this.tables = tables;
    this.signingKey = signingKey;
    this.clientsFile = clientsFile;
    this.clientsFromFile = clientsFromFile;
  }

  public static void main(String[] args) {
    LocalBroker broker = start(LocalBrokerOptions.parse(args, System.getenv()));
    Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "local-broker-shutdown"));
    System.out.println(broker.banner());
  }

  public static LocalBroker start(LocalBrokerOptions options) {
    MotoServer moto = options.awsEndpoint().isEmpty() ? MotoServer.start() : null;
    Optional<LocalTls> tls = Optional.empty();
    try {
      URI endpoint = moto != null ? moto.endpoint() : options.awsEndpoint().get();
      HttpServer server =
          HttpServer.create(
              new InetSocketAddress(InetAddress.getLoopbackAddress(), options.port()), 0);
      URI issuer = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
      if (options.https().isPresent()) {
        tls = Optional.of(LocalTls.listen(options.https().get()));
      }
      Optional<URI> mtlsBase =
          tls.map(t -> URI.create("https://127.0.0.1:" + t.server().getAddress().getPort()));
      BrokerTables tables = BrokerTables.withPrefix(options.tablePrefix());
      String region = System.getenv().getOrDefault("AWS_REGION", "us-east-1");
      Env env =
          environment(
              endpoint,
              region,
              issuer,
              tables,
              moto != null,
              mtlsBase,
              options.https().flatMap(LocalBrokerOptions.Https::tlsClientAuthCas));
      if (options.dpopNonces()) {
        // The stack's HMAC key for DPoP nonces (DPOP_NONCES=required), made in the local KMS.
        env =
            env.with(
                Map.of(
                    "DPOP_NONCES",
                    "required",
                    "DPOP_NONCE_KEY_ID",
                    NonceKeyProvisioner.create(
                        AwsSettings.from(env, ClientTimeouts.background()), "local")));
      }
      if (options.tokenReuse().isPositive()) {
        // The token function's setting; its bounds are checked where the function reads it.
        env =
            env.with(
                Map.of("TOKEN_REUSE_SECONDS", Long.toString(options.tokenReuse().toSeconds())));
      }

      // Background work (provisioning, rotation) and requests each share one set of adapters.
      BrokerAdapters background = BrokerAdapters.from(env, ClientTimeouts.background());
      List<Client> fromFile = clientsFromFile(options.clientsFile());
      DynamoDbKeyRepository keys = provision(background, tables, issuer, fromFile);
      // The rotation function's schedule: its first run bootstraps the first key.
      KeyRotationHandler rotation =
          new KeyRotationHandler(
              new KeyRotationWiring(
                      background,
                      tables.keys(),
                      tables.revocations(),
                      RotationConfig.from(env),
                      Clock.systemUTC(),
                      telemetry(options.logFormat(), "key-rotation"))
                  .rotation());
      invoke(rotation);
      SigningKey key =
          keys.findAll().stream()
              .filter(k -> k.state() == KeyState.ACTIVE)
              .findFirst()
              .orElseThrow();
      ScheduledExecutorService schedule = Executors.newSingleThreadScheduledExecutor();
      schedule.scheduleWithFixedDelay(() -> invoke(rotation), 1, 1, TimeUnit.MINUTES);
      // The anomaly detector, fed from moto's stream of the issuances table and from the token and
      // authorizer functions' lines (README, Anomaly detection: the local equivalent).
      LocalDetector detector =
          new LocalDetector(env, tables, telemetry(options.logFormat(), "anomaly-detector"));
      ScheduledExecutorService detecting = Executors.newSingleThreadScheduledExecutor();
      detecting.scheduleWithFixedDelay(detector::poll, 200, 200, TimeUnit.MILLISECONDS);
      var sigV4 =
          new SigV4Verifier(
              List.of(LocalDemo.IDENTITY, LocalDemo.OPERATOR), region, Clock.systemUTC());
      OperatorPrincipals operators = RevocationConfig.from(env).operators();
      ApiGatewayEmulator gateway =
          new ApiGatewayEmulator(
              routes(
                  env,
                  tables,
                  operators,
                  options.logFormat(),
                  options.outsideIssuerCerts(),
                  options.leakReporter(),
                  detector),
              sigV4,
              // As template.yaml: no authorizer cache with mutual TLS (it is keyed by the token
              // alone, so a cached Allow would ignore the certificate of a bound token).
              authorizer(
                  env,
                  issuer,
                  tls.isPresent() ? Duration.ZERO : options.authorizerCacheTtl(),
                  options.logFormat(),
                  detector),
              // As the template's resource policy: operators only on every /admin/ route.
              new ApiGatewayEmulator.OperatorsOnly("POST", "/admin/*", operators));
      server.createContext("/", gateway);
      server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
      server.start();
      // The same API on its mutual TLS domain: one stage behind two endpoints, as in AWS.
      tls.ifPresent(
          t -> {
            t.server().createContext("/", gateway);
            t.server().setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            t.server().start();
          });
      return new LocalBroker(
          server,
          moto,
          schedule,
          detecting,
          detector,
          issuer,
          endpoint,
          tables,
          key,
          options.clientsFile(),
          fromFile.stream().map(Client::clientId).toList(),
          tls);
    } catch (IOException e) {
      tls.ifPresent(LocalTls::close);
      closeQuietly(moto);
      throw new UncheckedIOException("cannot listen on 127.0.0.1:" + options.port(), e);
    } catch (RuntimeException e) {
      tls.ifPresent(LocalTls::close);
      closeQuietly(moto);
      throw e;
    }
  }

  /**
   * The routes API Gateway serves in the deployed stack, each with its real handler, wired as in
   * Lambda; the four functions share one set of adapters here, as one process.
   */
  private static List<Route> routes(
      Env env,
      BrokerTables tables,
      OperatorPrincipals operators,
      LocalBrokerOptions.LogFormat logFormat,
      Optional<Path> outsideIssuerCerts,
      Optional<LocalBrokerOptions.LeakReporter> leakReporter,
      LocalDetector detector) {
    BrokerAdapters adapters = BrokerAdapters.from(env, ClientTimeouts.requestPath());
    BrokerConfig config = BrokerConfig.from(env);
    Clock clock = Clock.systemUTC();
    Telemetry tokenTelemetry = detector.tap("token", telemetry(logFormat, "token"));
    FederationConfig federation = FederationConfig.from(env);
    // As in Lambda unless told to trust issuers served on this machine (local development).
    IssuerKeys issuerKeys =
        outsideIssuerCerts
            .<IssuerKeys>map(
                pem ->
                    RemoteIssuerKeys.forLocalDevelopment(
                        federation, clock, tokenTelemetry, OutsideIssuerTrust.context(pem)))
            .orElseGet(() -> RemoteIssuerKeys.from(federation, clock, tokenTelemetry));
    var discoveryWiring =
        new DiscoveryWiring(adapters, config, tables, clock, telemetry(logFormat, "discovery"));
    var tokenWiring =
        new TokenWiring(
            adapters,
            config,
            tables,
            clock,
            new RenewableRandom(),
            tokenTelemetry,
            DpopConfig.from(env),
            issuerKeys);
    Telemetry revocationTelemetry = detector.tap("revocation", telemetry(logFormat, "revocation"));
    // As in Lambda (LEAK_REPORTER_KEYS_URL, public addresses, the JDK's CAs) unless a reporter on
    // this machine is named with its certificate (the test secret scanner).
    LeakReportConfig leakConfig =
        LeakReportConfig.from(
            leakReporter
                .map(r -> env.with(Map.of("LEAK_REPORTER_KEYS_URL", r.keysUrl().toString())))
                .orElse(env));
    ReporterKeys reporterKeys =
        leakReporter
            .flatMap(LocalBrokerOptions.LeakReporter::trustCerts)
            .<ReporterKeys>map(
                pem ->
                    RemoteReporterKeys.forLocalDevelopment(
                        leakConfig, clock, revocationTelemetry, OutsideIssuerTrust.context(pem)))
            .orElseGet(() -> RemoteReporterKeys.from(leakConfig, clock, revocationTelemetry));
    var revocationWiring =
        new RevocationWiring(adapters, config, tables, clock, revocationTelemetry, reporterKeys);
    var introspectionWiring =
        new IntrospectionWiring(
            adapters,
            config,
            tables,
            clock,
            detector.tap("introspection", telemetry(logFormat, "introspection")));
    var discovery =
        new DiscoveryHandler(discoveryWiring.discovery(), discoveryWiring.handlerTelemetry());
    var token =
        new TokenHandler(
            tokenWiring.clientAuthentication(),
            tokenWiring.tokens(),
            tokenWiring.refreshes(),
            tokenWiring.exchanges(),
            tokenWiring.dpop(),
            tokenWiring.handlerTelemetry(),
            Optional.of(
                new HoneytokenRoute(
                    tokenWiring.honeytokens(), tokenWiring.operatorAudit(), operators)));
    var revocation =
        new RevocationHandler(
            revocationWiring.clientAuthentication(),
            revocationWiring.revocations(),
            revocationWiring.operatorRevocations(),
            revocationWiring.operatorAudit(),
            operators,
            revocationWiring.handlerTelemetry(),
            new RevocationHandler.LeakRoutes(
                revocationWiring.leakReports(), revocationWiring.reportSignature()));
    var introspection =
        new IntrospectionHandler(
            introspectionWiring.clientAuthentication(),
            introspectionWiring.introspection(),
            introspectionWiring.handlerTelemetry());
    return List.of(
        new Route("POST", "/token", "token", token, Route.Access.NONE),
        new Route("POST", "/token/iam", "token", token, Route.Access.AWS_IAM),
        new Route("POST", "/revoke", "revocation", revocation, Route.Access.NONE),
        new Route("POST", "/revoke/iam", "revocation", revocation, Route.Access.AWS_IAM),
        new Route("POST", "/admin/revocations", "revocation", revocation, Route.Access.AWS_IAM),
        new Route("POST", "/leaks/github", "revocation", revocation, Route.Access.NONE),
        new Route("POST", "/admin/leaks", "revocation", revocation, Route.Access.AWS_IAM),
        new Route("POST", "/admin/honeytokens", "token", token, Route.Access.AWS_IAM),
        new Route("POST", "/introspect", "introspection", introspection, Route.Access.NONE),
        new Route("POST", "/introspect/iam", "introspection", introspection, Route.Access.AWS_IAM),
        new Route("GET", "/.well-known/jwks.json", "discovery", discovery, Route.Access.NONE),
        new Route(
            "GET",
            "/.well-known/oauth-authorization-server",
            "discovery",
            discovery,
            Route.Access.NONE),
        new Route(
            "GET", "/.well-known/openid-configuration", "discovery", discovery, Route.Access.NONE),
        new Route("*", "/demo/{proxy+}", "demo", new DemoApiHandler(), Route.Access.AUTHORIZER));
  }

  /**
   * The authorizer in front of the demo API, configured as a team protecting its own API would: its
   * audience, its route map, the broker's issuer, key table and revocations.
   */
  private static LambdaAuthorizerEmulator authorizer(
      Env env,
      URI issuer,
      Duration cacheTtl,
      LocalBrokerOptions.LogFormat logFormat,
      LocalDetector detector) {
    Env authorizerEnv =
        env.with(
            Map.of(
                "AUDIENCE",
                LocalDemo.audience(issuer),
                "ROUTE_SCOPES",
                LocalDemo.ROUTE_SCOPES,
                // As template.yaml tells it: DPoP-bound tokens only without the result cache.
                "AUTHORIZER_RESULT_TTL_SECONDS",
                Long.toString(cacheTtl.toSeconds())));
    var wiring =
        AuthorizerWiring.fromEnvironment(
            authorizerEnv,
            Clock.systemUTC(),
            detector.tap("authorizer", telemetry(logFormat, "authorizer")));
    return new LambdaAuthorizerEmulator(
        new TokenAuthorizer(
            wiring.verifier(),
            wiring.dpop(),
            wiring.config().routes(),
            wiring.handlerTelemetry(),
            wiring.config().seesEveryRequest()),
        cacheTtl,
        Clock.systemUTC());
  }

  /** What the functions' environment would hold in AWS, pointing at the local endpoint. */
  private static Env environment(
      URI endpoint,
      String region,
      URI issuer,
      BrokerTables tables,
      boolean ownMoto,
      Optional<URI> mtlsBase,
      Optional<Path> tlsClientAuthCas) {
    Map<String, String> vars = new HashMap<>(tables.environment());
    vars.put("AWS_ENDPOINT_URL", endpoint.toString());
    vars.put("AWS_REGION", region);
    if (ownMoto || System.getenv("AWS_ACCESS_KEY_ID") == null) {
      vars.put("AWS_ACCESS_KEY_ID", "test");
      vars.put("AWS_SECRET_ACCESS_KEY", "test");
    } else {
      vars.put("AWS_ACCESS_KEY_ID", System.getenv("AWS_ACCESS_KEY_ID"));
      vars.put("AWS_SECRET_ACCESS_KEY", System.getenv().getOrDefault("AWS_SECRET_ACCESS_KEY", ""));
      if (System.getenv("AWS_SESSION_TOKEN") != null) {
        vars.put("AWS_SESSION_TOKEN", System.getenv("AWS_SESSION_TOKEN"));
      }
    }
    vars.put("ISSUER", issuer.toString());
    vars.put("BROKER_NAME", "local");
    vars.put("OPERATOR_PRINCIPAL_ARNS", LocalDemo.OPERATOR_ROLE);
    vars.put("PUBLISHED_SCOPES", LocalDemo.PUBLISHED_SCOPES);
    mtlsBase.ifPresent(base -> vars.put("MTLS_BASE_URL", base.toString()));
    tlsClientAuthCas.ifPresent(
        file -> {
          try {
            vars.put("TLS_CLIENT_AUTH_CA_CERTS", Files.readString(file));
          } catch (IOException e) {
            throw new UncheckedIOException("cannot read tls_client_auth CAs " + file, e);
          }
        });
    return Env.of(vars);
  }

  /**
   * Tables and a first signing key, as the stack and the first rotation run provide in AWS; the
   * demo client and any clients from the file, as an operator would register them.
   */
  private static DynamoDbKeyRepository provision(
      BrokerAdapters adapters, BrokerTables tables, URI issuer, List<Client> fromFile) {
    new BrokerProvisioner(adapters.dynamoDb()).createTables(tables);
    var clients = new ClientAdmin(adapters.clients(tables.clients()));
    clients.put(LocalDemo.client(issuer));
    fromFile.forEach(clients::put);
    return adapters.keys(tables.keys());
  }

  /** The clients in BROKER_CLIENTS_FILE, read and validated before anything starts. */
  private static List<Client> clientsFromFile(Optional<Path> clientsFile) {
    if (clientsFile.isEmpty()) {
      return List.of();
    }
    try {
      return List.copyOf(ClientJson.parseAll(Files.readString(clientsFile.get())));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read clients file " + clientsFile.get(), e);
    }
  }

  /** A function's log lines on stdout, in the format the options ask for. */
  private static Telemetry telemetry(LocalBrokerOptions.LogFormat format, String function) {
    // The stack is "local", as BROKER_NAME above; AWS_LAMBDA_LOG_LEVEL=DEBUG shows DEBUG lines.
    TelemetryConfig config =
        new TelemetryConfig(Optional.of("local"), TelemetryConfig.from(Env.system()).level());
    return switch (format) {
      case TEXT ->
          new TextLinesTelemetry(System.out, Clock.systemDefaultZone(), function, config.level());
      case JSON -> new JsonLinesTelemetry(System.out, Clock.systemUTC(), function, config);
    };
  }

  public URI issuer() {
    return issuer;
  }

  /** The security alerts the local anomaly detector raised (they are in the log as well). */
  public List<io.tokenbroker.alerts.SecurityAlert> securityAlerts() {
    return detector.alerts();
  }

  public URI awsEndpoint() {
    return awsEndpoint;
  }

  public BrokerTables tables() {
    return tables;
  }

  public SigningKey signingKey() {
    return signingKey;
  }

  /** The HTTPS (mutual TLS) base URL, if the HTTPS listener is on. */
  public Optional<URI> mtlsBaseUrl() {
    return tls.map(t -> URI.create("https://127.0.0.1:" + t.server().getAddress().getPort()));
  }

  /** The HTTPS listener's certificate (generated at start), for clients to trust. */
  public Optional<java.security.cert.X509Certificate> httpsCertificate() {
    return tls.map(LocalTls::certificate);
  }

  /** Whether this broker started (and will stop) its own moto. */
  public boolean startedMoto() {
    return moto != null;
  }

  String banner() {
    String base = issuer.toString();
    return """

    token-broker is running locally
      issuer / base URL  %1$s
      AWS endpoint       %2$s%3$s
      tables             %4$s*
      signing key        %5$s (%6$s, in KMS)
      demo API audience  %12$s (the aud a token for /demo must carry)
      clients            %13$s
                         %14$s

    Discovery:
      curl -s %1$s/.well-known/jwks.json
      curl -s %1$s/.well-known/openid-configuration

    A token as the demo workload (IAM role local-workload; SigV4-signed like API Gateway's AWS_IAM):
      curl -s --aws-sigv4 "aws:amz:us-east-1:execute-api" --user "%7$s:%8$s" \\
        -d grant_type=client_credentials -d scope=demo:read %1$s/token/iam

    The demo API behind the authorizer (GET needs demo:read, POST demo:write):
      curl -si -H "Authorization: Bearer <access_token>" %1$s/demo/hello

    Operators only (role local-operator; the demo workload is refused here, as in AWS):
      curl -s --aws-sigv4 "aws:amz:us-east-1:execute-api" --user "%10$s:%11$s" \\
        -d jti=<jti> %1$s/admin/revocations

    Your own clients (private_key_jwt): register them with brokerctl (README, "Clients"):
      brokerctl/brokerctl --endpoint-url %2$s --table-prefix %4$s clients list
    %15$sCtrl-C stops the server%9$s.
    """
        .formatted(
            base,
            awsEndpoint,
            moto != null ? " (moto, started by this server)" : "",
            tables.keys().substring(0, tables.keys().length() - "keys".length()),
            signingKey.kid(),
            signingKey.algorithm(),
            LocalDemo.IDENTITY.accessKeyId(),
            LocalDemo.IDENTITY.secretAccessKey(),
            moto != null ? " and moto" : "",
            LocalDemo.OPERATOR.accessKeyId(),
            LocalDemo.OPERATOR.secretAccessKey(),
            LocalDemo.audience(issuer),
            registeredClients(),
            moto != null
                ? "held by the moto above, in memory: gone when this server stops"
                    + " (BROKER_CLIENTS_FILE registers them again at each start)"
                : "held by the AWS endpoint above, as long as it keeps its tables",
            tls.map(LocalBroker::httpsBanner).orElse(""));
  }

  private static String httpsBanner(LocalTls tls) {
    return """
    Mutual TLS (RFC 8705), as API Gateway's custom domain: https://127.0.0.1:%1$d
      server certificate %2$s (generated at start: curl --cacert it)
      curl -s --cacert %2$s --cert client.pem --key client-key.pem \\
        -d grant_type=client_credentials -d client_id=<id> https://127.0.0.1:%1$d/token

    """
        .formatted(tls.server().getAddress().getPort(), tls.certificateFile());
  }

  /** The clients this server registered at start, and where they came from. */
  private String registeredClients() {
    String demo = LocalDemo.CLIENT_ID + " (demo workload, IAM role local-workload)";
    return clientsFile
        .map(
            file ->
                demo
                    + "; from "
                    + file
                    + ": "
                    + (clientsFromFile.isEmpty() ? "none" : String.join(", ", clientsFromFile)))
        .orElse(demo);
  }

  /** One scheduled key-lifecycle run; its failures are logged by the handler and retried. */
  private static void invoke(KeyRotationHandler rotation) {
    try {
      rotation.handleRequest(
          new java.io.ByteArrayInputStream("{}".getBytes(java.nio.charset.StandardCharsets.UTF_8)),
          java.io.OutputStream.nullOutputStream(),
          new LocalLambdaContext(java.util.UUID.randomUUID().toString(), "key-rotation"));
    } catch (IOException | RuntimeException e) {
      System.err.println("key rotation run failed: " + e.getClass().getSimpleName());
    }
  }

  @Override
  public void close() {
    schedule.shutdownNow();
    detecting.shutdownNow();
    server.stop(0);
    tls.ifPresent(LocalTls::close);
    closeQuietly(moto);
  }

  private static void closeQuietly(MotoServer moto) {
    if (moto != null) {
      moto.close();
    }
  }
}
