package io.tokenbroker.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tokenbroker.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.Map;

/**
 * Project Wycheproof test vectors, read from {@code ../shared/testdata/wycheproof} beside the
 * project (never copied into it). Where the folder is absent the test is skipped, and says so;
 * under {@code CI=true} it fails instead, so that CI never passes by skipping the vectors.
 */
public final class Wycheproof {

  private Wycheproof() {}

  /**
   * {@code -Dwycheproof.dir=...} where the project sits elsewhere (a git worktree), else beside it.
   */
  public static Path directory() {
    String configured = System.getProperty("wycheproof.dir");
    if (configured != null) {
      return Path.of(configured);
    }
    return EventFiles.projectRoot().resolve("../shared/testdata/wycheproof").normalize();
  }

  /** The parsed file, or a visible skip when the test data is not there. */
  public static Map<String, Object> load(String file) {
    Path path = directory().resolve(file);
    if (!Files.isReadable(path) && "true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new AssertionError(
          "Wycheproof vectors not found at " + path + ", and CI=true must not skip them");
    }
    assumeTrue(
        Files.isReadable(path),
        "Wycheproof vectors not found at " + path + ": test skipped (see ../shared/testdata)");
    try {
      return Json.object(Files.readString(path));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (ParseException e) {
      throw new IllegalStateException("unreadable Wycheproof file " + path, e);
    }
  }
}
