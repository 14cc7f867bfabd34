package io.tokenbroker.jose;

import io.tokenbroker.errors.OAuthError;
import io.tokenbroker.errors.RequestRejected;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

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

  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

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
    String header = token.substring(0, first);
    String payload = token.substring(first + 1, second);
    String signature = token.substring(second + 1);
    if (header.isEmpty() || payload.isEmpty() || signature.isEmpty()) {
      throw invalid(signature.isEmpty() ? JwsReason.SIGNATURE_MISSING : JwsReason.EMPTY_SEGMENT);
    }
    return new CompactJws(
        header,
        decodeCanonical(header),
        decodeCanonical(payload),
        decodeCanonical(signature),
        token.substring(0, second).getBytes(StandardCharsets.US_ASCII));
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
    for (int i = 0; i < segment.length(); i++) {
      char c = segment.charAt(i);
      boolean alphabet =
          (c >= 'A' && c <= 'Z')
              || (c >= 'a' && c <= 'z')
              || (c >= '0' && c <= '9')
              || c == '-'
              || c == '_';
      if (!alphabet) {
        throw invalid(JwsReason.NON_CANONICAL_BASE64URL);
      }
    }
    if (segment.length() % 4 == 1) {
      throw invalid(JwsReason.NON_CANONICAL_BASE64URL);
    }
    byte[] bytes = DECODER.decode(segment);
    // Unused low bits of the last character must be zero: re-encoding must give the same text.
    if (!ENCODER.encodeToString(bytes).equals(segment)) {
      throw invalid(JwsReason.NON_CANONICAL_BASE64URL);
    }
    return bytes;
  }

  private static String utf8(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      throw invalid(JwsReason.NOT_UTF8);
    }
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
