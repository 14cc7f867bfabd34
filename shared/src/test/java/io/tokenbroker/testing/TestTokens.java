package io.tokenbroker.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import io.tokenbroker.identifiers.TokenId;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Access tokens built byte by byte, so a test can break exactly one thing (a header member, a
 * claim, the encoding) and still sign the result properly with a real key.
 */
public final class TestTokens {

  private static final SecureRandom RANDOM = new SecureRandom();

  private TestTokens() {}

  public static Map<String, Object> header(JWK key) {
    Map<String, Object> header = new LinkedHashMap<>();
    header.put("alg", key.getAlgorithm().getName());
    header.put("typ", "at+jwt");
    header.put("kid", key.getKeyID());
    return header;
  }

  /** The claims the broker puts in a token for {@code audience}, issued at {@code now}. */
  public static Map<String, Object> claims(String issuer, String audience, Instant now) {
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("iss", issuer);
    claims.put("sub", "workload");
    claims.put("aud", audience);
    claims.put("client_id", "workload");
    claims.put("scope", "orders:read");
    claims.put("iat", now.getEpochSecond());
    claims.put("nbf", now.getEpochSecond());
    claims.put("exp", now.getEpochSecond() + 300);
    claims.put("jti", TokenId.random(RANDOM).value());
    return claims;
  }

  public static String token(JWK key, Map<String, Object> header, Map<String, Object> claims) {
    return raw(key, JSONObjectUtils.toJSONString(header), JSONObjectUtils.toJSONString(claims));
  }

  /** Signs whatever header and payload text it is given, with the key's algorithm. */
  public static String raw(JWK key, String headerJson, String payloadJson) {
    String signingInput = b64(headerJson) + "." + b64(payloadJson);
    return signingInput
        + "."
        + Base64URL.encode(sign(key, signingInput.getBytes(StandardCharsets.US_ASCII)));
  }

  public static byte[] sign(JWK key, byte[] signingInput) {
    try {
      JWSHeader header = new JWSHeader((JWSAlgorithm) key.getAlgorithm());
      return switch (key) {
        case RSAKey rsa -> new RSASSASigner(rsa).sign(header, signingInput).decode();
        case ECKey ec -> new ECDSASigner(ec).sign(header, signingInput).decode();
        default -> throw new IllegalArgumentException("no signer for " + key.getKeyType());
      };
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String b64(String text) {
    return Base64URL.encode(text.getBytes(StandardCharsets.UTF_8)).toString();
  }
}
