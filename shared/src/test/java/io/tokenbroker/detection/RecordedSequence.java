package io.tokenbroker.detection;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

/** A recorded sequence of detector events (sequences/generate.py writes them), with its marks. */
public record RecordedSequence(List<Line> lines) {

  /** One event and its mark: "" , "anomaly" (the anomaly's first event) or "fires". */
  public record Line(DetectionEvent event, String mark) {}

  public static RecordedSequence load(String name) {
    try (InputStream raw = RecordedSequence.class.getResourceAsStream("sequences/" + name);
        BufferedReader in =
            new BufferedReader(
                new InputStreamReader(new GZIPInputStream(raw), StandardCharsets.UTF_8))) {
      List<Line> lines = new ArrayList<>();
      for (String row = in.readLine(); row != null; row = in.readLine()) {
        String[] f = row.split(",", -1);
        Instant at = Instant.parse(f[0]);
        DetectionEvent event =
            switch (f[1]) {
              case "issued" ->
                  new DetectionEvent.Issued(
                      f[2], f[7], at, f[3], f[4], f[5], List.of("orders.read"), List.of(f[6]));
              case "refused" -> new DetectionEvent.Refused(Optional.of(f[2]), f[8], at, f[3]);
              case "used" -> new DetectionEvent.Used(f[2], f[7], at, f[3]);
              default -> throw new IllegalArgumentException(row);
            };
        lines.add(new Line(event, f[9]));
      }
      return new RecordedSequence(lines);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
