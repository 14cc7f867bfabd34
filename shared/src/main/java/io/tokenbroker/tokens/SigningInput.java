package io.tokenbroker.tokens;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.tokenbroker.jose.JwtTypes;
import io.tokenbroker.json.GsonStyleJson;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An access token's JWS signing input ({@code base64url(header) '.' base64url(claims)}), byte for
 * byte as Nimbus's {@code new SignedJWT(header, claims).getSigningInput()} makes it, without
 * Nimbus's JSON writer: that builds its Gson, about 160 classes and reflection in a cold start
 * (issue 13). The members go into a {@link HashMap} in the order Nimbus puts them there (so they
 * come out in the same order) and are written by {@link GsonStyleJson}; a claim of any other type
 * is left to Nimbus. {@code SigningInputTest} holds it to Nimbus's.
 */
final class SigningInput {

  private SigningInput() {}

  /** The signing input of an access token: {@code alg}, {@code typ} at+jwt, {@code kid}. */
  static byte[] of(JWSAlgorithm alg, String kid, JWTClaimsSet claims) {
    Map<String, Object> header = new HashMap<>(); // Nimbus's Header.toJSONObject order
    header.put("alg", alg.getName());
    header.put("typ", JwtTypes.ACCESS_TOKEN.getType());
    if (kid != null) {
      header.put("kid", kid);
    }
    String headerJson = GsonStyleJson.write(header);
    String claimsJson = GsonStyleJson.write(claimsObject(claims));
    if (headerJson == null || claimsJson == null) {
      JWSHeader nimbus = new JWSHeader.Builder(alg).type(JwtTypes.ACCESS_TOKEN).keyID(kid).build();
      return new SignedJWT(nimbus, claims).getSigningInput();
    }
    return (Base64URL.encode(headerJson) + "." + Base64URL.encode(claimsJson))
        .getBytes(StandardCharsets.US_ASCII);
  }

  /** {@code JWTClaimsSet.toJSONObject()}: times in seconds, a one-element aud as a string. */
  private static Map<String, Object> claimsObject(JWTClaimsSet claims) {
    Map<String, Object> object = new HashMap<>();
    for (Map.Entry<String, Object> claim : claims.getClaims().entrySet()) {
      Object value = claim.getValue();
      if (value instanceof Date date) {
        object.put(claim.getKey(), date.getTime() / 1000);
      } else if (claim.getKey().equals("aud")) {
        List<String> audience = claims.getAudience();
        if (!audience.isEmpty()) {
          object.put("aud", audience.size() == 1 ? audience.getFirst() : audience);
        }
      } else if (value != null) {
        object.put(claim.getKey(), value);
      }
    }
    return object;
  }
}
