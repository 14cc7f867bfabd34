package io.tokenbroker.bench;

import io.tokenbroker.testing.EventFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the JMH benchmarks twice, once per JIT configuration (the JVM's default tiered JIT, and C1
 * only, {@code -XX:TieredStopAtLevel=1}, as Lambda's Java runtime starts JVMs), and prints the
 * ratios the targets are about: authorizer decision / bare verify per algorithm, token issue / bare
 * sign. Writes JMH's JSON and a Markdown summary under {@code bench/target/jmh/}.
 *
 * <p>Options: {@code --forks N} (default 2), {@code --warmup N} and {@code --iterations N}
 * (1-second iterations, default 15 and 5: the decision path needs long to reach C2 on a busy
 * machine), {@code --jit default,c1} (which configurations), {@code --include REGEX} (benchmarks,
 * default all of this module's).
 */
public final class RunBenchmarks {

  /** A JIT configuration and the JVM flags that select it. */
  private record Jit(String name, List<String> flags) {}

  private static final Map<String, Jit> JITS =
      Map.of(
          "default", new Jit("default (tiered C1+C2)", List.of()),
          "c1", new Jit("C1 only (-XX:TieredStopAtLevel=1)", List.of("-XX:TieredStopAtLevel=1")));

  private RunBenchmarks() {}

  public static void main(String[] args) throws RunnerException, IOException {
    Map<String, String> options = parse(args);
    int forks = Integer.parseInt(options.getOrDefault("forks", "2"));
    int warmup = Integer.parseInt(options.getOrDefault("warmup", "15"));
    int iterations = Integer.parseInt(options.getOrDefault("iterations", "5"));
    String include =
        options.getOrDefault(
            "include", "io\\.tokenbroker\\.bench\\.(AuthorizerBenchmark|TokenBenchmark)\\.");
    Path out = EventFiles.projectRoot().resolve("bench/target/jmh");
    Files.createDirectories(out);

    StringBuilder report = new StringBuilder();
    report
        .append("JMH ")
        .append(forks)
        .append(" fork(s) x ")
        .append(iterations)
        .append(" x 1 s measured after ")
        .append(warmup)
        .append(" x 1 s warm-up, 1 thread, ")
        .append(Runtime.version())
        .append(", ")
        .append(Runtime.getRuntime().availableProcessors())
        .append(" CPUs\n");
    for (String key : options.getOrDefault("jit", "default,c1").split(",")) {
      Jit jit = JITS.get(key.strip());
      if (jit == null) {
        throw new IllegalArgumentException("--jit takes default and/or c1, not " + key);
      }
      List<String> jvmArgs = new ArrayList<>(jit.flags());
      jvmArgs.add("-Dbroker.projectRoot=" + EventFiles.projectRoot());
      // JMH 1.37 still calls sun.misc.Unsafe; JDK 25 would warn about it in every fork.
      jvmArgs.add("--sun-misc-unsafe-memory-access=allow");
      String loadBefore = loadAverage();
      ChainedOptionsBuilder builder =
          new OptionsBuilder()
              .include(include)
              .forks(forks)
              .warmupIterations(warmup)
              .warmupTime(TimeValue.seconds(1))
              .measurementIterations(iterations)
              .measurementTime(TimeValue.seconds(1))
              .timeUnit(TimeUnit.SECONDS)
              .threads(1)
              .jvmArgsAppend(jvmArgs.toArray(String[]::new))
              .resultFormat(ResultFormatType.JSON)
              .result(out.resolve("jmh-" + key.strip() + ".json").toString());
      List<RunResult> results = new ArrayList<>(new Runner(builder.build()).run());
      report
          .append('\n')
          .append(summary(jit, results))
          .append("\nLoad average (1, 5, 15 min) before: ")
          .append(loadBefore)
          .append(", after: ")
          .append(loadAverage())
          .append('\n');
    }
    Files.writeString(out.resolve("summary.md"), report);
    System.out.println();
    System.out.println(report);
    System.out.println("(written to " + out.resolve("summary.md") + ")");
  }

  /** Markdown tables: every score, then the ratios. */
  static String summary(Jit jit, List<RunResult> results) {
    Map<String, Result<?>> scores = new LinkedHashMap<>();
    for (RunResult run : results) {
      String name = run.getParams().getBenchmark().replace("io.tokenbroker.bench.", "");
      String alg = run.getParams().getParam("alg");
      scores.put(alg == null ? name : name + " " + alg, run.getPrimaryResult());
    }
    StringBuilder table = new StringBuilder();
    table.append("### JIT: ").append(jit.name()).append("\n\n");
    table.append("| benchmark | ops/s | ± (99.9% CI) |\n|---|---:|---:|\n");
    scores.forEach(
        (name, score) ->
            table.append(
                String.format(
                    Locale.ROOT,
                    "| %s | %,.0f | %,.0f |%n",
                    name,
                    score.getScore(),
                    score.getScoreError())));
    table.append("\n| ratio | value | range from the CIs | target |\n|---|---:|---|---|\n");
    for (String alg : List.of("RS256", "ES256")) {
      ratio(
          table,
          "authorizer decision / bare verify, " + alg,
          scores.get("AuthorizerBenchmark.decision " + alg),
          scores.get("AuthorizerBenchmark.bareVerify " + alg),
          ">= 0.8");
    }
    for (String alg : List.of("RS256", "ES256")) {
      ratio(
          table,
          "(part) verifier alone / bare verify, " + alg,
          scores.get("AuthorizerBenchmark.verifyOnly " + alg),
          scores.get("AuthorizerBenchmark.bareVerify " + alg),
          "");
      ratio(
          table,
          "(part) SignatureCheck / bare verify, " + alg,
          scores.get("AuthorizerBenchmark.signatureCheck " + alg),
          scores.get("AuthorizerBenchmark.bareVerify " + alg),
          "");
    }
    ratio(
        table,
        "token issue / bare sign (RS256)",
        scores.get("TokenBenchmark.issue"),
        scores.get("TokenBenchmark.bareSign"),
        "(reported)");
    ratio(
        table,
        "token handler /token/iam / bare sign (RS256)",
        scores.get("TokenBenchmark.handlerIam"),
        scores.get("TokenBenchmark.bareSign"),
        "(reported)");
    return table.toString();
  }

  private static void ratio(
      StringBuilder table, String name, Result<?> top, Result<?> bottom, String target) {
    if (top == null || bottom == null) {
      return;
    }
    double value = top.getScore() / bottom.getScore();
    double low =
        (top.getScore() - top.getScoreError()) / (bottom.getScore() + bottom.getScoreError());
    double high =
        (top.getScore() + top.getScoreError())
            / Math.max(1e-9, bottom.getScore() - bottom.getScoreError());
    table.append(
        String.format(
            Locale.ROOT, "| %s | %.2f | %.2f - %.2f | %s |%n", name, value, low, high, target));
  }

  /** The machine's load (other builds share its cores): context for every figure. */
  static String loadAverage() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return fields[0] + " " + fields[1] + " " + fields[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  private static Map<String, String> parse(String[] args) {
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException(
            "usage: RunBenchmarks [--forks N] [--warmup N] [--iterations N] [--jit default,c1]"
                + " [--include REGEX]");
      }
      options.put(args[i].substring(2), args[++i]);
    }
    return options;
  }
}
