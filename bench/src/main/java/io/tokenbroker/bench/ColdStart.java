package io.tokenbroker.bench;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.tokenbroker.adapters.aws.AwsClients;
import io.tokenbroker.adapters.aws.AwsSettings;
import io.tokenbroker.adapters.aws.ClientTimeouts;
import io.tokenbroker.adapters.dynamodb.BrokerTables;
import io.tokenbroker.adapters.dynamodb.DynamoDbClientRepository;
import io.tokenbroker.adapters.dynamodb.DynamoDbIssuanceRepository;
import io.tokenbroker.adapters.dynamodb.DynamoDbKeyRepository;
import io.tokenbroker.adapters.dynamodb.DynamoDbRefreshTokenStore;
import io.tokenbroker.adapters.kms.KmsKeySigner;
import io.tokenbroker.adapters.provisioning.BrokerProvisioner;
import io.tokenbroker.adapters.wiring.KeyRotationWiring;
import io.tokenbroker.bench.child.ColdStartChild;
import io.tokenbroker.config.Env;
import io.tokenbroker.devsupport.MotoServer;
import io.tokenbroker.discovery.BrokerEndpoints;
import io.tokenbroker.keys.PublishedKeys;
import io.tokenbroker.oauth.TokenService;
import io.tokenbroker.testing.EventFiles;
import io.tokenbroker.testing.TestKeys;
import io.tokenbroker.tokens.AccessTokenMinter;
import io.tokenbroker.tokens.RequestOrigin;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.function.Predicate;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * Cold starts, measured: every run is a fresh JVM ({@link ColdStartChild}) on a function's Lambda
 * zip (unzipped; classpath {@code <root>:<root>/lib/*}, as Lambda lays it out), which constructs
 * the handler with its no-arg constructor from environment variables pointing at moto and serves
 * its first event from {@code events/}; the time is the whole process, start to exit, taken here.
 *
 * <p>Two baselines run in the same harness, alternating with the functions (A B C A B C ...): a
 * hello-world RequestStreamHandler, and a reference handler doing one DynamoDB GetItem with AWS SDK
 * v2 set up as AWS's Lambda guidance says. Each subject also gets one untimed warm-up run per JVM
 * configuration (file cache, moto's own first calls) and one untimed run with {@code
 * -Xlog:class+load} to count loaded classes.
 *
 * <p>moto is started here ({@link MotoServer}) and provisioned with the project's own code: tables
 * ({@link BrokerProvisioner}), an ACTIVE KMS signing key ({@link KeyBootstrap}), the clients of the
 * sample events ({@link DynamoDbClientRepository}).
 *
 * <p>Options: {@code --runs N} (timed runs per subject and configuration, default 10), {@code
 * --modes default,lambda}, {@code --subjects hello,reference,discovery,token-iam,token-jwt,
 * authorizer}, {@code --alg RS256|ES256} (the broker's signing key), {@code --before DIR} (each
 * function subject also from an earlier build's zip, {@code DIR/<zip name>-before.zip}, in the same
 * rounds: before and after against the same reference). Results: Markdown and CSV under {@code
 * bench/target/coldstart/}.
 */
public final class ColdStart {

  /** A JVM configuration. */
  record Mode(String name, List<String> flags) {}

  /** What one subject runs and how its answer is recognised as a success. */
  record Subject(
      String name,
      Path zip,
      String handler,
      Map<String, String> environment,
      IntFunction<byte[]> event,
      Predicate<String> succeeded) {}

  /** One timed run. */
  record Run(
      String subject,
      String mode,
      double totalMs,
      double initMs,
      double invokeMs,
      long hwmKb,
      double cpuMs) {}

  /** Classes one run loaded: all, from the JDK's CDS archive, and from the function's jars. */
  record ClassCount(int total, int sharedArchive, int application) {}

  static final Map<String, Mode> MODES =
      Map.of(
          "default",
          new Mode("default", List.of()),
          "lambda",
          new Mode("lambda", List.of("-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1")));

  private static final String REFERENCE_TABLE = "bench-reference";
  private static final String REFERENCE_KEY = "item-1";

  private final Path root;
  private final Path work;
  private final Path runner;
  private final Path java = Path.of(System.getProperty("java.home"), "bin", "java");

  private ColdStart(Path root) throws IOException {
    this.root = root;
    this.work = root.resolve("bench/target/coldstart");
    deleteRecursively(work);
    Files.createDirectories(work.resolve("events"));
    Files.createDirectories(work.resolve("logs"));
    this.runner = extractRunner();
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options = options(args);
    int runs = Integer.parseInt(options.getOrDefault("runs", "10"));
    List<Mode> modes =
        Stream.of(options.getOrDefault("modes", "default,lambda").split(","))
            .map(m -> requireNonNull(MODES.get(m.strip()), "--modes takes default and/or lambda"))
            .toList();
    List<String> wanted =
        List.of(
            options
                .getOrDefault(
                    "subjects", "hello,reference,discovery,token-iam,token-jwt,authorizer")
                .split(","));
    // Every ratio, and issue 13's verdicts, are against the reference handler's cold start.
    if (!wanted.contains("reference")) {
      throw new IllegalArgumentException(
          "--subjects must include reference: every ratio and target is measured against it");
    }
    JWSAlgorithm alg = JWSAlgorithm.parse(options.getOrDefault("alg", "RS256"));

    Path before = options.containsKey("before") ? Path.of(options.get("before")) : null;

    ColdStart harness = new ColdStart(EventFiles.projectRoot());
    try (MotoServer moto = MotoServer.start()) {
      List<Subject> subjects = new ArrayList<>();
      for (Subject subject : harness.subjects(moto.endpoint(), alg)) {
        if (!wanted.contains(subject.name())) {
          continue;
        }
        subjects.add(subject);
        if (before != null && subject.zip().startsWith(harness.root.resolve("functions"))) {
          subjects.add(beforeOf(subject, before));
        }
      }
      String report = harness.measure(subjects, modes, runs);
      Files.writeString(harness.work.resolve("results.md"), report);
      System.out.println(report);
      System.out.println("(written to " + harness.work.resolve("results.md") + ")");
    }
  }

  /**
   * The same subject on an earlier build's artifact: {@code <dir>/<zip name>-before.zip} (copied
   * there from that build's {@code functions/<name>/target/}), run in the same rounds, against the
   * same moto and baselines.
   */
  private static Subject beforeOf(Subject subject, Path dir) {
    String zip = subject.zip().getFileName().toString();
    Path earlier = dir.resolve(zip.substring(0, zip.length() - ".zip".length()) + "-before.zip");
    return new Subject(
        subject.name() + "-before",
        earlier,
        subject.handler(),
        subject.environment(),
        subject.event(),
        subject.succeeded());
  }

  /** Provisions moto as the functions expect it and describes every subject. */
  private List<Subject> subjects(URI endpoint, JWSAlgorithm alg) throws IOException {
    Map<String, String> aws =
        Map.of(
            "AWS_REGION", "us-east-1",
            "AWS_ENDPOINT_URL", endpoint.toString(),
            "AWS_ACCESS_KEY_ID", "test",
            "AWS_SECRET_ACCESS_KEY", "test");
    AwsSettings settings = AwsSettings.from(Env.of(aws), ClientTimeouts.background());
    DynamoDbClient dynamoDb = AwsClients.dynamoDb(settings);
    KmsClient kms = AwsClients.kms(settings);
    BrokerTables tables = BrokerTables.withPrefix("bench-");
    new BrokerProvisioner(dynamoDb).createTables(tables);
    var keyTable = new DynamoDbKeyRepository(dynamoDb, tables.keys());
    // The rotation function's first run: one ACTIVE key in KMS, recorded in the key table.
    KeyRotationWiring.fromEnvironment(
            Env.of(aws)
                .with(tables.environment())
                .with(Map.of("BROKER_NAME", "bench", "SIGNING_ALGORITHM", alg.getName())),
            Clock.systemUTC(),
            BenchFixtures.telemetry("rotation"))
        .rotation()
        .rotate(false);
    ECKey workloadKey = (ECKey) TestKeys.generate(JWSAlgorithm.ES256);
    var clients = new DynamoDbClientRepository(dynamoDb, tables.clients());
    clients.save(BenchFixtures.iamClient(), 0);
    clients.save(BenchFixtures.keyClient("workload", workloadKey), 0);
    createReferenceTable(dynamoDb);

    // Tokens for the authorizer, minted by the broker's own service with a KMS signature.
    TokenService tokens =
        new TokenService(
            new AccessTokenMinter(
                new PublishedKeys(keyTable, Clock.systemUTC(), Duration.ofMinutes(5)),
                new KmsKeySigner(kms),
                new BrokerEndpoints(URI.create(BenchFixtures.ISSUER)),
                Clock.systemUTC(),
                new SecureRandom()),
            new DynamoDbIssuanceRepository(dynamoDb, tables.issuances()),
            new DynamoDbRefreshTokenStore(
                dynamoDb, tables.refreshTokens(), tables.issuances(), tables.revocations()),
            Duration.ofMinutes(15),
            Duration.ofDays(1),
            new SecureRandom(),
            BenchFixtures.telemetry("bench"));

    Map<String, String> broker = new HashMap<>(aws);
    broker.put("ISSUER", BenchFixtures.ISSUER);
    Map<String, String> discovery = new HashMap<>(broker);
    discovery.put("KEYS_TABLE", tables.keys());
    Map<String, String> token = new HashMap<>(broker);
    token.putAll(tables.environment());
    Map<String, String> authorizer = new HashMap<>(broker);
    authorizer.put("AUDIENCE", BenchFixtures.AUDIENCE);
    authorizer.put("ROUTE_SCOPES", BenchFixtures.ROUTES);
    authorizer.put("KEYS_TABLE", tables.keys());
    authorizer.put("REVOCATIONS_TABLE", tables.revocations());
    Map<String, String> reference = new HashMap<>(aws);
    reference.put("REFERENCE_TABLE", REFERENCE_TABLE);
    reference.put("REFERENCE_KEY", REFERENCE_KEY);

    byte[] jwks = eventFile("discovery/get-jwks.json");
    byte[] iam = eventFile("token/client-credentials-iam.json");
    Predicate<String> issued = r -> r.contains("\"statusCode\":200") && r.contains("access_token");
    return List.of(
        new Subject(
            "hello",
            root.resolve("bench/target/hello-function.zip"),
            "io.tokenbroker.bench.baseline.HelloHandler",
            aws,
            n -> jwks,
            r -> r.contains("hello")),
        new Subject(
            "reference",
            root.resolve("bench/target/reference-function.zip"),
            "io.tokenbroker.bench.baseline.ReferenceHandler",
            reference,
            n -> jwks,
            r -> r.contains("\"value\":\"hello\"")),
        new Subject(
            "discovery",
            root.resolve("functions/discovery/target/discovery-function.zip"),
            "io.tokenbroker.functions.discovery.DiscoveryHandler",
            discovery,
            n -> jwks,
            r -> r.contains("\"statusCode\":200") && r.contains("\\\"keys\\\"")),
        new Subject(
            "token-iam",
            root.resolve("functions/token/target/token-function.zip"),
            "io.tokenbroker.functions.token.TokenHandler",
            token,
            n -> iam,
            issued),
        new Subject(
            "token-jwt",
            root.resolve("functions/token/target/token-function.zip"),
            "io.tokenbroker.functions.token.TokenHandler",
            token,
            n -> privateKeyJwtEvent(workloadKey),
            issued),
        new Subject(
            "authorizer",
            root.resolve("functions/authorizer/target/authorizer-function.zip"),
            "io.tokenbroker.functions.authorizer.TokenAuthorizer",
            authorizer,
            n ->
                BenchFixtures.authorizerEvent(
                    tokens
                        .issue(
                            BenchFixtures.iamCaller(),
                            BenchFixtures.tokenRequest(Duration.ofMinutes(15)),
                            new RequestOrigin("203.0.113.10", "bench"))
                        .accessToken()),
            r -> r.contains("\"Effect\":\"Allow\"")));
  }

  private String measure(List<Subject> subjects, List<Mode> modes, int runs) throws Exception {
    for (Subject subject : subjects) {
      if (!Files.isRegularFile(subject.zip()) && subject.name().endsWith("-before")) {
        throw new IllegalStateException(
            subject.zip()
                + " is missing: copy the earlier build's functions/*/target/*.zip there, each"
                + " renamed to <name>-before.zip (--before DIR)");
      }
      if (!Files.isRegularFile(subject.zip())) {
        throw new IllegalStateException(
            subject.zip() + " is missing: build first (mvn -q package -pl bench -am -DskipTests)");
      }
      unzip(subject.zip(), directory(subject));
    }
    String loadBefore = RunBenchmarks.loadAverage();
    Map<String, ClassCount> classes = new LinkedHashMap<>();
    for (Mode mode : modes) {
      for (Subject subject : subjects) {
        run(subject, mode, 0, List.of()); // warm-up: file cache, moto's first call of each kind
        Path log = work.resolve("logs/classes-" + subject.name() + "-" + mode.name() + ".log");
        run(subject, mode, 0, List.of("-Xlog:class+load=info:file=" + log));
        classes.put(subject.name() + "/" + mode.name(), countClasses(log));
      }
    }
    List<Run> results = new ArrayList<>();
    StringBuilder csv =
        new StringBuilder("subject,mode,round,total_ms,init_ms,invoke_ms,vmhwm_kb,cpu_ms\n");
    for (int round = 1; round <= runs; round++) {
      for (Mode mode : modes) {
        for (Subject subject : subjects) {
          Run run = run(subject, mode, round, List.of());
          results.add(run);
          csv.append(
              String.format(
                  Locale.ROOT,
                  "%s,%s,%d,%.1f,%.1f,%.1f,%d,%.0f%n",
                  run.subject(),
                  run.mode(),
                  round,
                  run.totalMs(),
                  run.initMs(),
                  run.invokeMs(),
                  run.hwmKb(),
                  run.cpuMs()));
        }
      }
      System.err.printf("round %d/%d done%n", round, runs);
    }
    Files.writeString(work.resolve("runs.csv"), csv);
    return report(subjects, modes, runs, results, classes, loadBefore);
  }

  private Run run(Subject subject, Mode mode, int round, List<String> extraFlags)
      throws IOException, InterruptedException {
    String id = subject.name() + "-" + mode.name() + "-" + round;
    Path event = work.resolve("events/" + id + ".json");
    Files.write(event, subject.event().apply(round));
    Path response = work.resolve("logs/response-" + subject.name() + ".json");
    Path result = work.resolve("logs/result-" + subject.name() + ".txt");
    Files.deleteIfExists(response);
    Files.deleteIfExists(result);
    Path dir = directory(subject);
    List<String> command = new ArrayList<>();
    command.add(java.toString());
    command.addAll(mode.flags());
    command.addAll(extraFlags);
    command.addAll(
        List.of(
            "-cp",
            dir + ":" + dir.resolve("lib") + "/*:" + runner,
            ColdStartChild.class.getName(),
            subject.handler(),
            event.toString(),
            response.toString(),
            result.toString()));
    ProcessBuilder builder = new ProcessBuilder(command);
    // Only what Lambda would set for the function: no JAVA_TOOL_OPTIONS, no AWS profile settings.
    builder.environment().clear();
    builder.environment().putAll(subject.environment());
    Path stdout = work.resolve("logs/" + subject.name() + ".out");
    Path stderr = work.resolve("logs/" + subject.name() + ".err");
    builder.redirectOutput(stdout.toFile()).redirectError(stderr.toFile());

    long start = System.nanoTime();
    Process process = builder.start();
    boolean exited = process.waitFor(120, TimeUnit.SECONDS);
    long end = System.nanoTime();
    if (!exited) {
      process.destroyForcibly();
      throw new IllegalStateException(id + " did not finish in 120 s");
    }
    String answer = Files.exists(response) ? Files.readString(response) : "";
    if (process.exitValue() != 0 || !Files.exists(result) || !subject.succeeded().test(answer)) {
      throw new IllegalStateException(
          id
              + " failed (exit "
              + process.exitValue()
              + "): "
              + (Files.exists(result) ? Files.readString(result) : "no result")
              + "\nresponse: "
              + answer
              + "\nstderr: "
              + Files.readString(stderr)
              + "\nstdout: "
              + Files.readString(stdout));
    }
    String[] fields = Files.readString(result).strip().split(" ");
    return new Run(
        subject.name(),
        mode.name(),
        (end - start) / 1e6,
        Long.parseLong(fields[0]) / 1e6,
        Long.parseLong(fields[1]) / 1e6,
        Long.parseLong(fields[2]),
        Long.parseLong(fields[3]));
  }

  private String report(
      List<Subject> subjects,
      List<Mode> modes,
      int runs,
      List<Run> results,
      Map<String, ClassCount> classes,
      String loadBefore)
      throws IOException {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "Cold starts: %d timed runs per subject and JVM configuration, alternating; %s on %d"
                + " CPUs; load average before %s, after %s.%n",
            runs,
            Runtime.version(),
            Runtime.getRuntime().availableProcessors(),
            loadBefore,
            RunBenchmarks.loadAverage()));
    for (Mode mode : modes) {
      out.append("\n### JVM flags: ")
          .append(mode.flags().isEmpty() ? "none (default JIT)" : String.join(" ", mode.flags()))
          .append("\n\n");
      out.append(
          "| subject | process ms, median | min - max | p25 - p75 | init ms | first invoke ms"
              + " | x reference | x hello | target | CPU ms, median | CPU x reference |\n");
      out.append("|---|---:|---|---|---:|---:|---:|---:|---|---:|---:|\n");
      double referenceCpu = median(results, "reference", mode, Run::cpuMs);
      double reference = median(results, "reference", mode, Run::totalMs);
      double hello = median(results, "hello", mode, Run::totalMs);
      for (Subject subject : subjects) {
        List<Double> totals = values(results, subject.name(), mode, Run::totalMs);
        double median = percentile(totals, 50);
        // Issue 13's targets are for C1 only, as Lambda runs Java without SnapStart: authorizer
        // 1.15, token 1.3; in another mode there is no verdict to give.
        String target =
            !mode.name().equals("lambda")
                ? ""
                : switch (subject.name().replace("-before", "")) {
                  case "authorizer" -> verdict(median / reference, 1.15);
                  case "token-iam", "token-jwt" -> verdict(median / reference, 1.3);
                  case "discovery" -> verdict(median / reference, 2.0);
                  default -> "";
                };
        out.append(
            String.format(
                Locale.ROOT,
                "| %s | %.0f | %.0f - %.0f | %.0f - %.0f | %.0f | %.0f | %.2f | %.2f | %s | %.0f |"
                    + " %.2f |%n",
                subject.name(),
                median,
                totals.getFirst(),
                totals.getLast(),
                percentile(totals, 25),
                percentile(totals, 75),
                median(results, subject.name(), mode, Run::initMs),
                median(results, subject.name(), mode, Run::invokeMs),
                median / reference,
                median / hello,
                target,
                median(results, subject.name(), mode, Run::cpuMs),
                median(results, subject.name(), mode, Run::cpuMs) / referenceCpu));
      }
    }
    out.append(
        "\n### Artifacts, loaded classes, peak memory\n\n"
            + "| subject | zip MB | unzipped MB | jars | classes loaded (default / lambda flags) |"
            + " of which from the JDK's CDS archive | peak RSS MB, median (default / lambda"
            + " flags) |\n|---|---:|---:|---:|---|---|---|\n");
    for (Subject subject : subjects) {
      Path dir = directory(subject);
      out.append(
          String.format(
              Locale.ROOT,
              "| %s | %.2f | %.1f | %d | %s | %s | %s |%n",
              subject.name(),
              Files.size(subject.zip()) / 1e6,
              treeSize(dir) / 1e6,
              jarCount(dir),
              perMode(modes, m -> String.valueOf(classes.get(subject.name() + "/" + m).total())),
              perMode(
                  modes,
                  m -> String.valueOf(classes.get(subject.name() + "/" + m).sharedArchive())),
              perMode(
                  modes,
                  m ->
                      String.format(
                          Locale.ROOT,
                          "%.0f",
                          median(
                              results, subject.name(), MODES.get(m), r -> r.hwmKb() / 1024.0)))));
    }
    return out.toString();
  }

  private static String verdict(double ratio, double target) {
    return String.format(
        Locale.ROOT,
        "<= %.2f: %s",
        target,
        ratio <= target ? "met" : "missed by " + pct(ratio, target));
  }

  private static String pct(double ratio, double target) {
    return String.format(Locale.ROOT, "%.0f%%", (ratio / target - 1) * 100);
  }

  private static String perMode(List<Mode> modes, java.util.function.Function<String, String> f) {
    return String.join(" / ", modes.stream().map(m -> f.apply(m.name())).toList());
  }

  private static List<Double> values(
      List<Run> results,
      String subject,
      Mode mode,
      java.util.function.ToDoubleFunction<Run> value) {
    return results.stream()
        .filter(r -> r.subject().equals(subject) && r.mode().equals(mode.name()))
        .map(value::applyAsDouble)
        .sorted()
        .toList();
  }

  private static double median(
      List<Run> results,
      String subject,
      Mode mode,
      java.util.function.ToDoubleFunction<Run> value) {
    return percentile(values(results, subject, mode, value), 50);
  }

  /** Linear interpolation between closest ranks; {@code sorted} must be sorted. */
  static double percentile(List<Double> sorted, double p) {
    if (sorted.isEmpty()) {
      return Double.NaN;
    }
    double rank = p / 100 * (sorted.size() - 1);
    int low = (int) Math.floor(rank);
    int high = (int) Math.ceil(rank);
    return sorted.get(low) + (sorted.get(high) - sorted.get(low)) * (rank - low);
  }

  /** Counts the lines of a {@code -Xlog:class+load} log by where each class came from. */
  static ClassCount countClasses(Path log) throws IOException {
    int total = 0;
    int shared = 0;
    int application = 0;
    for (String line : Files.readAllLines(log)) {
      if (!line.contains("[class,load]")) {
        continue;
      }
      total++;
      if (line.contains("source: shared objects file")) {
        shared++;
      } else if (line.contains("source: file:") || line.contains("source: jar:")) {
        application++;
      }
    }
    return new ClassCount(total, shared, application);
  }

  private byte[] eventFile(String name) {
    return JSONObjectUtils.toJSONString(EventFiles.load(name)).getBytes(StandardCharsets.UTF_8);
  }

  /** The private_key_jwt sample event with a fresh assertion (each one works once). */
  private byte[] privateKeyJwtEvent(ECKey key) {
    Instant now = Instant.now();
    SignedJWT assertion =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(),
            new JWTClaimsSet.Builder()
                .issuer("workload")
                .subject("workload")
                .audience(BenchFixtures.ISSUER + "/token")
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(60)))
                .jwtID(UUID.randomUUID().toString())
                .build());
    try {
      assertion.sign(new ECDSASigner(key));
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
    Map<String, Object> event = EventFiles.load("token/client-credentials-private-key-jwt.json");
    event.put(
        "body",
        "grant_type=client_credentials&scope=orders%3Aread&audience="
            + URLEncoder.encode(BenchFixtures.AUDIENCE, StandardCharsets.UTF_8)
            + "&client_assertion_type="
            + URLEncoder.encode(
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer", StandardCharsets.UTF_8)
            + "&client_assertion="
            + assertion.serialize());
    return JSONObjectUtils.toJSONString(event).getBytes(StandardCharsets.UTF_8);
  }

  private static void createReferenceTable(DynamoDbClient dynamoDb) {
    dynamoDb.createTable(
        r ->
            r.tableName(REFERENCE_TABLE)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(a -> a.attributeName("pk").attributeType("S"))
                .keySchema(k -> k.attributeName("pk").keyType("HASH")));
    dynamoDb.putItem(
        r ->
            r.tableName(REFERENCE_TABLE)
                .item(
                    Map.of(
                        "pk", AttributeValue.fromS(REFERENCE_KEY),
                        "value", AttributeValue.fromS("hello"))));
  }

  private Path directory(Subject subject) {
    String zip = subject.zip().getFileName().toString();
    return work.resolve("unzipped").resolve(zip.substring(0, zip.length() - ".zip".length()));
  }

  /** The child's one class, alone on the classpath beside the function's. */
  private Path extractRunner() throws IOException {
    Path dir = work.resolve("runner");
    String resource = ColdStartChild.class.getName().replace('.', '/') + ".class";
    Path target = dir.resolve(resource);
    Files.createDirectories(target.getParent());
    try (InputStream in = ColdStart.class.getClassLoader().getResourceAsStream(resource)) {
      Files.copy(requireNonNull(in, "cannot find " + resource), target);
    }
    return dir;
  }

  private static void unzip(Path zip, Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    Files.createDirectories(dir);
    try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
      for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
        Path target = dir.resolve(entry.getName()).normalize();
        if (!target.startsWith(dir)) {
          throw new IOException("zip entry outside its folder: " + entry.getName());
        }
        if (entry.isDirectory()) {
          Files.createDirectories(target);
        } else {
          Files.createDirectories(target.getParent());
          Files.copy(in, target);
        }
      }
    }
  }

  private static long treeSize(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(ColdStart::size).sum();
    }
  }

  private static long jarCount(Path dir) throws IOException {
    Path lib = dir.resolve("lib");
    if (!Files.isDirectory(lib)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(lib)) {
      return files.filter(p -> p.toString().endsWith(".jar")).count();
    }
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static <T> T requireNonNull(T value, String message) {
    if (value == null) {
      throw new IllegalArgumentException(message);
    }
    return value;
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException(
            "usage: ColdStart [--runs N] [--modes default,lambda] [--subjects a,b,...]"
                + " [--alg RS256|ES256] [--before DIR]");
      }
      options.put(args[i].substring(2), args[++i]);
    }
    return options;
  }
}
