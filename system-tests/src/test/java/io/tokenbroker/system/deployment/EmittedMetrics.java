package io.tokenbroker.system.deployment;

import io.tokenbroker.testing.EventFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The broker's metric names as the main code emits them: every {@code count("X"}, {@code
 * millis("X"} and {@code measure("X"} of a TelemetryEvent in any module's main sources.
 */
final class EmittedMetrics {

  private static final Pattern METRIC =
      Pattern.compile("\\.(?:count|millis|measure)\\(\\s*\"([A-Z][A-Za-z0-9]+)\"");

  private EmittedMetrics() {}

  static Set<String> inMainSources() throws IOException {
    Set<String> names = new TreeSet<>();
    try (Stream<Path> files = Files.walk(EventFiles.projectRoot())) {
      files
          .filter(f -> f.toString().endsWith(".java"))
          .filter(f -> f.toString().contains("/src/main/java/"))
          .filter(f -> !f.toString().contains("/target/"))
          .forEach(
              f -> {
                try {
                  Matcher m = METRIC.matcher(Files.readString(f));
                  while (m.find()) {
                    names.add(m.group(1));
                  }
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    }
    return names;
  }
}
