package io.tokenbroker.functions.authorizer;

import java.util.Arrays;

/**
 * ASCII JSON written straight to bytes, for the authorizer's answer: constant parts as they are,
 * strings escaped as {@link io.tokenbroker.json.JsonText#string} escapes them. A string with any
 * other character is not written (false): the caller writes the answer as text instead, whose UTF-8
 * these bytes equal wherever they are written. The buffer is kept per thread.
 */
final class AsciiJson {

  private static final byte[] HEX =
      "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private static final int KEPT = 16 * 1024;
  private static final ThreadLocal<AsciiJson> BUFFER = ThreadLocal.withInitial(AsciiJson::new);

  private byte[] bytes = new byte[1024];
  private int length;

  private AsciiJson() {}

  /** The thread's writer, emptied. */
  static AsciiJson start() {
    AsciiJson out = BUFFER.get();
    out.length = 0;
    return out;
  }

  byte[] toByteArray() {
    byte[] copy = Arrays.copyOf(bytes, length);
    if (bytes.length > KEPT) {
      bytes = new byte[1024]; // an unusual answer's buffer is not kept
    }
    return copy;
  }

  boolean raw(byte[] ascii) {
    room(ascii.length);
    System.arraycopy(ascii, 0, bytes, length, ascii.length);
    length += ascii.length;
    return true;
  }

  boolean number(int value) {
    return raw(Integer.toString(value).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
  }

  /** {@code s} as a JSON string, quotes included; false (nothing promised) at a non-ASCII one. */
  boolean string(String s) {
    int n = s.length();
    room(n * 6 + 2);
    byte[] out = bytes;
    int at = length;
    out[at++] = '"';
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x80) {
        return false;
      }
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
        default -> {
          out[at++] = 'u';
          out[at++] = '0';
          out[at++] = '0';
          out[at++] = HEX[c >> 4];
          out[at++] = HEX[c & 0xF];
        }
      }
    }
    out[at++] = '"';
    length = at;
    return true;
  }

  private void room(int more) {
    if (length + more > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
    }
  }
}
