package io.tokenbroker.adapters.lifecycle;

import com.nimbusds.jose.util.JSONObjectUtils;
import io.tokenbroker.auth.ClientAssertionVerifier;
import io.tokenbroker.jose.JwtTypes;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The synthetic API Gateway events SnapStart priming sends through a function. Each one is refused
 * after it has been parsed, validated and looked up: its client ({@value #CLIENT_ID}) is registered
 * nowhere, and its tokens and assertions carry an all-zero signature that verifies under no key.
 * Nothing in them is secret, random or time-derived.
 */
public final class PrimingEvents {

  /** The client the priming requests claim to be. */
  public static final String CLIENT_ID = "snapstart-priming";

  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
  private static final long FAR_FUTURE = 4_102_444_800L; // 2100-01-01: never the reason to refuse

  private PrimingEvents() {}

  /** A REST API (payload 1.0) form POST. */
  public static byte[] post(String path, String form) {
    Map<String, Object> event =
        restEvent("POST", path, Map.of("Content-Type", "application/x-www-form-urlencoded"));
    event.put("body", form);
    event.put("isBase64Encoded", false);
    return json(event);
  }

  /** A REST API (payload 1.0) GET. */
  public static byte[] get(String path) {
    return json(restEvent("GET", path, Map.of("Accept", "application/json")));
  }

  private static Map<String, Object> restEvent(
      String method, String path, Map<String, String> headers) {
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("resource", path);
    event.put("path", path);
    event.put("httpMethod", method);
    event.put("headers", headers);
    event.put(
        "requestContext",
        Map.of(
            "requestId",
            CLIENT_ID,
            "stage",
            "prime",
            "identity",
            Map.of("sourceIp", "127.0.0.1", "userAgent", CLIENT_ID)));
    return event;
  }

  /** An HTTP API (payload 2.0) authorizer event carrying {@code bearerToken}. */
  public static byte[] authorizer(String bearerToken) {
    return json(
        Map.of(
            "version", "2.0",
            "type", "REQUEST",
            "routeArn", "arn:aws:execute-api:us-east-1:000000000000:prime/prime/GET/snapstart",
            "rawPath", "/snapstart",
            "headers", Map.of("authorization", "Bearer " + bearerToken),
            "requestContext", Map.of("stage", "prime", "http", Map.of("method", "GET"))));
  }

  /**
   * A form authenticating as {@value #CLIENT_ID} with a {@code private_key_jwt} assertion for
   * {@code audience}, plus {@code more} (already encoded, starting with {@code &}).
   */
  public static String clientAssertionForm(String audience, String more) {
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("iss", CLIENT_ID);
    claims.put("sub", CLIENT_ID);
    claims.put("aud", audience);
    claims.put("jti", CLIENT_ID);
    claims.put("iat", FAR_FUTURE - 60);
    claims.put("exp", FAR_FUTURE);
    String assertion = forgedJws(Map.of("alg", "RS256", "typ", "JWT", "kid", CLIENT_ID), claims);
    return "client_id="
        + CLIENT_ID
        + "&client_assertion_type="
        + URLEncoder.encode(ClientAssertionVerifier.JWT_BEARER, StandardCharsets.UTF_8)
        + "&client_assertion="
        + assertion
        + more;
  }

  /** An access token shaped like the broker's, naming {@code kid}, whose signature is zeros. */
  public static String forgedAccessToken(String issuer, String kid, String alg) {
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("iss", issuer);
    claims.put("sub", CLIENT_ID);
    claims.put("client_id", CLIENT_ID);
    claims.put("aud", issuer);
    claims.put("scope", "snapstart:prime");
    claims.put("jti", CLIENT_ID);
    claims.put("iat", FAR_FUTURE - 60);
    claims.put("exp", FAR_FUTURE);
    return forgedJws(
        Map.of("alg", alg, "typ", JwtTypes.ACCESS_TOKEN.getType(), "kid", kid), claims);
  }

  private static String forgedJws(Map<String, Object> header, Map<String, Object> claims) {
    // 256 bytes: the size of an RS256 signature under a 2048-bit key; ES256 refuses it by length.
    return part(JSONObjectUtils.toJSONString(header))
        + "."
        + part(JSONObjectUtils.toJSONString(claims))
        + "."
        + BASE64URL.encodeToString(new byte[256]);
  }

  private static String part(String json) {
    return BASE64URL.encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] json(Map<String, Object> event) {
    return JSONObjectUtils.toJSONString(event).getBytes(StandardCharsets.UTF_8);
  }
}
