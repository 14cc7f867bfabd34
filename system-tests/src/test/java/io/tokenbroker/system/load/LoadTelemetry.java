package io.tokenbroker.system.load;

import io.tokenbroker.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The handlers' JSON log lines (they write them to stdout), counted by event; warnings and errors
 * kept. The invariants compare these counts with what the clients saw.
 */
final class LoadTelemetry extends OutputStream {
  private final ByteArrayOutputStream line = new ByteArrayOutputStream();
  private final Map<String, Long> counts = new HashMap<>();
  private final Map<String, Long> bytes = new HashMap<>();
  private final List<String> warnings = new ArrayList<>();

  @Override
  public synchronized void write(byte[] bytes, int offset, int length) {
    for (int i = offset; i < offset + length; i++) {
      write(bytes[i]);
    }
  }

  @Override
  public synchronized void write(int b) {
    if (b != '\n') {
      line.write(b);
      return;
    }
    String text = line.toString(StandardCharsets.UTF_8);
    long size = line.size() + 1L; // with its newline: what CloudWatch Logs ingests per line
    line.reset();
    try {
      Map<String, Object> json = Json.object(text);
      counts.merge(String.valueOf(json.get("event")), 1L, Long::sum);
      bytes.merge(String.valueOf(json.get("event")), size, Long::sum);
      boolean expected =
          "revoked_by_client".equals(json.get("reason"))
              || ("authorizer.denied".equals(json.get("event")));
      if ((!"INFO".equals(json.get("level")) || "request.rejected".equals(json.get("event")))
          && !expected) {
        warnings.add(text);
      }
    } catch (ParseException | RuntimeException notJson) {
      counts.merge("(other output)", 1L, Long::sum);
      warnings.add(text);
    }
  }

  synchronized Map<String, Long> counts() {
    return Map.copyOf(counts);
  }

  /** Mean bytes of a log line per event name, newline included: the log volume a request makes. */
  synchronized Map<String, Long> bytesPerLine() {
    Map<String, Long> perLine = new HashMap<>();
    bytes.forEach((event, total) -> perLine.put(event, total / counts.get(event)));
    return perLine;
  }

  synchronized List<String> warnings() {
    return List.copyOf(warnings);
  }
}
