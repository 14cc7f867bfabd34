package io.tokenbroker.bench.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import io.tokenbroker.adapters.aws.AwsClients;
import io.tokenbroker.adapters.aws.AwsSettings;
import io.tokenbroker.adapters.aws.ClientTimeouts;
import io.tokenbroker.adapters.dynamodb.DynamoDbClientRepository;
import io.tokenbroker.clients.ClientAdmin;
import io.tokenbroker.clients.ClientJson;
import io.tokenbroker.config.Env;
import io.tokenbroker.json.Json;
import io.tokenbroker.local.DemoWorkload;
import io.tokenbroker.local.LocalBroker;
import io.tokenbroker.local.LocalBrokerOptions;
import io.tokenbroker.testing.ClientAssertions;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The simulation against the real local server over loopback HTTP. One worker first measures the
 * pieces: a mint's and a decision's latency, and every AWS call's time from the broker's own {@code
 * aws.call} lines (moto serves one request at a time, so these are its service times). Then {@value
 * #WORKERS} workers run a closed loop (mint with private_key_jwt, then {@value
 * #DECISIONS_PER_TOKEN} demo API calls with the token) for {@value #LOAD_SECONDS} s, and {@link
 * LocalSetupModel}, built from the one-worker pieces alone, predicts that run's throughput and
 * median latencies: they agree within {@link #TOLERANCE} ({@link #DECISION_MEDIAN_TOLERANCE} for
 * the decision median). Figures go to stdout as {@code SIM |} lines. Bounded: at most {@value
 * #PIECE_ROUNDS} rounds plus {@value #LOAD_SECONDS} s of load.
 */
class LocalCalibrationIT {

  private static final PrintStream STDOUT = System.out;
  private static final int WORKERS = 8;
  private static final int DECISIONS_PER_TOKEN = 4;
  private static final int PIECE_ROUNDS = 60;
  private static final int LOAD_SECONDS = 8;

  /**
   * Simulated / measured within this factor either way for the throughputs and the mint median.
   * Chosen from repeated runs on this 2-core machine shared with other builds (load average 4-12):
   * simulated / measured 0.93-1.16 for the throughputs and 0.98-1.23 for the mint median over the
   * final model's seven runs; not tuned to one run.
   */
  static final double TOLERANCE = 1.5;

  /**
   * The decision median's factor: a demo call's few milliseconds are partly waiting (thread
   * hand-offs, loopback) that the model takes as CPU shared with the machine's load, so its
   * decisions run fast when the machine is loaded and slow when it is not (the waiting is then
   * shared among the workers as if it were CPU): observed 0.51-0.73 at load average 8-12, 1.02-1.34
   * at 4-6, 1.21-3.19 at 2.3-3.5 (the model before the token function's faster mints: 1.96-2.01). A
   * tighter figure needs the decision's own CPU time in the model (not done).
   */
  static final double DECISION_MEDIAN_TOLERANCE = 4.0;

  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private static final CallLog CALLS = new CallLog();
  private static LocalBroker broker;
  private static ECKey clientKey;

  @BeforeAll
  static void start() throws Exception {
    System.setOut(new PrintStream(CALLS, true, StandardCharsets.UTF_8));
    broker =
        LocalBroker.start(
            LocalBrokerOptions.onPort(0).withLogFormat(LocalBrokerOptions.LogFormat.JSON));
    DynamoDbClient dynamoDb =
        AwsClients.dynamoDb(
            AwsSettings.from(
                Env.of(
                    Map.of(
                        "AWS_ENDPOINT_URL", broker.awsEndpoint().toString(),
                        "AWS_REGION", "us-east-1",
                        "AWS_ACCESS_KEY_ID", "test",
                        "AWS_SECRET_ACCESS_KEY", "test")),
                ClientTimeouts.background()));
    clientKey = new ECKeyGenerator(Curve.P_256).keyIDFromThumbprint(true).generate();
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("client_id", "sim-calibration");
    json.put("jwks", Map.of("keys", List.of(clientKey.toPublicJWK().toJSONObject())));
    json.put("scopes", List.of("demo:read"));
    json.put("default_scopes", List.of("demo:read"));
    json.put("audiences", List.of(DemoWorkload.audience(broker.issuer())));
    new ClientAdmin(new DynamoDbClientRepository(dynamoDb, broker.tables().clients()))
        .put(ClientJson.fromJson(json, 0));
  }

  @AfterAll
  static void stop() {
    if (broker != null) {
      broker.close();
    }
    System.setOut(STDOUT);
  }

  @Test
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  void theSimulatedLocalSetupAgreesWithTheMeasuredOne() throws Exception {
    // Warm-up (JIT, moto's first calls of each kind), not counted.
    for (int i = 0; i < 15; i++) {
      round(new Sample(), true);
    }
    // Pieces, one worker. The machine's load (other processes' runnable threads, the 1-minute
    // load average less this test's one worker) slows them as it will slow the loop: the model
    // takes the work out of the one-worker times and shares the cores with that background.
    double background = Math.max(0, loadAverage() - 1);
    Sample pieces = new Sample();
    CALLS.clear();
    for (int i = 0; i < PIECE_ROUNDS; i++) {
      round(pieces, true);
    }

    // moto's service per call, timed directly (one at a time, as moto serves them): the calls a
    // warm private_key_jwt mint makes (docs/performance.md, "AWS calls per request": GetItem
    // client, PutItem jti, KMS Sign, PutItem issuance) and the authorizer's BatchGetItem.
    // The slowest tenth of calls made one at a time are this busy machine's pauses (GC, other
    // builds' processes), which under load overlap moto's work rather than add to it: trimmed.
    Map<String, double[]> moto = new LinkedHashMap<>();
    MotoTimer.time(broker.awsEndpoint(), 40).forEach((op, values) -> moto.put(op, trimmed(values)));
    List<Latency> mintCalls =
        List.of(
            Latency.empirical(moto.get("GetItem")),
            Latency.empirical(moto.get("PutItem")),
            Latency.empirical(moto.get("Sign")),
            Latency.empirical(moto.get("PutItem")));
    double motoPerMint = 0;
    for (Latency call : mintCalls) {
      motoPerMint += ((Latency.Empirical) call).mean();
    }
    for (Map.Entry<String, double[]> e : moto.entrySet()) {
      say(
          "piece | moto %-12s mean %6.2f ms, median %6.2f ms (%d calls)",
          e.getKey(),
          Latency.empirical(e.getValue()) instanceof Latency.Empirical x ? x.mean() * 1000 : 0,
          Latency.empirical(e.getValue()).median() * 1000,
          e.getValue().length);
    }
    List<Double> logged = CALLS.snapshot().getOrDefault("DynamoDb BatchGetItem", List.of());
    say(
        "piece | the authorizer's own BatchGetItem (aws.call lines): mean %.2f ms over %d calls",
        mean(logged) * 1000, logged.size());
    // The authorizer's revocation read as the authorizer timed it (its table, three keys) when
    // its lines are there; else the scratch-table one.
    double[] batch = logged.size() >= 10 ? trimmed(toArray(logged)) : moto.get("BatchGetItem");
    double mintLocal = Math.max(0.0002, median(pieces.mints) - motoPerMint);
    double hitLocal = median(pieces.hits);
    say(
        "piece | mint %.2f ms (median) = %.2f ms moto + %.2f ms local; decision hit %.2f ms, miss"
            + " %.2f ms",
        median(pieces.mints) * 1000,
        motoPerMint * 1000,
        mintLocal * 1000,
        hitLocal * 1000,
        median(pieces.misses) * 1000);

    // The closed loop, WORKERS workers.
    Sample load = new Sample();
    long began = System.nanoTime();
    long end = began + TimeUnit.SECONDS.toNanos(LOAD_SECONDS);
    List<Thread> threads = new ArrayList<>();
    AtomicInteger failures = new AtomicInteger();
    for (int w = 0; w < WORKERS; w++) {
      threads.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    while (System.nanoTime() < end) {
                      try {
                        round(load, false);
                      } catch (Exception e) {
                        failures.incrementAndGet();
                      }
                    }
                  }));
    }
    for (Thread t : threads) {
      t.join();
    }
    double elapsed = (System.nanoTime() - began) / 1e9;
    assertThat(failures.get()).as("failed rounds").isZero();
    double measuredMints = load.mints.size() / elapsed;
    double measuredDecisions = (load.hits.size() + load.misses.size()) / elapsed;
    List<Double> allDecisions = new ArrayList<>(load.hits);
    allDecisions.addAll(load.misses);

    int cores = Runtime.getRuntime().availableProcessors();
    double alone = SharedProcessor.aloneRate(cores, background);
    // The JVM's work: the one-worker times outside moto, taken as CPU and deflated by the share
    // of the cores one thread got beside the background. (The process's CPU time was tried as the
    // measure instead: it counts the JIT's and GC's threads and gave more CPU per round than the
    // round's wall time.)
    double[] mintWork = new double[pieces.mints.size()];
    for (int i = 0; i < mintWork.length; i++) {
      mintWork[i] = Math.max(0.0002, pieces.mints.get(i) - motoPerMint);
    }
    LocalSetupModel model =
        new LocalSetupModel(
            WORKERS,
            cores,
            background,
            Latency.empirical(trimmed(mintWork)).scaled(alone),
            0,
            mintCalls,
            Latency.empirical(trimmed(toArray(pieces.hits))).scaled(alone),
            0,
            Latency.empirical(batch),
            DECISIONS_PER_TOKEN);
    LocalSetupModel.Figures sim = model.run(LOAD_SECONDS, 1);
    say(
        "moto utilisation simulated %.2f; %d cores shared with %.1f other runnable threads (load"
            + " average %.2f before, %.2f after)",
        sim.motoUtilisation(), cores, background, background + 1, loadAverage());
    compare("mints per second", measuredMints, sim.mintsPerSecond(), TOLERANCE);
    compare("decisions per second", measuredDecisions, sim.decisionsPerSecond(), TOLERANCE);
    compare("mint median ms", median(load.mints) * 1000, sim.mintMedian() * 1000, TOLERANCE);
    compare(
        "decision median ms",
        median(allDecisions) * 1000,
        sim.decisionMedian() * 1000,
        DECISION_MEDIAN_TOLERANCE);

    assertWithin("mints per second", measuredMints, sim.mintsPerSecond(), TOLERANCE);
    assertWithin("decisions per second", measuredDecisions, sim.decisionsPerSecond(), TOLERANCE);
    assertWithin("mint median", median(load.mints), sim.mintMedian(), TOLERANCE);
    assertWithin(
        "decision median", median(allDecisions), sim.decisionMedian(), DECISION_MEDIAN_TOLERANCE);
  }

  /** One mint, then the demo API with its token; latencies into {@code sample}. */
  private static void round(Sample sample, boolean strict) throws Exception {
    String form =
        "grant_type=client_credentials&scope=demo%3Aread&"
            + ClientAssertions.formParameters(
                ClientAssertions.signed(
                    clientKey, "sim-calibration", broker.issuer().toString(), Instant.now()));
    long t0 = System.nanoTime();
    HttpResponse<String> minted =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(broker.issuer() + "/token"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    double mintSeconds = (System.nanoTime() - t0) / 1e9;
    if (minted.statusCode() != 200) {
      throw new IllegalStateException("mint answered " + minted.statusCode());
    }
    sample.mints.add(mintSeconds);
    String token = (String) Json.object(minted.body()).get("access_token");
    for (int i = 0; i < DECISIONS_PER_TOKEN; i++) {
      long d0 = System.nanoTime();
      HttpResponse<String> demo =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(broker.issuer() + "/demo/sim"))
                  .timeout(Duration.ofSeconds(30))
                  .header("Authorization", "Bearer " + token)
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      double seconds = (System.nanoTime() - d0) / 1e9;
      if (demo.statusCode() != 200) {
        throw new IllegalStateException("demo API answered " + demo.statusCode());
      }
      (i == 0 ? sample.misses : sample.hits).add(seconds);
    }
  }

  private static final class Sample {
    final List<Double> mints = new CopyOnWriteArrayList<>();
    final List<Double> hits = new CopyOnWriteArrayList<>();
    final List<Double> misses = new CopyOnWriteArrayList<>();
  }

  private static void compare(String what, double measured, double simulated, double factor) {
    say(
        "%-22s measured %8.2f  simulated %8.2f  simulated/measured %.2f (tolerance %.2f-%.2f)",
        what, measured, simulated, simulated / measured, 1 / factor, factor);
  }

  private static void assertWithin(String what, double measured, double simulated, double factor) {
    assertThat(simulated / measured)
        .as(what + ": simulated " + simulated + " against measured " + measured)
        .isBetween(1 / factor, factor);
  }

  private static void say(String format, Object... args) {
    STDOUT.println("SIM | " + String.format(Locale.ROOT, format, args));
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.isEmpty() ? Double.NaN : sorted.get(sorted.size() / 2);
  }

  private static double mean(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
  }

  private static double[] toArray(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private static double loadAverage() {
    try {
      String text = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg"));
      return Double.parseDouble(text.split(" ")[0]);
    } catch (java.io.IOException | RuntimeException e) {
      return 0; // not Linux: an idle machine assumed
    }
  }

  /** The fastest nine tenths. */
  static double[] trimmed(double[] values) {
    double[] sorted = values.clone();
    java.util.Arrays.sort(sorted);
    return java.util.Arrays.copyOf(sorted, Math.max(1, (int) Math.ceil(sorted.length * 0.9)));
  }

  /** The handlers' JSON lines; keeps each aws.call's latency (seconds) by service and operation. */
  private static final class CallLog extends OutputStream {
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private final Map<String, List<Double>> calls = new HashMap<>();

    @Override
    public synchronized void write(int b) {
      if (b != '\n') {
        line.write(b);
        return;
      }
      String text = line.toString(StandardCharsets.UTF_8);
      line.reset();
      if (!text.contains("aws.call")) {
        return;
      }
      try {
        Map<String, Object> json = Json.object(text);
        Object millis = json.get("AwsCallLatency");
        if ("aws.call".equals(json.get("event")) && millis instanceof Number n) {
          calls
              .computeIfAbsent(
                  json.get("service") + " " + json.get("operation"), k -> new ArrayList<>())
              .add(n.doubleValue() / 1000);
        }
      } catch (Exception notJson) {
        // not a telemetry line
      }
    }

    @Override
    public synchronized void write(byte[] bytes, int offset, int length) {
      for (int i = offset; i < offset + length; i++) {
        write(bytes[i]);
      }
    }

    synchronized void clear() {
      calls.clear();
    }

    synchronized Map<String, List<Double>> snapshot() {
      Map<String, List<Double>> copy = new LinkedHashMap<>();
      calls.forEach((k, v) -> copy.put(k, List.copyOf(v)));
      return copy;
    }
  }
}
