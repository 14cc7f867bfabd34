package io.tokenbroker.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every environment variable is parsed in one place in the main code of every module (its config
 * record, or the parser of it that others call), so a variable has one name, one default and one
 * range everywhere. A scan of the sources, since the rule spans modules.
 */
class OneReadPerVariableTest {

  /** An {@link Env} read of a literal name, across line breaks. */
  private static final Pattern READ =
      Pattern.compile(
          "\\.\\s*(?:required|optional|string|seconds|integer|url|requiredUrl|secureUrl)"
              + "\\(\\s*\"([A-Z][A-Z0-9_]+)\"");

  @Test
  void eachVariableIsReadOnceInMainCode() {
    Map<String, List<String>> reads = reads(mainSources(Path.of("").toAbsolutePath().getParent()));

    // the scan reaches every module: shared, the functions, brokerctl
    assertThat(reads)
        .containsKeys(
            "ISSUER",
            "CLOCK_SKEW_SECONDS",
            "KEY_TABLE_CACHE_SECONDS",
            "KEYS_TABLE",
            "ROUTE_SCOPES");
    assertThat(reads).allSatisfy((name, places) -> assertThat(places).as(name).hasSize(1));
  }

  @Test
  void aSecondReadOfAVariableIsFound() {
    Map<String, List<String>> reads =
        reads(
            Map.of(
                "A.java", "env.seconds(\n    \"CLOCK_SKEW_SECONDS\", d, min, max)",
                "B.java", "Env e; e.required(\"ISSUER\"); x.optional( \"CLOCK_SKEW_SECONDS\")"));

    assertThat(reads)
        .containsEntry("CLOCK_SKEW_SECONDS", List.of("A.java", "B.java"))
        .containsEntry("ISSUER", List.of("B.java"));
  }

  private static Map<String, List<String>> reads(Map<String, String> sources) {
    Map<String, List<String>> reads = new TreeMap<>();
    new TreeMap<>(sources)
        .forEach(
            (file, text) -> {
              Matcher read = READ.matcher(text);
              while (read.find()) {
                reads.computeIfAbsent(read.group(1), name -> new ArrayList<>()).add(file);
              }
            });
    return reads;
  }

  /** Every module's {@code src/main/java} sources, by path from the project root. */
  private static Map<String, String> mainSources(Path root) {
    assertThat(root.resolve("shared/pom.xml")).exists();
    Map<String, String> sources = new TreeMap<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file :
          files
              .filter(f -> f.toString().endsWith(".java"))
              .filter(f -> root.relativize(f).toString().contains("src/main/java/"))
              .filter(f -> !root.relativize(f).toString().contains("target/"))
              .toList()) {
        sources.put(root.relativize(file).toString(), Files.readString(file));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return sources;
  }
}
