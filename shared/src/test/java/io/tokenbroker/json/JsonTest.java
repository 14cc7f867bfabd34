package io.tokenbroker.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.text.ParseException;
import org.junit.jupiter.api.Test;

class JsonTest {

  /** An object whose member {@code a} nests arrays so the whole text is {@code depth} deep. */
  static String nested(int depth) {
    return "{\"a\":" + "[".repeat(depth - 1) + "]".repeat(depth - 1) + "}";
  }

  @Test
  void acceptsNestingUpToTheLimit() throws ParseException {
    assertThat(Json.object(nested(Json.MAX_DEPTH))).containsKey("a");
  }

  @Test
  void refusesNestingOneLevelDeeperThanTheLimit() {
    assertThatThrownBy(() -> Json.object(nested(Json.MAX_DEPTH + 1)))
        .isInstanceOf(Json.TooDeep.class);
    assertThatThrownBy(() -> Json.object("{\"a\":" + "{\"b\":".repeat(32) + "1" + "}".repeat(33)))
        .isInstanceOf(Json.TooDeep.class);
  }

  @Test
  void refusesDeepNestingBeforeAnyParserReadsIt() {
    // 100,000 levels: far past Nimbus's own 255, refused by the bracket count alone.
    assertThatThrownBy(() -> Json.requireDepthWithinLimit(nested(100_000)))
        .isInstanceOf(Json.TooDeep.class);
  }

  @Test
  void countsNoBracketInsideAString() throws ParseException {
    String brackets = "[{".repeat(100);
    String text = "{\"a\":\"" + brackets + "\\\"" + brackets + "\",\"b\":[[1]]}";

    assertThat(Json.object(text)).containsEntry("a", brackets + "\"" + brackets);
  }

  @Test
  void stillRefusesWhatIsNotOneObject() {
    assertThatThrownBy(() -> Json.object("null")).isInstanceOf(ParseException.class);
    assertThatThrownBy(() -> Json.object("[1]")).isInstanceOf(ParseException.class);
    assertThatThrownBy(() -> Json.object("{\"a\":1")).isInstanceOf(ParseException.class);
  }
}
