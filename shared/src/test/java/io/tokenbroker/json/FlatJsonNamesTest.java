package io.tokenbroker.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.shaded.gson.Strictness;
import com.nimbusds.jose.shaded.gson.stream.JsonReader;
import java.io.StringReader;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Issue 13: {@link FlatJson} takes a top-level name the broker reads ({@code alg}, {@code sub},
 * {@code client_id}, ...) written without escapes as its constant, any other through its string
 * read. On random objects whose names are those, near misses of them (longer, shorter, escaped, a
 * quote inside, the text cut short), the names and the refusals are Gson's strict reader's.
 */
class FlatJsonNamesTest {

  private static final String[] PIECES = {
    "alg",
    "aud",
    "act",
    "client_id",
    "cnf",
    "exp",
    "iss",
    "iat",
    "jti",
    "kid",
    "nbf",
    "sub",
    "scope",
    "sid",
    "typ",
    "a",
    "s",
    "c",
    "x",
    "_id",
    "\\u0061",
    "\\\"",
    "\\\\",
    "é",
    "\\n",
    "\""
  };

  @Test
  void namesAreGsonsOnRandomObjects() {
    Random random = new Random(13);
    int read = 0;
    for (int i = 0; i < 100_000; i++) {
      StringBuilder text = new StringBuilder("{");
      int members = 1 + random.nextInt(3);
      for (int m = 0; m < members; m++) {
        if (m > 0) {
          text.append(',');
        }
        text.append('"');
        for (int p = 1 + random.nextInt(2); p > 0; p--) {
          text.append(PIECES[random.nextInt(PIECES.length)]);
        }
        text.append(random.nextInt(20) == 0 ? "" : "\"").append(":").append(m);
      }
      text.append('}');
      String json =
          random.nextInt(10) == 0
              ? text.substring(0, random.nextInt(text.length()))
              : text.toString();
      String expected = gson(json);
      assertThat(flat(json)).as(json).isEqualTo(expected);
      read += expected.startsWith("[") ? 1 : 0;
    }
    assertThat(read).isGreaterThan(30_000);
  }

  private static String flat(String json) {
    List<String> names = new ArrayList<>();
    try {
      FlatJson.read(json, (name, value) -> names.add(name));
      return names.toString();
    } catch (ParseException e) {
      return "refused";
    }
  }

  /** Gson's names, or refused; a name twice is refused as FlatJson refuses it. */
  private static String gson(String json) {
    List<String> names = new ArrayList<>();
    try (JsonReader reader = new JsonReader(new StringReader(json))) {
      reader.setStrictness(Strictness.STRICT);
      reader.beginObject();
      while (reader.hasNext()) {
        String name = reader.nextName();
        if (names.contains(name)) {
          return "refused";
        }
        names.add(name);
        reader.skipValue();
      }
      reader.endObject();
      if (reader.peek() != com.nimbusds.jose.shaded.gson.stream.JsonToken.END_DOCUMENT) {
        return "refused";
      }
      return names.toString();
    } catch (Exception e) {
      return "refused";
    }
  }
}
