package io.tokenbroker.system.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenbroker.testing.EventFiles;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;

/**
 * Every jar in every function's Lambda zip stores its entries uncompressed (functions/pom.xml,
 * functions/StoredJars.java): a cold JVM then loads its classes without inflating each one, about
 * 35-40 ms of the authorizer's cold start (docs/performance.md, "Artifacts and cold starts"). The
 * zips are the ones the function modules built in this reactor (system-tests depends on them).
 */
class StoredFunctionJarsIT {

  @Test
  void everyJarInEveryFunctionZipStoresItsEntries() throws IOException {
    List<Path> zips = new ArrayList<>();
    try (Stream<Path> modules = Files.list(EventFiles.projectRoot().resolve("functions"))) {
      for (Path module : modules.filter(Files::isDirectory).toList()) {
        Path zip = module.resolve("target").resolve(module.getFileName() + "-function.zip");
        if (Files.isRegularFile(module.resolve("pom.xml"))) {
          assertThat(zip).as("built by the function module's package phase").isRegularFile();
          zips.add(zip);
        }
      }
    }
    assertThat(zips).isNotEmpty();
    for (Path zip : zips) {
      List<String> jars = new ArrayList<>();
      List<String> deflated = new ArrayList<>();
      try (ZipFile file = new ZipFile(zip.toFile())) {
        for (Enumeration<? extends ZipEntry> e = file.entries(); e.hasMoreElements(); ) {
          ZipEntry entry = e.nextElement();
          if (!entry.getName().endsWith(".jar")) {
            continue;
          }
          jars.add(entry.getName());
          try (InputStream in = file.getInputStream(entry);
              ZipInputStream jar =
                  new ZipInputStream(new ByteArrayInputStream(in.readAllBytes()))) {
            for (ZipEntry inner = jar.getNextEntry(); inner != null; inner = jar.getNextEntry()) {
              if (inner.getMethod() != ZipEntry.STORED) {
                deflated.add(entry.getName() + "!" + inner.getName());
              }
            }
          }
        }
      }
      assertThat(jars)
          .as(zip + ": its jars")
          .isNotEmpty()
          .allMatch(name -> name.startsWith("lib/"));
      assertThat(deflated).as(zip + ": deflated entries in its jars").isEmpty();
    }
  }
}
