package io.tokenbroker.keys;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.util.Base64URL;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;

/**
 * A key pair held by the key manager: its reference there, and its public half as a JWK whose
 * {@code kid} is its RFC 7638 thumbprint, with {@code use=sig} and {@code alg} set.
 */
public record ManagedKey(String keyReference, JWSAlgorithm algorithm, JWK publicJwk) {

  public ManagedKey {
    if (!publicJwk.getKeyID().equals(thumbprint(publicJwk))) {
      throw new IllegalArgumentException("kid must be the key's RFC 7638 thumbprint");
    }
    if (publicJwk.getKeyUse() != KeyUse.SIGNATURE || !algorithm.equals(publicJwk.getAlgorithm())) {
      throw new IllegalArgumentException("published key must say use=sig and its alg");
    }
  }

  public String kid() {
    return publicJwk.getKeyID();
  }

  /**
   * The key's RFC 7638 SHA-256 thumbprint, as {@link JWK#computeThumbprint()} gives it. The
   * canonical JSON of the required members is written here when every value is base64url or a curve
   * name (every key the broker publishes): Nimbus writes it through its Gson, whose start-up alone
   * cost a cold authorizer about 70-100 ms (docs/performance.md). Any other value is left to
   * Nimbus, so the result is Nimbus's in every case.
   */
  static String thumbprint(JWK jwk) {
    try {
      String canonical = canonicalRequiredMembers(jwk.getRequiredParams());
      if (canonical == null) {
        return jwk.computeThumbprint().toString();
      }
      return Base64URL.encode(
              MessageDigest.getInstance("SHA-256")
                  .digest(canonical.getBytes(StandardCharsets.US_ASCII)))
          .toString();
    } catch (JOSEException | NoSuchAlgorithmException e) {
      throw new IllegalArgumentException("cannot compute the key's thumbprint", e);
    }
  }

  /**
   * {"name":"value",...} in the order given (Nimbus gives RFC 7638's, sorted), or null when a value
   * is anything but a non-empty run of base64url characters, which JSON writes as is.
   */
  private static String canonicalRequiredMembers(Map<String, ?> members) {
    StringBuilder json = new StringBuilder(512).append('{');
    for (Map.Entry<String, ?> member : members.entrySet()) {
      if (!(member.getValue() instanceof String value)
          || !base64UrlChars(member.getKey())
          || !base64UrlChars(value)) {
        return null;
      }
      if (json.length() > 1) {
        json.append(',');
      }
      json.append('"').append(member.getKey()).append("\":\"").append(value).append('"');
    }
    return json.append('}').toString();
  }

  private static boolean base64UrlChars(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(c >= 'A' && c <= 'Z'
          || c >= 'a' && c <= 'z'
          || c >= '0' && c <= '9'
          || c == '-'
          || c == '_')) {
        return false;
      }
    }
    return true;
  }
}
