package io.tokenbroker.system.load;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;

/** The load test's figures, as {@code LOAD |} lines on the build's own stdout. */
record LoadLog(PrintStream out) {

  void say(String format, Object... args) {
    out.println("LOAD | " + String.format(Locale.ROOT, format, args));
  }

  static double seconds(Duration d) {
    return d.toMillis() / 1000.0;
  }
}
