package io.tokenbroker.adapters.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.util.JSONObjectUtils;
import io.tokenbroker.telemetry.TelemetryEvent;
import io.tokenbroker.testing.MutableClock;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.thirdparty.jackson.core.JsonFactory;
import software.amazon.awssdk.thirdparty.jackson.core.JsonParser;
import software.amazon.awssdk.thirdparty.jackson.core.JsonToken;
import software.amazon.awssdk.thirdparty.jackson.core.StreamReadFeature;

/**
 * Issue 13: log lines written directly say what the map-and-Gson line said ({@code toJson}, the
 * writer before, still the path for unusual events), on random events whose names and values hold
 * what JSON must escape; each line is one strict JSON object (another parser, duplicates refused).
 */
class JsonLinesTelemetryDifferentialTest {

  private static final long NOW = 1_795_867_200_000L;
  private static final String[] NASTY = {
    "\"", "\\", "\n", "\u0000", "\u001f", "\u007f", "\u2028", "\u2029", "\ud800", "\udfff",
    "\ud83d\ude00", "é", "/", "\t", "a", "reason", "client_id", "function", "timestamp", "_aws",
    "stack", "cold_start", "correlation_id"
  };

  /**
   * Names hold no lone surrogate: they are constants in the code, and the strict parser (Jackson)
   * refuses one in a name even escaped, which RFC 8259 allows.
   */
  private static final String[] NAMES =
      java.util.Arrays.stream(NASTY)
          .filter(s -> !(s.length() == 1 && Character.isSurrogate(s.charAt(0))))
          .toArray(String[]::new);

  private static final JsonFactory STRICT =
      JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  private final JsonLinesTelemetry telemetry =
      new JsonLinesTelemetry(
          new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
          MutableClock.at("2026-11-28T12:00:00Z"),
          "authorizer");

  @Test
  void writesWhatTheMapWriterWroteOnRandomEvents() throws Exception {
    Random random = new Random(13);
    for (int i = 0; i < 5000; i++) {
      TelemetryEvent event = event(random);

      String line = telemetry.line(event);

      assertThat(line).doesNotContain("\n");
      assertStrictJsonObject(line);
      assertThat(JSONObjectUtils.parse(line))
          .as("event %s", event)
          .isEqualTo(
              JSONObjectUtils.parse(JSONObjectUtils.toJSONString(telemetry.toJson(event, NOW))));
    }
  }

  /** The same, with a stack and an invocation in progress: their members written both ways. */
  @Test
  void writesWhatTheMapWriterWroteWithAStackAndAnInvocation() throws Exception {
    JsonLinesTelemetry withStack =
        new JsonLinesTelemetry(
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            MutableClock.at("2026-11-28T12:00:00Z"),
            "authorizer",
            new io.tokenbroker.config.TelemetryConfig(
                java.util.Optional.of("prod-a"), TelemetryEvent.Level.DEBUG));
    InvocationScope scope = new InvocationScope();
    Random random = new Random(17);
    try {
      for (int i = 0; i < 2000; i++) {
        scope.begin(i % 3 == 0 ? null : "req-" + i);
        if (i % 2 == 0) {
          scope.correlate("api-" + i);
        }
        TelemetryEvent event = event(random);

        String line = withStack.line(event);

        assertStrictJsonObject(line);
        assertThat(JSONObjectUtils.parse(line))
            .as("event %s", event)
            .isEqualTo(
                JSONObjectUtils.parse(JSONObjectUtils.toJSONString(withStack.toJson(event, NOW))));
        scope.end();
      }
    } finally {
      scope.end();
    }
  }

  /**
   * Issue 13: to a plain UTF-8 PrintStream a line is written as its bytes, line separator included,
   * in one write; every other stream gets println. The bytes are println's, on random events, also
   * with an invocation in progress, and in one write each.
   */
  @Test
  void writesTheBytesPrintlnWrote() {
    ByteArrayOutputStream direct = new ByteArrayOutputStream();
    List<Integer> writes = new ArrayList<>();
    OutputStream counted =
        new OutputStream() {
          @Override
          public void write(int b) {
            throw new AssertionError("a line is written in one write");
          }

          @Override
          public void write(byte[] bytes, int offset, int length) {
            writes.add(length);
            direct.write(bytes, offset, length);
          }
        };
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    MutableClock clock = MutableClock.at("2026-11-28T12:00:00.123Z");
    JsonLinesTelemetry bytes =
        new JsonLinesTelemetry(
            new PrintStream(counted, false, StandardCharsets.UTF_8), clock, "authorizer");
    // A subclass could do more in println: it is left to println, the writer before.
    JsonLinesTelemetry println =
        new JsonLinesTelemetry(
            new PrintStream(printed, false, StandardCharsets.UTF_8) {}, clock, "authorizer");
    Random random = new Random(19);
    InvocationScope scope = new InvocationScope();
    for (int i = 0; i < 3000; i++) {
      if (i % 2 == 0) {
        scope.begin("req-" + i);
      }
      TelemetryEvent event = event(random);
      bytes.emit(event);
      println.emit(event);
      if (i % 2 == 0) {
        scope.end();
      }
      assertThat(writes).as("event %s", event).hasSize(i + 1);
    }
    assertThat(direct.toByteArray()).isEqualTo(printed.toByteArray());
    assertThat(new String(printed.toByteArray(), StandardCharsets.UTF_8))
        .contains("é", "\\ud800", "\ud83d\ude00");
  }

  /** The authorizer's line: a client id a parser reads back as it was, whatever it holds. */
  @Test
  void theVerifiedLineReadsBackAsGiven() throws Exception {
    String clientId = "c\"l\\i\u0000e\u001fn\u2028t\u2029\ud800\udc00\ud83d\ude00\udfff\n";
    String line =
        telemetry.line(
            TelemetryEvent.info("authorizer.verified")
                .with("client_id", clientId)
                .with("jti", "jti")
                .with("method", "GET")
                .count("TokensAccepted"));

    assertStrictJsonObject(line);
    try (JsonParser parser = STRICT.createParser(line)) {
      parser.nextToken();
      String value = null;
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        parser.nextToken();
        if (name.equals("client_id")) {
          value = parser.getText();
        }
        parser.skipChildren();
      }
      assertThat(value).isEqualTo(clientId);
    }
  }

  /**
   * One strict JSON object, with nothing a reader could take for a line break or fail to encode: no
   * raw control character, U+2028, U+2029 or lone surrogate.
   */
  static void assertStrictJsonObject(String text) throws Exception {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean pair =
          Character.isHighSurrogate(c)
              && i + 1 < text.length()
              && Character.isLowSurrogate(text.charAt(i + 1));
      if (pair) {
        i++;
        continue;
      }
      assertThat(c < 0x20 || c == '\u2028' || c == '\u2029' || Character.isSurrogate(c))
          .as("raw U+%04X at %d in %s", (int) c, i, text)
          .isFalse();
    }
    try (JsonParser parser = STRICT.createParser(text)) {
      assertThat(parser.nextToken()).isEqualTo(JsonToken.START_OBJECT);
      parser.skipChildren();
      assertThat(parser.nextToken()).isNull();
    }
  }

  private static TelemetryEvent event(Random random) {
    TelemetryEvent event =
        switch (random.nextInt(3)) {
          case 0 -> TelemetryEvent.info(name(random));
          case 1 -> TelemetryEvent.warn(name(random));
          default -> TelemetryEvent.error(name(random));
        };
    for (int n = random.nextInt(5); n > 0; n--) {
      event = event.with(name(random), value(random));
    }
    for (int n = random.nextInt(3); n > 0; n--) {
      String[] dimensions = new String[random.nextInt(3)];
      for (int d = 0; d < dimensions.length; d++) {
        dimensions[d] = name(random);
      }
      event =
          random.nextBoolean()
              ? event.count(name(random), dimensions)
              : event.millis(name(random), random.nextDouble() * 1000, dimensions);
    }
    return event;
  }

  private static Object value(Random random) {
    return switch (random.nextInt(8)) {
      case 0 -> random.nextLong();
      case 1 -> random.nextInt();
      case 2 -> random.nextBoolean();
      case 3 -> random.nextDouble() * Math.pow(10, random.nextInt(40) - 20);
      case 4 -> {
        List<String> list = new ArrayList<>();
        for (int n = random.nextInt(3); n > 0; n--) {
          list.add(nasty(random));
        }
        yield list;
      }
      case 5 -> Map.of("nested", nasty(random)); // not plain: the map path
      default -> nasty(random);
    };
  }

  private static String name(Random random) {
    StringBuilder s = new StringBuilder();
    for (int n = 1 + random.nextInt(3); n > 0; n--) {
      s.append(NAMES[random.nextInt(NAMES.length)]);
    }
    return s.toString();
  }

  private static String nasty(Random random) {
    StringBuilder s = new StringBuilder();
    for (int n = 1 + random.nextInt(3); n > 0; n--) {
      s.append(NASTY[random.nextInt(NASTY.length)]);
    }
    return s.toString();
  }
}
