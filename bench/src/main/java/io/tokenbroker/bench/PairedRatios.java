package io.tokenbroker.bench;

import io.tokenbroker.testing.EventFiles;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * The JMH ratios again, measured so that a busy machine cannot skew them: in one JVM, the two sides
 * of each ratio run in alternating batches (A B A B ..., 200 ms each) after a common warm-up, and
 * each batch is timed in this process's CPU time as well as wall time. Other processes on the
 * machine then slow both sides alike (wall) or not at all (CPU); JMH's wall-clock runs, one
 * benchmark after the other, cannot tell a slower benchmark from a busier minute.
 *
 * <p>The benchmark states and methods are JMH's own ({@link AuthorizerBenchmark}, {@link
 * TokenBenchmark}); each JIT configuration gets a fresh JVM. Options: {@code --warmup S} (seconds,
 * default 40), {@code --rounds N} (default 20), {@code --jit default,c1}. Writes {@code
 * bench/target/jmh/paired.md}.
 */
public final class PairedRatios {

  private static final long BATCH_NANOS = 200_000_000L;

  /** One ratio: {@code top} throughput over {@code bottom} throughput. */
  private record Pair(String name, String target, Callable<Object> top, Callable<Object> bottom) {}

  private static volatile int sink;

  private PairedRatios() {}

  public static void main(String[] args) throws Exception {
    String warmup = "40";
    String rounds = "20";
    String jits = "default,c1";
    boolean child = false;
    String only = "";
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--warmup" -> warmup = args[++i];
        case "--rounds" -> rounds = args[++i];
        case "--jit" -> jits = args[++i];
        case "--child" -> child = true;
        case "--only" -> only = args[++i];
        default ->
            throw new IllegalArgumentException(
                "usage: PairedRatios [--warmup S] [--rounds N] [--jit default,c1] [--only TEXT]");
      }
    }
    if (child) {
      System.out.print(measure(Integer.parseInt(warmup), Integer.parseInt(rounds), only));
      return;
    }
    StringBuilder report = new StringBuilder();
    for (String jit : jits.split(",")) {
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      if (jit.strip().equals("c1")) {
        command.add("-XX:TieredStopAtLevel=1");
      } else if (!jit.strip().equals("default")) {
        throw new IllegalArgumentException("--jit takes default and/or c1");
      }
      command.addAll(
          List.of(
              "-Dbroker.projectRoot=" + EventFiles.projectRoot(),
              "-cp",
              System.getProperty("java.class.path"),
              PairedRatios.class.getName(),
              "--child",
              "--warmup",
              warmup,
              "--rounds",
              rounds,
              "--only",
              only));
      String loadBefore = RunBenchmarks.loadAverage();
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes());
      if (process.waitFor() != 0) {
        throw new IllegalStateException("paired run failed:\n" + output);
      }
      report
          .append("\n### JIT: ")
          .append(jit.strip().equals("c1") ? "C1 only (-XX:TieredStopAtLevel=1)" : "default")
          .append("\n\n")
          .append(output)
          .append("\nLoad average before: ")
          .append(loadBefore)
          .append(", after: ")
          .append(RunBenchmarks.loadAverage())
          .append('\n');
      System.out.println(report);
    }
    Path out = EventFiles.projectRoot().resolve("bench/target/jmh");
    Files.createDirectories(out);
    String header =
        "Paired ratios: "
            + rounds
            + " rounds of alternating 200 ms batches after "
            + warmup
            + " s warm-up, "
            + Runtime.version()
            + "\n";
    Files.writeString(out.resolve("paired.md"), header + report);
    System.out.println("(written to " + out.resolve("paired.md") + ")");
  }

  /** {@code only}: measure just the pairs whose name contains it (all if empty). */
  private static String measure(int warmupSeconds, int rounds, String only) throws Exception {
    List<Pair> pairs = new ArrayList<>();
    for (String alg : List.of("RS256", "ES256")) {
      AuthorizerBenchmark a = new AuthorizerBenchmark();
      a.alg = alg;
      a.setUp();
      pairs.add(
          new Pair(
              "authorizer decision / bare verify, " + alg, ">= 0.8", a::decision, a::bareVerify));
      pairs.add(
          new Pair(
              "(part) verifier alone / bare verify, " + alg, "", a::verifyOnly, a::bareVerify));
      pairs.add(
          new Pair(
              "(part) SignatureCheck / bare verify, " + alg, "", a::signatureCheck, a::bareVerify));
    }
    for (String alg : List.of("RS256", "ES256")) {
      DpopAuthorizerBenchmark d = new DpopAuthorizerBenchmark();
      d.alg = alg;
      d.setUp();
      pairs.add(
          new Pair(
              "authorizer DPoP decision / bare verify of token + ES256 proof, " + alg + " token",
              ">= 0.8",
              d::decision,
              d::bareVerifyTokenAndProof));
    }
    TokenBenchmark t = new TokenBenchmark();
    t.setUp();
    pairs.add(new Pair("token issue / bare sign (RS256)", "(reported)", t::issue, t::bareSign));
    pairs.add(
        new Pair(
            "token handler /token/iam / bare sign (RS256)",
            "(reported)",
            t::handlerIam,
            t::bareSign));

    pairs.removeIf(pair -> !pair.name().contains(only));
    long warmupEnd = System.nanoTime() + warmupSeconds * 1_000_000_000L;
    while (System.nanoTime() < warmupEnd) {
      for (Pair pair : pairs) {
        batch(pair.top());
        batch(pair.bottom());
      }
    }

    StringBuilder table = new StringBuilder();
    table.append(
        "| ratio | CPU-time ratio, median | min - max over rounds | wall-time ratio, median | top"
            + " ops/s (CPU) | bottom ops/s (CPU) | target |\n"
            + "|---|---:|---|---:|---:|---:|---|\n");
    for (Pair pair : pairs) {
      List<Double> cpuRatios = new ArrayList<>();
      List<Double> wallRatios = new ArrayList<>();
      double topCpu = 0;
      double bottomCpu = 0;
      for (int round = 0; round < rounds; round++) {
        Batch top = batch(pair.top());
        Batch bottom = batch(pair.bottom());
        cpuRatios.add(bottom.cpuPerOp() / top.cpuPerOp());
        wallRatios.add(bottom.wallPerOp() / top.wallPerOp());
        topCpu += top.cpuPerOp();
        bottomCpu += bottom.cpuPerOp();
      }
      cpuRatios.sort(null);
      wallRatios.sort(null);
      table.append(
          String.format(
              Locale.ROOT,
              "| %s | %.2f | %.2f - %.2f | %.2f | %,.0f | %,.0f | %s |%n",
              pair.name(),
              ColdStart.percentile(cpuRatios, 50),
              cpuRatios.getFirst(),
              cpuRatios.getLast(),
              ColdStart.percentile(wallRatios, 50),
              rounds * 1e9 / topCpu,
              rounds * 1e9 / bottomCpu,
              pair.target()));
    }
    return table.toString();
  }

  /** Operations run in one batch, with the process CPU time and wall time they took. */
  record Batch(long operations, long cpuNanos, long wallNanos) {
    double cpuPerOp() {
      return (double) cpuNanos / operations;
    }

    double wallPerOp() {
      return (double) wallNanos / operations;
    }
  }

  /** Runs {@code operation} for 200 ms of wall time (also used by {@link NodeComparison}). */
  static Batch batch(Callable<Object> operation) throws Exception {
    var os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long cpuStart = os.getProcessCpuTime();
    long start = System.nanoTime();
    long end = start + BATCH_NANOS;
    long operations = 0;
    int hash = 0;
    long now;
    do {
      hash += System.identityHashCode(operation.call());
      operations++;
      now = System.nanoTime();
    } while (now < end);
    sink += hash;
    return new Batch(operations, os.getProcessCpuTime() - cpuStart, now - start);
  }
}
