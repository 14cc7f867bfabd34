package io.tokenbroker.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Issue 13: an event's fields are kept in two arrays rather than a {@code LinkedHashMap} copied per
 * {@link TelemetryEvent#with}; on random sequences of {@code with} (names repeated, null values
 * left out) they are what the map was: the same entries in the same order (a repeated name keeps
 * its first place and takes the last value), equal to it both ways, the same hash and text.
 */
class TelemetryEventFieldsTest {

  private static final String[] NAMES = {"reason", "client_id", "jti", "method", "a", "b"};

  @Test
  void withKeepsWhatALinkedHashMapKept() {
    Random random = new Random(13);
    for (int i = 0; i < 20_000; i++) {
      TelemetryEvent event = TelemetryEvent.info("x");
      Map<String, Object> model = new LinkedHashMap<>();
      for (int n = random.nextInt(8); n > 0; n--) {
        String name = NAMES[random.nextInt(NAMES.length)];
        Object value =
            switch (random.nextInt(4)) {
              case 0 -> null;
              case 1 -> random.nextLong();
              case 2 -> List.of("v" + random.nextInt(3));
              default -> "v" + random.nextInt(3);
            };
        TelemetryEvent before = event;
        event = event.with(name, value);
        if (value == null) {
          assertThat(event).isSameAs(before);
        } else {
          model.put(name, value);
        }
      }
      Map<String, Object> fields = event.fields();
      assertThat(new ArrayList<>(fields.entrySet())).isEqualTo(new ArrayList<>(model.entrySet()));
      assertThat(new ArrayList<>(fields.keySet())).isEqualTo(new ArrayList<>(model.keySet()));
      assertThat(fields).isEqualTo(model);
      assertThat(model).isEqualTo(fields);
      assertThat(fields.hashCode()).isEqualTo(model.hashCode());
      assertThat(fields.toString()).isEqualTo(model.toString());
      assertThat(fields.size()).isEqualTo(model.size());
      for (String name : NAMES) {
        assertThat(fields.containsKey(name)).isEqualTo(model.containsKey(name));
        assertThat(fields.get(name)).isEqualTo(model.get(name));
      }
      assertThat(new TelemetryEvent(event.level(), event.name(), model, event.metrics()))
          .isEqualTo(event);
    }
  }

  @Test
  void aMapGivenToTheConstructorIsCopiedInItsOrderAndNeverChanged() {
    Map<String, Object> given = new LinkedHashMap<>();
    given.put("z", 1);
    given.put("a", null);
    given.put("m", "x");
    TelemetryEvent event = new TelemetryEvent(TelemetryEvent.Level.INFO, "e", given, List.of());
    given.put("later", true);

    assertThat(new ArrayList<>(event.fields().keySet())).containsExactly("z", "a", "m");
    assertThat(event.fields()).containsEntry("a", null).doesNotContainKey("later");
    assertThatThrownBy(() -> event.fields().put("b", 2))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThat(new ArrayList<>(event.with("z", 2).fields().values())).containsExactly(2, null, "x");
    assertThat(event.fields()).isNotEqualTo(new HashMap<>(given));
  }
}
