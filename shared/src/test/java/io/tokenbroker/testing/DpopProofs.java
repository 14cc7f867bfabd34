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
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * DPoP proofs made by hand with real keys, for tests: a well-formed proof by default, and any
 * member of its header or claims replaced or removed, so a test can break exactly one rule. The
 * JSON and the signature are made here, not by the code under test.
 */
public final class DpopProofs {

  private final JWK key;
  private final Map<String, Object> header = new LinkedHashMap<>();
  private final Map<String, Object> claims = new LinkedHashMap<>();
  private JWK signingKey;
  private String rawHeader;
  private String rawClaims;

  private DpopProofs(JWK key, String method, String url, Instant iat) {
    this.key = key;
    this.signingKey = key;
    header.put("typ", "dpop+jwt");
    header.put("alg", key.getAlgorithm().getName());
    header.put("jwk", key.toPublicJWK().toJSONObject());
    claims.put("jti", UUID.randomUUID().toString());
    claims.put("htm", method);
    claims.put("htu", url);
    claims.put("iat", iat.getEpochSecond());
  }

  /** A valid proof by {@code key} (RS256, PS256 or ES256, as its alg) for the request. */
  public static DpopProofs by(JWK key, String method, String url, Instant iat) {
    return new DpopProofs(key, method, url, iat);
  }

  /** A fresh P-256 key with alg ES256. */
  public static ECKey ecKey() {
    return (ECKey) TestKeys.generate(JWSAlgorithm.ES256);
  }

  /** A fresh RSA 2048 key with {@code alg} RS256 or PS256. */
  public static RSAKey rsaKey(JWSAlgorithm alg) {
    return new RSAKey.Builder(TestKeys.rsa()).algorithm(alg).build();
  }

  public DpopProofs header(String name, Object value) {
    header.put(name, value);
    return this;
  }

  public DpopProofs withoutHeader(String name) {
    header.remove(name);
    return this;
  }

  public DpopProofs claim(String name, Object value) {
    claims.put(name, value);
    return this;
  }

  public DpopProofs withoutClaim(String name) {
    claims.remove(name);
    return this;
  }

  /** The ath claim for {@code accessToken}: base64url SHA-256 of its ASCII. */
  public DpopProofs ath(String accessToken) {
    return claim("ath", ath(accessToken.getBytes(StandardCharsets.US_ASCII)));
  }

  /** Replaces the header's JSON text with {@code json} (which need not be JSON). */
  public DpopProofs rawHeader(String json) {
    this.rawHeader = json;
    return this;
  }

  /** Replaces the claims' JSON text with {@code json} (which need not be JSON). */
  public DpopProofs rawClaims(String json) {
    this.rawClaims = json;
    return this;
  }

  /** Signs with another key than the one in the header. */
  public DpopProofs signedBy(JWK other) {
    this.signingKey = other;
    return this;
  }

  public String jti() {
    return (String) claims.get("jti");
  }

  public JWK key() {
    return key;
  }

  /** The compact JWS. */
  public String sign() {
    String signingInput =
        Base64URL.encode(rawHeader != null ? rawHeader : JSONObjectUtils.toJSONString(header))
                .toString()
            + "."
            + Base64URL.encode(rawClaims != null ? rawClaims : JSONObjectUtils.toJSONString(claims))
                .toString();
    try {
      JWSAlgorithm alg = (JWSAlgorithm) signingKey.getAlgorithm();
      JWSHeader forSigner = new JWSHeader(alg);
      byte[] input = signingInput.getBytes(StandardCharsets.US_ASCII);
      Base64URL signature =
          signingKey instanceof ECKey ec
              ? new ECDSASigner(ec).sign(forSigner, input)
              : new RSASSASigner(
                      ((RSAKey) signingKey).toPrivateKey(),
                      java.util.Set.of(com.nimbusds.jose.crypto.opts.AllowWeakRSAKey.getInstance()))
                  .sign(forSigner, input);
      return signingInput + "." + signature;
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String ath(byte[] token) {
    try {
      return Base64URL.encode(MessageDigest.getInstance("SHA-256").digest(token)).toString();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
