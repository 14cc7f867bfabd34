package io.tokenbroker.adapters.telemetry;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A log line written straight to its UTF-8 bytes, in a buffer kept per thread, then to the stream
 * in one write (issue 13: no builder, string, writer and encoder per line). Strings are escaped as
 * {@link io.tokenbroker.json.JsonText#string} escapes them, so the text holds no lone surrogate and
 * its bytes are what any UTF-8 encoder makes of it. {@code JsonLinesTelemetryDifferentialTest}
 * holds the bytes to {@code println} of the line's text.
 */
final class Utf8Line implements JsonLinesTelemetry.Out {

  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private static final int KEPT = 16 * 1024;
  private static final ThreadLocal<Utf8Line> LINE = ThreadLocal.withInitial(Utf8Line::new);

  private byte[] bytes = new byte[1024];
  private int length;

  private Utf8Line() {}

  /** The thread's line, emptied. */
  static Utf8Line start() {
    Utf8Line line = LINE.get();
    line.length = 0;
    return line;
  }

  /** The line to {@code out} in one write; a long line's buffer is not kept. */
  void writeTo(PrintStream out) {
    out.write(bytes, 0, length);
    if (bytes.length > KEPT) {
      bytes = new byte[1024];
    }
  }

  /** Text that needs no escaping (a line another writer made), as UTF-8. */
  void rawUtf8(String text) {
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    room(utf8.length);
    System.arraycopy(utf8, 0, bytes, length, utf8.length);
    length += utf8.length;
  }

  @Override
  public Utf8Line raw(String ascii) {
    int n = ascii.length();
    room(n);
    byte[] out = bytes;
    int at = length;
    for (int i = 0; i < n; i++) {
      out[at++] = (byte) ascii.charAt(i);
    }
    length = at;
    return this;
  }

  @Override
  public Utf8Line raw(char ascii) {
    room(1);
    bytes[length++] = (byte) ascii;
    return this;
  }

  @Override
  public Utf8Line number(long value) {
    return raw(Long.toString(value));
  }

  @Override
  public Utf8Line string(String s) {
    int n = s.length();
    room(n * 6 + 2); // at most six bytes a character (an escape)
    byte[] out = bytes;
    int at = length;
    out[at++] = '"';
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        if (c >= 0x20 && c != '"' && c != '\\') {
          out[at++] = (byte) c;
          continue;
        }
        out[at++] = '\\';
        switch (c) {
          case '"' -> out[at++] = '"';
          case '\\' -> out[at++] = '\\';
          case '\n' -> out[at++] = 'n';
          case '\r' -> out[at++] = 'r';
          case '\t' -> out[at++] = 't';
          case '\b' -> out[at++] = 'b';
          case '\f' -> out[at++] = 'f';
          default -> at = unicodeEscape(out, at, c);
        }
      } else if (c < 0x800) {
        out[at++] = (byte) (0xC0 | c >> 6);
        out[at++] = (byte) (0x80 | c & 0x3F);
      } else if (Character.isHighSurrogate(c)
          && i + 1 < n
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        int code = Character.toCodePoint(c, s.charAt(++i)); // a well-formed pair: as is
        out[at++] = (byte) (0xF0 | code >> 18);
        out[at++] = (byte) (0x80 | code >> 12 & 0x3F);
        out[at++] = (byte) (0x80 | code >> 6 & 0x3F);
        out[at++] = (byte) (0x80 | code & 0x3F);
      } else if (Character.isSurrogate(c) || c == '\u2028' || c == '\u2029') {
        out[at++] = '\\';
        at = unicodeEscape(out, at, c);
      } else {
        out[at++] = (byte) (0xE0 | c >> 12);
        out[at++] = (byte) (0x80 | c >> 6 & 0x3F);
        out[at++] = (byte) (0x80 | c & 0x3F);
      }
    }
    out[at++] = '"';
    length = at;
    return this;
  }

  /** {@code uXXXX} (the backslash written before), lower-case hex as JsonText writes it. */
  private static int unicodeEscape(byte[] out, int at, char c) {
    out[at++] = 'u';
    out[at++] = HEX[c >> 12];
    out[at++] = HEX[c >> 8 & 0xF];
    out[at++] = HEX[c >> 4 & 0xF];
    out[at++] = HEX[c & 0xF];
    return at;
  }

  private void room(int more) {
    if (length + more > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
    }
  }
}
