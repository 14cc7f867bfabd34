package io.tokenbroker.client;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code private_key_jwt} (RFC 7523): {@code POST /token} with a new client assertion for every
 * request, made as the broker requires: {@code iss} = {@code sub} = the client id, {@code aud} the
 * broker's issuer as one string, a random {@code jti} (each assertion works once), {@code exp} 60 s
 * ahead (the broker accepts at most 300), an asymmetric algorithm (RS/PS/ES 256/384/512) and the
 * registered key's {@code kid}.
 *
 * <p>The key comes from a private JWK file (what {@code brokerctl keygen} writes), a PKCS#8 PEM
 * file, or any Nimbus {@link JWSSigner}, such as {@link KmsAssertionSigner} for a KMS key.
 */
public final class PrivateKeyJwt implements ClientAuthentication {

  static final String JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
  private static final Duration DEFAULT_LIFETIME = Duration.ofSeconds(60);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String clientId;
  private final JWSSigner signer;
  private final JWSAlgorithm algorithm;
  private final Optional<String> keyId;
  private final Clock clock;
  private final Duration lifetime;

  private PrivateKeyJwt(
      String clientId,
      JWSSigner signer,
      JWSAlgorithm algorithm,
      Optional<String> keyId,
      Clock clock,
      Duration lifetime) {
    this.clientId = clientId;
    this.signer = signer;
    this.algorithm = algorithm;
    this.keyId = keyId;
    this.clock = clock;
    this.lifetime = lifetime;
  }

  /**
   * Assertions signed by {@code signer} with {@code algorithm}; {@code keyId} is the {@code kid} of
   * the public key registered for the client (the broker tries every fitting key without one).
   */
  public static PrivateKeyJwt signedBy(
      String clientId, JWSSigner signer, JWSAlgorithm algorithm, String keyId) {
    if (!signer.supportedJWSAlgorithms().contains(algorithm)) {
      throw new IllegalArgumentException("the signer cannot sign " + algorithm);
    }
    return new PrivateKeyJwt(
        clientId,
        signer,
        algorithm,
        Optional.ofNullable(keyId),
        Clock.systemUTC(),
        DEFAULT_LIFETIME);
  }

  /**
   * The private key in a JWK file ({@code brokerctl keygen --out FILE}); its {@code kid} and {@code
   * alg} (or, without one, ES256/384/512 by curve and RS256 for RSA).
   */
  public static PrivateKeyJwt fromJwkFile(String clientId, Path jwkFile) {
    JWK jwk = KeyFiles.privateJwk(jwkFile);
    try {
      return switch (jwk) {
        case ECKey ec ->
            signedBy(
                clientId,
                new ECDSASigner(ec),
                jwk.getAlgorithm() != null
                    ? JWSAlgorithm.parse(jwk.getAlgorithm().getName())
                    : ecAlgorithm(ec.getCurve()),
                jwk.getKeyID());
        case RSAKey rsa ->
            signedBy(
                clientId,
                new RSASSASigner(rsa),
                jwk.getAlgorithm() != null
                    ? JWSAlgorithm.parse(jwk.getAlgorithm().getName())
                    : JWSAlgorithm.RS256,
                jwk.getKeyID());
        default -> throw new IllegalArgumentException(jwkFile + " is not an RSA or EC key");
      };
    } catch (JOSEException e) {
      throw new IllegalArgumentException(jwkFile + " holds an unusable key");
    }
  }

  /**
   * The private key in a PKCS#8 PEM file ({@code -----BEGIN PRIVATE KEY-----}; {@code openssl pkcs8
   * -topk8 -nocrypt} converts others), signing with {@code algorithm}; {@code keyId} as in {@link
   * #signedBy}.
   */
  public static PrivateKeyJwt fromPemFile(
      String clientId, Path pemFile, JWSAlgorithm algorithm, String keyId) {
    PrivateKey key = KeyFiles.pkcs8(pemFile);
    try {
      JWSSigner signer =
          switch (key) {
            case ECPrivateKey ec -> new ECDSASigner(ec);
            case RSAPrivateKey rsa -> new RSASSASigner(rsa);
            default -> throw new IllegalArgumentException(pemFile + " is not an RSA or EC key");
          };
      return signedBy(clientId, signer, algorithm, keyId);
    } catch (JOSEException e) {
      throw new IllegalArgumentException(pemFile + " holds an unusable key");
    }
  }

  /** The same, with the clock that dates the assertions (the broker checks them by its own). */
  public PrivateKeyJwt withClock(Clock clock) {
    return new PrivateKeyJwt(clientId, signer, algorithm, keyId, clock, lifetime);
  }

  /** The same, with assertions living {@code lifetime} (the broker accepts at most 300 s). */
  public PrivateKeyJwt withLifetime(Duration lifetime) {
    if (lifetime.isNegative() || lifetime.isZero()) {
      throw new IllegalArgumentException("lifetime must be positive");
    }
    return new PrivateKeyJwt(clientId, signer, algorithm, keyId, clock, lifetime);
  }

  public String clientId() {
    return clientId;
  }

  @Override
  public String tokenPath() {
    return "/token";
  }

  @Override
  public HttpRequest.Builder post(URI endpoint, String issuer, Map<String, String> parameters) {
    Map<String, String> form = new LinkedHashMap<>(parameters);
    form.put("client_id", clientId);
    form.put("client_assertion_type", JWT_BEARER);
    form.put("client_assertion", assertion(issuer));
    return HttpRequest.newBuilder(endpoint)
        .header("Content-Type", Forms.CONTENT_TYPE)
        .POST(HttpRequest.BodyPublishers.ofString(Forms.encode(form)));
  }

  /** A new assertion addressed to {@code audience}. */
  String assertion(String audience) {
    Instant now = clock.instant();
    byte[] jti = new byte[16];
    RANDOM.nextBytes(jti);
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .issuer(clientId)
            .subject(clientId)
            .audience(audience) // one string: the broker refuses an array
            .jwtID(Base64URL.encode(jti).toString())
            .issueTime(Date.from(now))
            .expirationTime(Date.from(now.plus(lifetime)))
            .build();
    JWSHeader.Builder header = new JWSHeader.Builder(algorithm);
    keyId.ifPresent(header::keyID);
    SignedJWT jwt = new SignedJWT(header.build(), claims);
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new TokenUnavailable("cannot sign the client assertion: " + e.getMessage(), e);
    }
    return jwt.serialize();
  }

  private static JWSAlgorithm ecAlgorithm(Curve curve) {
    if (Curve.P_256.equals(curve)) {
      return JWSAlgorithm.ES256;
    }
    if (Curve.P_384.equals(curve)) {
      return JWSAlgorithm.ES384;
    }
    if (Curve.P_521.equals(curve)) {
      return JWSAlgorithm.ES512;
    }
    throw new IllegalArgumentException("curve " + curve + " is not one the broker accepts");
  }

  @Override
  public String toString() {
    return "PrivateKeyJwt[client "
        + clientId
        + ", "
        + algorithm
        + keyId.map(k -> ", kid " + k).orElse("")
        + "]";
  }
}
