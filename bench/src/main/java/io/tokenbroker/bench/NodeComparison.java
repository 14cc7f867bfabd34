package io.tokenbroker.bench;

import com.nimbusds.jose.util.JSONObjectUtils;
import io.tokenbroker.testing.EventFiles;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The authorizer's whole decision beside awslabs aws-jwt-verify on Node.js, the verifier people
 * pick for a Lambda authorizer, on the same RS256 token and JWKS, in CPU time per verify (issue
 * 13's goal: the whole decision costs no more CPU than aws-jwt-verify's verify).
 *
 * <p>Java: {@link AuthorizerBenchmark}'s {@code decision} (event bytes in, policy bytes out) and
 * {@code bareVerify} (plain JCA), in a child JVM per JIT configuration, by default C1 only ({@code
 * -XX:TieredStopAtLevel=1}, the JIT the template deploys the authorizer with), in alternating 200
 * ms batches timed in the process's CPU time as {@link PairedRatios} does. Node: {@code
 * bench/src/main/node/bench.mjs}, aws-jwt-verify's {@code verifySync} with the JWKS cached and
 * Node's bare {@code crypto.verify}, the same way ({@code process.cpuUsage}). The two runs one
 * after the other, never at once. The Node packages are those of system-tests' interop recipes (its
 * committed lock file), installed with {@code npm ci} into {@code bench/target/node-bench}; without
 * {@code node} and {@code npm} the Node side is skipped with a message.
 *
 * <p>Options: {@code --warmup S} (seconds, default 20), {@code --rounds N} (default 20), {@code
 * --jit c1,default}. Writes {@code bench/target/jmh/node-comparison.md}.
 */
public final class NodeComparison {

  private NodeComparison() {}

  public static void main(String[] args) throws Exception {
    int warmup = 20;
    int rounds = 20;
    String jits = "c1";
    String childOutput = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--warmup" -> warmup = Integer.parseInt(args[++i]);
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--jit" -> jits = args[++i];
        case "--child" -> childOutput = args[++i];
        default ->
            throw new IllegalArgumentException(
                "usage: NodeComparison [--warmup S] [--rounds N] [--jit c1,default]");
      }
    }
    if (childOutput != null) {
      System.out.print(measureJava(Path.of(childOutput), warmup, rounds));
      return;
    }

    Path work = EventFiles.projectRoot().resolve("bench/target/node-bench");
    Files.createDirectories(work);
    Path tokenFile = work.resolve("token.json");
    List<String[]> rows = new ArrayList<>();
    StringBuilder loads = new StringBuilder();
    for (String jit : jits.split(",")) {
      String name = jit.strip();
      if (!name.equals("c1") && !name.equals("default")) {
        throw new IllegalArgumentException("--jit takes c1 and/or default");
      }
      String before = RunBenchmarks.loadAverage();
      String[] java = runJava(name, tokenFile, warmup, rounds).split("\n");
      loads.append(
          String.format(
              Locale.ROOT,
              "Java (%s): %s -> %s; ",
              label(name),
              before,
              RunBenchmarks.loadAverage()));
      rows.add(row("authorizer decision (Java, " + label(name) + ")", java[0]));
      rows.add(row("bare JCA verify (Java, " + label(name) + ")", java[1]));
    }

    String nodeNote = "";
    Optional<Path> node = nodePackages(work);
    if (node.isEmpty()) {
      nodeNote = "node and npm are not installed: the Node side was skipped.\n";
      System.out.println(nodeNote);
    } else {
      String before = RunBenchmarks.loadAverage();
      Map<String, Object> result = runNode(node.get(), tokenFile, warmup, rounds);
      loads.append(
          String.format(Locale.ROOT, "Node: %s -> %s", before, RunBenchmarks.loadAverage()));
      rows.add(
          row(
              "aws-jwt-verify 5 verifySync (Node " + result.get("node") + ")",
              result.get("awsJwtVerify")));
      rows.add(
          row("bare crypto.verify (Node " + result.get("node") + ")", result.get("bareVerify")));
    }

    String report =
        table(rows, node.isPresent()) + "\n" + nodeNote + "Load average: " + loads + "\n";
    Path out = EventFiles.projectRoot().resolve("bench/target/jmh");
    Files.createDirectories(out);
    Files.writeString(
        out.resolve("node-comparison.md"),
        "CPU per verify of one RS256 token: "
            + rounds
            + " rounds of alternating 200 ms batches after "
            + warmup
            + " s warm-up, "
            + Runtime.version()
            + "\n\n"
            + report);
    System.out.println(report);
    System.out.println("(written to " + out.resolve("node-comparison.md") + ")");
  }

  private static String label(String jit) {
    return jit.equals("c1") ? "C1 only" : "default JIT";
  }

  /** A row: name, then median, min and max CPU microseconds per verify. */
  private static String[] row(String name, Object summary) {
    if (summary instanceof Map<?, ?> map) {
      return new String[] {
        name,
        String.valueOf(map.get("median")),
        String.valueOf(map.get("min")),
        String.valueOf(map.get("max"))
      };
    }
    String[] fields = summary.toString().split(" ");
    return new String[] {name, fields[0], fields[1], fields[2]};
  }

  private static String table(List<String[]> rows, boolean withNode) {
    double awsJwtVerify = withNode ? Double.parseDouble(rows.get(rows.size() - 2)[1]) : Double.NaN;
    StringBuilder table =
        new StringBuilder(
            "| verifier | CPU per verify, median (us) | min - max (us) | verifies per CPU second |"
                + " CPU x aws-jwt-verify's |\n|---|---:|---|---:|---:|\n");
    for (String[] row : rows) {
      double median = Double.parseDouble(row[1]);
      table.append(
          String.format(
              Locale.ROOT,
              "| %s | %.1f | %.1f - %.1f | %,.0f | %s |%n",
              row[0],
              median,
              Double.parseDouble(row[2]),
              Double.parseDouble(row[3]),
              1e6 / median,
              withNode ? String.format(Locale.ROOT, "%.2f", median / awsJwtVerify) : "-"));
    }
    return table.toString();
  }

  // ---- Java, in a child JVM per JIT configuration.

  private static String runJava(String jit, Path tokenFile, int warmup, int rounds)
      throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    if (jit.equals("c1")) {
      command.add("-XX:TieredStopAtLevel=1");
    }
    command.addAll(
        List.of(
            "-Dbroker.projectRoot=" + EventFiles.projectRoot(),
            "-cp",
            System.getProperty("java.class.path"),
            NodeComparison.class.getName(),
            "--child",
            tokenFile.toString(),
            "--warmup",
            String.valueOf(warmup),
            "--rounds",
            String.valueOf(rounds)));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.waitFor() != 0) {
      throw new IllegalStateException("Java run failed:\n" + output);
    }
    return output;
  }

  /**
   * In the child: the token and its JWKS written for Node, then decision and bare verify, two lines
   * of "median min max" CPU microseconds per operation.
   */
  private static String measureJava(Path tokenFile, int warmupSeconds, int rounds)
      throws Exception {
    AuthorizerBenchmark a = new AuthorizerBenchmark();
    a.alg = "RS256";
    a.setUp();
    Map<String, Object> forNode = new LinkedHashMap<>();
    forNode.put("token", a.token());
    forNode.put("jwks", Map.of("keys", List.of(a.publicJwk().toJSONObject())));
    forNode.put("issuer", BenchFixtures.ISSUER);
    forNode.put("audience", BenchFixtures.AUDIENCE);
    Files.writeString(tokenFile, JSONObjectUtils.toJSONString(forNode));

    long warmupEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(warmupSeconds);
    while (System.nanoTime() < warmupEnd) {
      PairedRatios.batch(a::decision);
      PairedRatios.batch(a::bareVerify);
    }
    List<Double> decision = new ArrayList<>();
    List<Double> bare = new ArrayList<>();
    for (int round = 0; round < rounds; round++) {
      decision.add(PairedRatios.batch(a::decision).cpuPerOp() / 1000);
      bare.add(PairedRatios.batch(a::bareVerify).cpuPerOp() / 1000);
    }
    return summary(decision) + "\n" + summary(bare) + "\n";
  }

  private static String summary(List<Double> values) {
    values.sort(null);
    return String.format(
        Locale.ROOT,
        "%.3f %.3f %.3f",
        ColdStart.percentile(values, 50),
        values.getFirst(),
        values.getLast());
  }

  // ---- Node.

  /**
   * {@code bench/target/node-bench} with system-tests' interop packages installed ({@code npm ci}
   * from its lock file, again only when the lock changed) and the bench script, or empty without
   * node and npm.
   */
  private static Optional<Path> nodePackages(Path work) throws Exception {
    if (which("node").isEmpty() || which("npm").isEmpty()) {
      return Optional.empty();
    }
    Path root = EventFiles.projectRoot();
    Path packages = root.resolve("system-tests/src/test/node");
    boolean lockChanged =
        !Files.exists(work.resolve("package-lock.json"))
            || Files.mismatch(
                    packages.resolve("package-lock.json"), work.resolve("package-lock.json"))
                != -1;
    for (String file : List.of("package.json", "package-lock.json")) {
      Files.copy(packages.resolve(file), work.resolve(file), StandardCopyOption.REPLACE_EXISTING);
    }
    Files.copy(
        root.resolve("bench/src/main/node/bench.mjs"),
        work.resolve("bench.mjs"),
        StandardCopyOption.REPLACE_EXISTING);
    if (lockChanged || !Files.isDirectory(work.resolve("node_modules"))) {
      String output =
          run(
              List.of(which("npm").get(), "ci", "--no-audit", "--no-fund", "--loglevel=error"),
              work,
              null);
      System.out.print(output);
    }
    return Optional.of(work);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> runNode(Path work, Path tokenFile, int warmup, int rounds)
      throws Exception {
    Map<String, Object> input = JSONObjectUtils.parse(Files.readString(tokenFile));
    input.put("warmupSeconds", warmup);
    input.put("rounds", rounds);
    String output =
        run(List.of(which("node").get(), "bench.mjs"), work, JSONObjectUtils.toJSONString(input));
    String[] lines = output.strip().split("\n");
    return (Map<String, Object>) (Map<?, ?>) JSONObjectUtils.parse(lines[lines.length - 1]);
  }

  /** Runs {@code command} in {@code dir}, {@code stdin} written to it; its output, or a failure. */
  private static String run(List<String> command, Path dir, String stdin) throws Exception {
    Path output = Files.createTempFile("node-bench", ".out");
    try {
      Process process =
          new ProcessBuilder(command)
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .start();
      try (var in = process.getOutputStream()) {
        if (stdin != null) {
          in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
      }
      if (!process.waitFor(30, TimeUnit.MINUTES) || process.exitValue() != 0) {
        process.destroyForcibly();
        throw new IllegalStateException(
            command + " failed:\n" + Files.readString(output, StandardCharsets.UTF_8));
      }
      return Files.readString(output, StandardCharsets.UTF_8);
    } finally {
      Files.deleteIfExists(output);
    }
  }

  private static Optional<String> which(String program) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(dir, program);
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate.toString());
      }
    }
    return Optional.empty();
  }
}
