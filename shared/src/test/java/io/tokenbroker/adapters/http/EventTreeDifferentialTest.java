package io.tokenbroker.adapters.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.shaded.gson.Strictness;
import com.nimbusds.jose.shaded.gson.stream.JsonReader;
import com.nimbusds.jose.shaded.gson.stream.JsonToken;
import io.tokenbroker.errors.RequestRejected;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The HTTP functions' event read without Gson ({@link BoundedEventReader#readEvent}, {@code
 * JsonTree}) against the Gson read it replaced ({@link BoundedEventReader#readJson}): on every
 * event of {@code events/}, the fuzz seeds and tens of thousands of mutations of them, the same
 * tree (and so the same {@link HttpRequest}) or the same refusal with the same reason; or else one
 * of the two places the new read is stricter by design (a member name twice in one object, a
 * top-level array), recognised with Gson's own tokenizer.
 */
class EventTreeDifferentialTest {

  /** A tree and the request read from it, or a refusal's reason. */
  record Outcome(Map<String, Object> tree, Object request, Object refusal) {}

  interface Read {
    Map<String, Object> read(byte[] event) throws IOException;
  }

  static Outcome outcome(byte[] event, Read read) {
    Map<String, Object> tree;
    try {
      tree = read.read(event);
    } catch (RequestRejected rejected) {
      return new Outcome(null, null, rejected.rejectionReason());
    } catch (IOException | RuntimeException e) {
      return new Outcome(null, null, e.getClass().getName());
    }
    Object request;
    try {
      request = ApiGatewayEvents.parse(tree);
    } catch (RequestRejected rejected) {
      request = rejected.rejectionReason();
    } catch (RuntimeException e) {
      request = e.getClass().getName();
    }
    return new Outcome(tree, request, null);
  }

  static Outcome gson(byte[] event) {
    return outcome(event, e -> BoundedEventReader.readJson(new ByteArrayInputStream(e)));
  }

  static Outcome fresh(byte[] event) {
    return outcome(event, e -> BoundedEventReader.readEvent(new ByteArrayInputStream(e)));
  }

  /**
   * Both reads agree, or the new one refuses for one of its two tightenings; true if Gson read the
   * event as JSON.
   */
  static boolean assertSameRead(byte[] event) {
    Outcome gson = gson(event);
    Outcome fresh = fresh(event);
    if (Objects.equals(gson, fresh)) {
      return gson.refusal() == null;
    }
    String text = new String(event, StandardCharsets.UTF_8);
    assertThat(fresh.refusal())
        .as("Gson read %s, the new read %s, for %s", gson, fresh, text)
        .isEqualTo(HttpReason.MALFORMED_EVENT);
    assertThat(gson.refusal()).as("Gson refused %s differently: %s", fresh, text).isNull();
    assertThat(tightening(text))
        .as("the new read refused JSON Gson read, and not for a duplicate name: %s", text)
        .isTrue();
    return true;
  }

  @Test
  void everySampleEventReadsAsGsonReadIt() throws IOException {
    List<byte[]> seeds = seeds();
    assertThat(seeds).hasSizeGreaterThan(30);
    for (byte[] seed : seeds) {
      assertSameRead(seed);
      Outcome fresh = fresh(seed);
      if (seed.length > 0 && seed[0] == '{' && fresh.refusal() == null) {
        assertThat(fresh.tree()).isNotNull();
      }
    }
    // The sample events themselves are read, not refused.
    for (Path event : sampleEvents()) {
      assertThat(fresh(Files.readAllBytes(event)).refusal()).as(event.toString()).isNull();
    }
  }

  @Test
  void mutationsOfTheSamplesReadAsGsonReadThem() throws IOException {
    List<byte[]> seeds = seeds();
    Random random = new Random(13);
    byte[] alphabet =
        "{}[]\",:\\/ \t\n\r0123456789-+.eEtrufalsnbfu\u0000\u001fxyzAB"
            .getBytes(StandardCharsets.UTF_8);
    String[] pieces = {
      "\"a\":1,",
      "\"a\":null,",
      "{\"a\":1,\"a\":2}",
      "\\u00",
      "\\uD800",
      "\\ud83d\\ude00",
      "1e999",
      "-0",
      "01",
      "1.",
      ".5",
      "1e",
      "true",
      "nul",
      "[[[[",
      "]]]]",
      "\uFEFF",
      "\u2028",
      "\"version\":\"2.0\",",
      "12345678901234567890123",
      "\"headers\":{\"a\":1},",
      "\"body\":null,",
      "\"isBase64Encoded\":true,"
    };
    int read = 0;
    for (int i = 0; i < 40_000; i++) {
      byte[] seed = seeds.get(random.nextInt(seeds.size()));
      if (assertSameRead(mutate(seed, random, alphabet, pieces))) {
        read++;
      }
    }
    // Both sides of the border are exercised: many mutations stay JSON, many do not.
    assertThat(read).isBetween(4_000, 36_000);
  }

  private static byte[] mutate(byte[] seed, Random random, byte[] alphabet, String[] pieces) {
    List<Byte> bytes = new ArrayList<>(seed.length + 16);
    for (byte b : seed) {
      bytes.add(b);
    }
    int edits = 1 + random.nextInt(3);
    for (int e = 0; e < edits; e++) {
      int at = bytes.isEmpty() ? 0 : random.nextInt(bytes.size() + 1);
      switch (random.nextInt(5)) {
        case 0 -> {
          if (at < bytes.size()) {
            bytes.remove(at);
          }
        }
        case 1 -> bytes.add(at, alphabet[random.nextInt(alphabet.length)]);
        case 2 -> {
          if (at < bytes.size()) {
            bytes.set(at, alphabet[random.nextInt(alphabet.length)]);
          }
        }
        case 3 -> {
          byte[] piece = pieces[random.nextInt(pieces.length)].getBytes(StandardCharsets.UTF_8);
          for (int p = piece.length - 1; p >= 0; p--) {
            bytes.add(at, piece[p]);
          }
        }
        default -> {
          // a member copied (duplicate names), or a stretch cut out
          int from = bytes.isEmpty() ? 0 : random.nextInt(bytes.size());
          int to = Math.min(bytes.size(), from + random.nextInt(40));
          List<Byte> copy = new ArrayList<>(bytes.subList(from, to));
          bytes.addAll(Math.min(at, bytes.size()), copy);
        }
      }
    }
    byte[] out = new byte[bytes.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = bytes.get(i);
    }
    return out;
  }

  private static List<Path> sampleEvents() throws IOException {
    Path events = Path.of("..", "events");
    try (Stream<Path> files = Files.walk(events)) {
      return files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
  }

  private static List<byte[]> seeds() throws IOException {
    List<byte[]> seeds = new ArrayList<>();
    for (Path event : sampleEvents()) {
      seeds.add(Files.readAllBytes(event));
    }
    Path fuzz = Path.of("src/test/resources/io/tokenbroker/http/HttpFunctionFuzzTestInputs");
    try (Stream<Path> files = Files.walk(fuzz)) {
      for (Path seed : files.filter(Files::isRegularFile).sorted().toList()) {
        seeds.add(Files.readAllBytes(seed));
      }
    }
    return seeds;
  }

  /**
   * Whether the (strict) JSON is a top-level array or names a member twice in one object, as Gson's
   * tokenizer reads it.
   */
  static boolean tightening(String json) {
    try (JsonReader reader = new JsonReader(new StringReader(json))) {
      reader.setStrictness(Strictness.STRICT);
      if (reader.peek() == JsonToken.BEGIN_ARRAY) {
        return true;
      }
      return hasDuplicate(reader);
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private static boolean hasDuplicate(JsonReader reader) throws IOException {
    switch (reader.peek()) {
      case BEGIN_OBJECT -> {
        reader.beginObject();
        Set<String> names = new HashSet<>();
        boolean duplicate = false;
        while (reader.hasNext()) {
          duplicate |= !names.add(reader.nextName());
          duplicate |= hasDuplicate(reader);
        }
        reader.endObject();
        return duplicate;
      }
      case BEGIN_ARRAY -> {
        reader.beginArray();
        boolean duplicate = false;
        while (reader.hasNext()) {
          duplicate |= hasDuplicate(reader);
        }
        reader.endArray();
        return duplicate;
      }
      default -> {
        reader.skipValue();
        return false;
      }
    }
  }
}
