package io.tokenbroker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code brokerctl/brokerctl} script with each state its AOT cache can be in: built with the
 * jar (used), absent, stale (the jar was rebuilt after it, with other code) or unreadable: each of
 * the last three runs the jar's own classes, and prints nothing about the cache (stdout may be
 * parsed). The jar here is a probe that prints its arguments, laid out as the build lays out
 * brokerctl's, so the script is the real one and the JVM's own checks decide. Whether a class came
 * from the cache is read from the JVM's class-loading log.
 */
class BrokerctlScriptTest {

  @TempDir Path dir;
  private Path script;
  private Path jar;
  private Path cache;
  private Path classLog;

  /** The JVM flags of the last run, as the probe printed them. */
  private String jvmArguments;

  @BeforeEach
  void layOut() throws IOException {
    script = Files.copy(Path.of("brokerctl").toAbsolutePath(), dir.resolve("brokerctl"));
    Files.createDirectories(dir.resolve("target"));
    jar = dir.resolve("target/brokerctl.jar");
    cache = dir.resolve("target/brokerctl.aot");
    classLog = dir.resolve("classes.log");
    writeProbeJar("probe ran: ");
  }

  @Test
  void usesTheCacheBuiltWithTheJar() throws Exception {
    buildCache();

    assertThat(run("keys", "list")).isEqualTo("probe ran: keys list\n");
    assertThat(probeSource()).contains("shared objects file");
    assertThat(jvmArguments).contains("-XX:AOTCache=" + cache);
  }

  @Test
  void runsWithoutACache() throws Exception {
    assertThat(run("keys", "list")).isEqualTo("probe ran: keys list\n");
    assertThat(probeSource()).doesNotContain("shared objects file");
  }

  @Test
  void runsTheRebuiltJarNotTheClassesOfAStaleCache() throws Exception {
    buildCache();
    writeProbeJar("probe RAN: "); // rebuilt after the cache, with other code
    Files.setLastModifiedTime(
        jar, FileTime.fromMillis(Files.getLastModifiedTime(cache).toMillis() + 5_000));

    assertThat(run("clients", "list")).isEqualTo("probe RAN: clients list\n");
    assertThat(probeSource()).doesNotContain("shared objects file");
    // The script's own check, not only the JVM's: it must not even offer a stale cache (JDK 25
    // does not always notice that a cache was made from another jar).
    assertThat(jvmArguments).doesNotContain("-XX:AOTCache");
  }

  @Test
  void runsSilentlyWithoutAnUnreadableCache() throws Exception {
    Files.writeString(cache, "not an AOT cache");

    assertThat(run("--help")).isEqualTo("probe ran: --help\n");
  }

  /**
   * The script's stdout but the probe's line of JVM flags (kept in {@link #jvmArguments}); it must
   * exit 0 with nothing on stderr but the launcher's note.
   */
  private String run(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(script.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    Map<String, String> env = builder.environment();
    env.put("JAVA_HOME", System.getProperty("java.home"));
    // Read by the java launcher before the script's own flags; logs to a file, not stdout.
    env.put("JDK_JAVA_OPTIONS", "-Xlog:class+load=info:file=" + classLog);
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(err).isZero();
    assertThat(err.lines().filter(line -> !line.startsWith("NOTE: Picked up JDK_JAVA_OPTIONS")))
        .isEmpty();
    jvmArguments = out.lines().filter(line -> line.startsWith("jvm: ")).findFirst().orElseThrow();
    return out.lines()
        .filter(line -> !line.startsWith("jvm: "))
        .map(line -> line + "\n")
        .reduce("", String::concat);
  }

  /** Where the JVM loaded the probe class from, per its class-loading log. */
  private String probeSource() throws IOException {
    return Files.readAllLines(classLog).stream()
        .filter(line -> line.contains(" " + ScriptProbe.class.getName() + " "))
        .findFirst()
        .orElseThrow();
  }

  /** The cache as the build makes it: a training run of the jar, with the script's flags. */
  private void buildCache() throws Exception {
    Process training =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:AOTCacheOutput=" + cache,
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-Xlog:aot=error,cds=error",
                "-cp",
                jar.toString(),
                ScriptProbe.class.getName())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("training.log").toFile())
            .start();
    assertThat(training.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(training.exitValue()).as(Files.readString(dir.resolve("training.log"))).isZero();
    assertThat(cache).exists();
  }

  /**
   * The jar: {@link ScriptProbe} alone, its printed prefix replaced by {@code prefix} (as long as
   * the original, so that the class file stays valid): a rebuilt jar with other code.
   */
  private void writeProbeJar(String prefix) throws IOException {
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, ScriptProbe.class.getName());
    String entry = ScriptProbe.class.getName().replace('.', '/') + ".class";
    byte[] probe;
    try (InputStream in = ScriptProbe.class.getClassLoader().getResourceAsStream(entry)) {
      probe = in.readAllBytes();
    }
    String original = "probe ran: ";
    assertThat(prefix).hasSameSizeAs(original);
    String text = new String(probe, StandardCharsets.ISO_8859_1);
    assertThat(text).contains(original);
    probe = text.replace(original, prefix).getBytes(StandardCharsets.ISO_8859_1);
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
      out.putNextEntry(new JarEntry(entry));
      out.write(probe);
      out.closeEntry();
    }
  }
}
