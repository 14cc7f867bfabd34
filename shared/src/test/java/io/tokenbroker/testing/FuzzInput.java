package io.tokenbroker.testing;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * The input format of the fuzz targets, simple enough to write seeds by hand: the first byte picks
 * a mode (modulo the target's number of modes), the rest is text (UTF-8, malformed bytes replaced)
 * whose lines are the parts the mode needs, e.g. {@code header \n payload} for a token the harness
 * signs. Placeholders such as {@code $RSA_KID} stand for values only known at run time (fresh
 * keys), so that seeds and the fuzzer can reach the checks behind a key lookup.
 *
 * @param mode the mode, {@code 0 <= mode < modes}
 * @param raw the bytes after the mode byte, as given
 * @param text those bytes as text
 */
public record FuzzInput(int mode, byte[] raw, String text) {

  public static FuzzInput of(byte[] data, int modes) {
    if (data.length == 0) {
      return new FuzzInput(0, data, "");
    }
    byte[] rest = Arrays.copyOfRange(data, 1, data.length);
    return new FuzzInput((data[0] & 0xFF) % modes, rest, new String(rest, StandardCharsets.UTF_8));
  }

  /** The text's first {@code n} lines (the last one keeps any further newlines); "" if missing. */
  public String[] lines(int n) {
    String[] lines = Arrays.copyOf(text.split("\n", n), n);
    Arrays.setAll(lines, i -> lines[i] == null ? "" : lines[i]);
    return lines;
  }

  /** {@code text} with each placeholder replaced by its value. */
  public static String substitute(String text, Map<String, String> placeholders) {
    if (text.indexOf('$') < 0) {
      return text;
    }
    String result = text;
    for (Map.Entry<String, String> p : placeholders.entrySet()) {
      result = result.replace(p.getKey(), p.getValue());
    }
    return result;
  }
}
