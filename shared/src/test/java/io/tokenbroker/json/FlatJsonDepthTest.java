package io.tokenbroker.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Issue 13: {@link FlatJson} counts brackets ({@link Json#requireDepthWithinLimit}) only once its
 * read has failed, not before every read. On random texts of brackets, strings holding brackets,
 * quotes and escapes, members and garbage, nested around the limit, well-formed or not, the read
 * refuses as too deep, refuses as malformed or accepts exactly as the count-then-read did, with the
 * same members.
 */
class FlatJsonDepthTest {

  private static final String[] PIECES = {
    "{\"a\":",
    "{\"b\":",
    "[",
    "[",
    "{",
    "}",
    "]",
    "}",
    "]",
    ",",
    "1",
    "\"x\"",
    "\"[{\"",
    "\"\\\"[\"",
    "\"\\\\\"",
    "\"\\u005b\"",
    "null",
    ":",
    "\"",
    "\\",
    " ",
    "{\"c\":\"d\"}",
    "[\"e\"]"
  };

  @Test
  void refusesAndAcceptsAsTheCountBeforeTheRead() {
    Random random = new Random(13);
    int deep = 0;
    int accepted = 0;
    for (int i = 0; i < 200_000; i++) {
      String text = text(random);
      String before = countThenRead(text);
      String now = read(text);
      assertThat(now).as(text).isEqualTo(before);
      deep += before.equals("TooDeep") ? 1 : 0;
      accepted += before.startsWith("ok") ? 1 : 0;
    }
    assertThat(deep).isGreaterThan(1000);
    assertThat(accepted).isGreaterThan(1000);
    for (int depth = 30; depth < 36; depth++) {
      String nested = "{\"a\":" + "[".repeat(depth - 1) + "]".repeat(depth - 1) + "}";
      assertThat(read(nested)).isEqualTo(countThenRead(nested));
      assertThat(read(nested + "x")).isEqualTo(countThenRead(nested + "x"));
      assertThat(elements("[" + nested + "]")).isEqualTo(countThenElements("[" + nested + "]"));
    }
  }

  @Test
  void elementsRefuseAndAcceptAsTheCountBeforeTheRead() {
    Random random = new Random(17);
    for (int i = 0; i < 100_000; i++) {
      String text = "[" + text(random) + "]";
      assertThat(elements(text)).as(text).isEqualTo(countThenElements(text));
    }
  }

  private static String text(Random random) {
    StringBuilder text = new StringBuilder();
    int depth = random.nextInt(3) == 0 ? 28 + random.nextInt(8) : random.nextInt(4);
    text.append("{\"v\":");
    for (int d = 1; d < depth; d++) {
      text.append(random.nextInt(4) == 0 ? "{\"k\":" : "[");
    }
    for (int n = random.nextInt(6); n > 0; n--) {
      text.append(PIECES[random.nextInt(PIECES.length)]);
    }
    text.append(random.nextBoolean() ? "1" : "\"s\"");
    String closing = new StringBuilder(text).reverse().toString();
    for (char c : closing.toCharArray()) {
      if (c == '[' && random.nextInt(40) > 0) {
        text.append(']');
      } else if (c == '{' && random.nextInt(40) > 0) {
        text.append('}');
      }
    }
    return text.toString();
  }

  private static String countThenRead(String text) {
    try {
      Json.requireDepthWithinLimit(text);
    } catch (Json.TooDeep e) {
      return "TooDeep";
    }
    return read(text);
  }

  private static String read(String text) {
    List<String> members = new ArrayList<>();
    try {
      FlatJson.read(text, (name, value) -> members.add(name + "=" + value));
      return "ok " + members;
    } catch (Json.TooDeep e) {
      return "TooDeep";
    } catch (ParseException e) {
      return "malformed";
    }
  }

  private static String countThenElements(String text) {
    try {
      Json.requireDepthWithinLimit(text);
    } catch (Json.TooDeep e) {
      return "TooDeep";
    }
    return elements(text);
  }

  private static String elements(String text) {
    try {
      return "ok " + FlatJson.elements(text);
    } catch (Json.TooDeep e) {
      return "TooDeep";
    } catch (ParseException e) {
      return "malformed";
    }
  }
}
