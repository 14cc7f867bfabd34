package io.tokenbroker.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;

/**
 * RFC 7523 client assertions ({@code private_key_jwt}), signed with real keys, as a workload would
 * make them and present them in a form: the one place tests build them.
 */
public final class ClientAssertions {

  /** RFC 7523 section 2.2's client_assertion_type, spelled here and not taken from the code. */
  public static final String JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

  private ClientAssertions() {}

  /**
   * A fresh assertion from {@code clientId} to {@code audience}: {@link #claims}, signed with the
   * key's own algorithm (or ES256 for an EC key, RS256 for an RSA key that names none).
   */
  public static String signed(JWK key, String clientId, String audience, Instant now) {
    return sign(key, algorithm(key), claims(clientId, audience, now).build());
  }

  /**
   * The form parameters that present {@code assertion}, URL-encoded, without a leading {@code &}:
   * {@code client_assertion_type=...&client_assertion=...}.
   */
  public static String formParameters(String assertion) {
    return "client_assertion_type="
        + URLEncoder.encode(JWT_BEARER, StandardCharsets.UTF_8)
        + "&client_assertion="
        + URLEncoder.encode(assertion, StandardCharsets.UTF_8);
  }

  /** Claims a well-behaved client sends: iss = sub = client, aud, 60 s exp, fresh jti. */
  public static JWTClaimsSet.Builder claims(String clientId, String audience, Instant now) {
    return new JWTClaimsSet.Builder()
        .issuer(clientId)
        .subject(clientId)
        .audience(audience)
        .issueTime(Date.from(now))
        .expirationTime(Date.from(now.plusSeconds(60)))
        .jwtID(UUID.randomUUID().toString());
  }

  private static JWSAlgorithm algorithm(JWK key) {
    if (key.getAlgorithm() != null) {
      return JWSAlgorithm.parse(key.getAlgorithm().getName());
    }
    return switch (key) {
      case ECKey ec -> JWSAlgorithm.ES256;
      case RSAKey rsa -> JWSAlgorithm.RS256;
      default -> throw new IllegalArgumentException("no algorithm for " + key.getKeyType());
    };
  }

  public static String sign(JWK key, JWSAlgorithm alg, JWTClaimsSet claims) {
    return sign(key, new JWSHeader.Builder(alg).keyID(key.getKeyID()).build(), claims);
  }

  public static String sign(JWK key, JWSHeader header, JWTClaimsSet claims) {
    try {
      SignedJWT jwt = new SignedJWT(header, claims);
      jwt.sign(
          switch (key) {
            case RSAKey rsa -> new RSASSASigner(rsa);
            case ECKey ec -> new ECDSASigner(ec);
            default -> throw new IllegalArgumentException("no signer for " + key.getKeyType());
          });
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }
}
