package io.tokenbroker.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link GsonStyleJson} writes what Nimbus's {@code JSONObjectUtils.toJSONString} writes. */
class GsonStyleJsonTest {

  @Test
  void theAnswersOfTheHttpFunctionsAreWrittenAsNimbusWritesThem() {
    Map<String, Object> token = new LinkedHashMap<>();
    token.put("access_token", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln");
    token.put("token_type", "Bearer");
    token.put("expires_in", 300L);
    token.put("scope", "orders:read orders:write");
    assertSame(token);
    assertSame(Map.of("error", "invalid_client", "error_description", "client \"x\" <&> 'y' ="));
    assertSame(Map.of("statusCode", 200, "headers", Map.of("A", "b"), "body", "{}", "b64", false));
    Map<String, Object> nulls = new LinkedHashMap<>();
    nulls.put("none", null);
    nulls.put("list", List.of("a", 1, true, Map.of()));
    nulls.put("empty", List.of());
    assertSame(nulls);
    assertSame(Map.of());
  }

  @Test
  void everyCharacterIsEscapedAsGsonEscapesIt() {
    for (int c = 0; c <= 0xFFFF; c++) {
      String s = "a" + (char) c + "b";
      assertSame(Map.of("k" + (char) c, s));
    }
    assertSame(Map.of("pair", "\uD83D\uDE00", "lone", "\uD800x\uDC00"));
  }

  @Test
  void randomDocumentsAreWrittenAsNimbusWritesThem() {
    Random random = new Random(13);
    for (int i = 0; i < 5_000; i++) {
      assertSame(randomMap(random, 0));
    }
  }

  @Test
  void otherValueTypesAreLeftToNimbus() {
    assertThat(GsonStyleJson.write(Map.of("n", 1.5))).isNull();
    assertThat(GsonStyleJson.write(Map.of("n", List.of(new Object())))).isNull();
    Map<Object, Object> numberKeys = new HashMap<>(Map.of(1, "a"));
    assertThat(GsonStyleJson.write(Map.of("m", numberKeys))).isNull();
  }

  private static void assertSame(Map<String, ?> map) {
    assertThat(GsonStyleJson.write(map)).isEqualTo(JSONObjectUtils.toJSONString(map));
  }

  private static Map<String, Object> randomMap(Random random, int depth) {
    Map<String, Object> map = new LinkedHashMap<>();
    int members = random.nextInt(6);
    for (int i = 0; i < members; i++) {
      map.put(randomString(random), randomValue(random, depth + 1));
    }
    return map;
  }

  private static Object randomValue(Random random, int depth) {
    int kind = random.nextInt(depth > 3 ? 6 : 8);
    return switch (kind) {
      case 0 -> null;
      case 1 -> random.nextBoolean();
      case 2 -> random.nextLong();
      case 3 -> random.nextInt();
      case 4, 5 -> randomString(random);
      case 6 -> randomMap(random, depth);
      default -> {
        List<Object> list = new ArrayList<>();
        int n = random.nextInt(4);
        for (int i = 0; i < n; i++) {
          list.add(randomValue(random, depth + 1));
        }
        yield list;
      }
    };
  }

  private static String randomString(Random random) {
    int length = random.nextInt(12);
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < length; i++) {
      s.append(
          switch (random.nextInt(4)) {
            case 0 -> (char) random.nextInt(0x80);
            case 1 -> (char) random.nextInt(0x30);
            case 2 -> (char) (0xD800 + random.nextInt(0x800));
            default -> (char) random.nextInt(0x10000);
          });
    }
    return s.toString();
  }
}
