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
import java.time.Instant;
import java.util.Date;
import java.util.UUID;

/** RFC 7523 client assertions, signed with real keys, as a workload would make them. */
public final class ClientAssertions {

  private ClientAssertions() {}

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
