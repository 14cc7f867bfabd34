package io.tokenbroker.jose;

import io.tokenbroker.errors.OAuthError;
import io.tokenbroker.errors.RequestRejected;
import java.nio.charset.StandardCharsets;

/**
 * A JWS in compact serialization, taken apart strictly before anything in it is trusted: exactly
 * three non-empty segments, each canonical base64url (RFC 7515 2: no padding, no {@code +} or
 * {@code /}, no whitespace, no stray trailing bits), within a size cap. Five segments (JWE) and
 * anything else are refused.
 *
 * @param signingInput the ASCII bytes of {@code header.payload}, what the signature covers
 */
public record CompactJws(
    String encodedHeader, byte[] header, byte[] payload, byte[] signature, byte[] signingInput) {

  /**
   * @throws RequestRejected {@code invalid_token} with the precise reason
   */
  public static CompactJws parse(String token, int maxLength) {
    if (token.isEmpty()) {
      throw invalid(JwsReason.TOKEN_EMPTY);
    }
    if (token.length() > maxLength) {
      throw invalid(JwsReason.TOKEN_TOO_LARGE);
    }
    int first = token.indexOf('.');
    int second = first < 0 ? -1 : token.indexOf('.', first + 1);
    if (first < 0 || second < 0) {
      throw invalid(JwsReason.NOT_COMPACT_JWS);
    }
    if (token.indexOf('.', second + 1) >= 0) {
      throw invalid(countDots(token) == 4 ? JwsReason.JWE_NOT_ACCEPTED : JwsReason.NOT_COMPACT_JWS);
    }
    if (first == 0 || second == first + 1 || second == token.length() - 1) {
      throw invalid(
          second == token.length() - 1 ? JwsReason.SIGNATURE_MISSING : JwsReason.EMPTY_SEGMENT);
    }
    // The token's bytes once (one copy of a Latin-1 string; any other character becomes '?', which
    // no segment may hold), each segment decoded from them by the JDK's vectorized decoder.
    if (token.indexOf('=') >= 0) {
      throw invalid(JwsReason.NON_CANONICAL_BASE64URL); // padding, which the JDK would take
    }
    byte[] bytes = token.getBytes(StandardCharsets.ISO_8859_1);
    byte[] header = decodeCanonical(bytes, 0, first);
    byte[] payload = decodeCanonical(bytes, first + 1, second);
    byte[] signature = decodeCanonical(bytes, second + 1, bytes.length);
    // header.payload: base64url characters and the dot, so one byte per character.
    byte[] signingInput = java.util.Arrays.copyOf(bytes, second);
    return new CompactJws(token.substring(0, first), header, payload, signature, signingInput);
  }

  /** The JSON text of the header, checked to be UTF-8. */
  public String headerJson() {
    return utf8(header);
  }

  /** The JSON text of the payload, checked to be UTF-8. */
  public String payloadJson() {
    return utf8(payload);
  }

  /** Decodes base64url, accepting only the one canonical encoding of the bytes. */
  static byte[] decodeCanonical(String segment) {
    if (segment.indexOf('=') >= 0) {
      throw invalid(JwsReason.NON_CANONICAL_BASE64URL);
    }
    byte[] bytes = segment.getBytes(StandardCharsets.ISO_8859_1);
    return decodeCanonical(bytes, 0, bytes.length);
  }

  private static final java.util.Base64.Decoder BASE64URL = java.util.Base64.getUrlDecoder();

  /**
   * Decodes {@code bytes[start, end)}, which hold no {@code =}, as base64url, accepting only the
   * one canonical encoding of the bytes: the alphabet only (the JDK's URL decoder refuses any other
   * byte), not one character over a multiple of four, and the unused low bits of the last character
   * zero (what re-encoding the bytes and comparing checked before issue 13).
   */
  private static byte[] decodeCanonical(byte[] bytes, int start, int end) {
    int tail = (end - start) % 4; // characters after the last full group of four
    if (tail == 1) {
      throw invalid(JwsReason.NON_CANONICAL_BASE64URL);
    }
    // The bits past the last whole byte must be zero: 4 of 2 characters, 2 of 3.
    if (tail > 0 && (sextet((char) (bytes[end - 1] & 0xFF)) & (tail == 2 ? 0xF : 0x3)) != 0) {
      throw invalid(JwsReason.NON_CANONICAL_BASE64URL);
    }
    try {
      // Over a view of the segment, not a copy; without padding the result is exactly sized.
      java.nio.ByteBuffer decoded =
          BASE64URL.decode(java.nio.ByteBuffer.wrap(bytes, start, end - start));
      byte[] array = decoded.array();
      return decoded.arrayOffset() == 0 && decoded.limit() == array.length
          ? array
          : java.util.Arrays.copyOfRange(
              array, decoded.arrayOffset(), decoded.arrayOffset() + decoded.limit());
    } catch (IllegalArgumentException notTheAlphabet) {
      throw invalid(JwsReason.NON_CANONICAL_BASE64URL);
    }
  }

  /** A base64url character's 6-bit value; any other character: a value that makes a group < 0. */
  private static int sextet(char c) {
    return c < 128 ? SEXTETS[c] : -1;
  }

  /** Each base64url character's 6-bit value; -1 for every other ASCII character. */
  private static final byte[] SEXTETS = new byte[128];

  static {
    java.util.Arrays.fill(SEXTETS, (byte) -1);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    for (int i = 0; i < alphabet.length(); i++) {
      SEXTETS[alphabet.charAt(i)] = (byte) i;
    }
  }

  private static String utf8(byte[] bytes) {
    if (isAscii(bytes)) {
      return new String(bytes, StandardCharsets.ISO_8859_1); // ASCII: the same text, one copy
    }
    try {
      return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      throw invalid(JwsReason.NOT_UTF8);
    }
  }

  private static boolean isAscii(byte[] bytes) {
    for (byte b : bytes) {
      if (b < 0) {
        return false;
      }
    }
    return true;
  }

  private static int countDots(String token) {
    int dots = 0;
    for (int i = 0; i < token.length(); i++) {
      if (token.charAt(i) == '.') {
        dots++;
      }
    }
    return dots;
  }

  static RequestRejected invalid(JwsReason reason) {
    return new RequestRejected(OAuthError.INVALID_TOKEN, reason, "invalid token");
  }
}
