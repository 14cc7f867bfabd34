package io.tokenbroker.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenbroker.errors.RejectionReason;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What every enum of reasons is held to: its logged names are what logs, the {@code reason} metric
 * dimension and dashboards group by, so within one area no two constants may share one, and each is
 * lower snake case like every name shipped so far.
 */
public final class RejectionReasons {

  private static final Pattern SNAKE_CASE = Pattern.compile("[a-z][a-z0-9]*(_[a-z0-9]+)*");

  private RejectionReasons() {}

  public static <E extends Enum<E> & RejectionReason> List<String> loggedNames(Class<E> area) {
    return Arrays.stream(area.getEnumConstants()).map(RejectionReason::logName).toList();
  }

  /** Asserts that {@code loggedNames}, one area's, are distinct and lower snake case. */
  public static void assertDistinctAndSnakeCase(String area, List<String> loggedNames) {
    assertThat(loggedNames).as(area).isNotEmpty().doesNotHaveDuplicates();
    assertThat(loggedNames)
        .as(area + ": lower snake case")
        .allSatisfy(name -> assertThat(name).matches(SNAKE_CASE));
  }

  public static <E extends Enum<E> & RejectionReason> void assertDistinctAndSnakeCase(
      Class<E> area) {
    assertDistinctAndSnakeCase(area.getSimpleName(), loggedNames(area));
  }

  /**
   * The reasons the "Request limits" table of docs/security.md names: the backquoted names in
   * parentheses of its "answer (reason)" column, e.g. {@code 400 (`event_too_large`)}.
   */
  public static Set<String> documentedInRequestLimits() {
    List<String> lines;
    try {
      lines = Files.readAllLines(EventFiles.projectRoot().resolve("docs/security.md"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int start = lines.indexOf("## Request limits");
    assertThat(start).as("docs/security.md has a Request limits section").isNotNegative();
    Set<String> reasons = new TreeSet<>();
    boolean inTable = false;
    for (String line : lines.subList(start + 1, lines.size())) {
      if (line.startsWith("## ")) {
        break;
      }
      if (!line.startsWith("|")) {
        if (inTable) {
          break;
        }
        continue;
      }
      inTable = true;
      String[] cells = line.split("\\|");
      if (cells.length < 5 || cells[1].isBlank() || cells[1].startsWith("---")) {
        continue;
      }
      Matcher parenthesised = Pattern.compile("\\(([^)]*)\\)").matcher(cells[4]);
      while (parenthesised.find()) {
        Matcher name = Pattern.compile("`([a-z0-9_]+)`").matcher(parenthesised.group(1));
        while (name.find()) {
          reasons.add(name.group(1));
        }
      }
    }
    return reasons;
  }
}
