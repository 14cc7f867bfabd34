package io.tokenbroker.verifier;

import com.nimbusds.jose.util.Base64URL;
import io.tokenbroker.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Reading and rewriting a real token's parts, to forge the variants an attacker would send. */
final class Tokens {

  private Tokens() {}

  static Map<String, Object> header(String token) throws Exception {
    return Json.object(decode(token.split("\\.")[0]));
  }

  static Map<String, Object> claims(String token) throws Exception {
    return Json.object(decode(token.split("\\.")[1]));
  }

  /** The token with its header replaced (the signature kept: it no longer matches). */
  static String withHeader(String token, String headerJson) {
    String[] parts = token.split("\\.");
    return b64(headerJson) + "." + parts[1] + "." + parts[2];
  }

  /** The token with its payload replaced (the signature kept: it no longer matches). */
  static String withPayload(String token, String payloadJson) {
    String[] parts = token.split("\\.");
    return parts[0] + "." + b64(payloadJson) + "." + parts[2];
  }

  static String payloadJson(String token) {
    return decode(token.split("\\.")[1]);
  }

  static String b64(String text) {
    return Base64URL.encode(text.getBytes(StandardCharsets.UTF_8)).toString();
  }

  private static String decode(String segment) {
    return new Base64URL(segment).decodeToString();
  }
}
