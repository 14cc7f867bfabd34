package io.tokenbroker.bench.child;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a cold Lambda container does, in a fresh JVM started by {@code ColdStart}: load the handler
 * class, construct it with its no-arg constructor (Lambda's init phase), serve one event (the first
 * invoke), then exit. It runs on the function's own classpath plus this one class, and uses nothing
 * but the JDK and the Lambda interface, so that it adds as little as possible to what is measured.
 *
 * <p>Arguments: handler class, event file, response file, result file. The result file gets one
 * line: {@code init_ns invoke_ns vmhwm_kb cpu_ms error}, where VmHWM is the process's peak resident
 * set size from /proc/self/status, and cpu_ms the CPU time all its threads used so far (user +
 * system, /proc/self/stat, 10 ms ticks), both read after the invoke.
 */
public final class ColdStartChild {

  private ColdStartChild() {}

  public static void main(String[] args) throws Exception {
    long start = System.nanoTime();
    RequestStreamHandler handler =
        (RequestStreamHandler) Class.forName(args[0]).getDeclaredConstructor().newInstance();
    long initialized = System.nanoTime();
    byte[] event = Files.readAllBytes(Path.of(args[1]));
    ByteArrayOutputStream response = new ByteArrayOutputStream();
    String error = "-";
    try {
      handler.handleRequest(new ByteArrayInputStream(event), response, null);
    } catch (RuntimeException e) {
      // The authorizer answers a denial with an exception; the harness decides what counts.
      error = e.getClass().getName().replace(' ', '_');
    }
    long served = System.nanoTime();
    Files.write(Path.of(args[2]), response.toByteArray());
    Files.writeString(
        Path.of(args[3]),
        (initialized - start)
            + " "
            + (served - initialized)
            + " "
            + peakRssKb()
            + " "
            + cpuMillis()
            + " "
            + error,
        StandardCharsets.US_ASCII);
    // Lambda never lets a container's JVM exit by itself; exit at once so that no lingering
    // non-daemon thread of a library adds to the measured time.
    System.exit(0);
  }

  /** utime + stime of the whole process, in ms (Linux's USER_HZ is 100: 10 ms per tick). */
  private static long cpuMillis() throws java.io.IOException {
    String stat = Files.readString(Path.of("/proc/self/stat"));
    // Fields after the command name, which is in parentheses and may contain spaces.
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10;
  }

  private static long peakRssKb() throws java.io.IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }
}
