package io.tokenbroker.client;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.util.Date;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The key a workload proves possession of with DPoP (RFC 9449): the broker binds its tokens to this
 * key's thumbprint ({@code cnf.jkt}), and every request that uses such a token carries a new proof
 * signed by it. One key per {@link TokenClient}: its token requests, refresh grants included, and
 * the API calls its tokens make all use it.
 *
 * <p>ES256 (P-256) by default; ES384 (P-384), RS256 and PS256 (RSA of 2048 bits or more) too. The
 * key comes from {@link #generate()} (in memory only: it lives as long as the process), a private
 * JWK file ({@code brokerctl keygen}), a PKCS#8 PEM file, or a {@link KeyPair} (a PKCS#11 key
 * works: its private key need not be extractable). {@link #toString()} shows the algorithm and
 * thumbprint, never the private key.
 */
public final class DPoPKey {

  /** The algorithms a proof may be signed with (asymmetric, RFC 9449 section 4.2). */
  public static final Set<JWSAlgorithm> ALGORITHMS =
      Set.of(JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.RS256, JWSAlgorithm.PS256);

  static final JOSEObjectType TYPE = new JOSEObjectType("dpop+jwt");
  private static final SecureRandom RANDOM = new SecureRandom();
  // RFC 9110 5.6.2: a method is a token.
  private static final Pattern METHOD = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
  // RFC 9449 8.1: nonce = 1*NQCHAR.
  private static final Pattern NONCE = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]+");
  // RFC 6750 2.1 / RFC 9449 7.1: what an access token in an Authorization header may hold.
  private static final Pattern TOKEN68 = Pattern.compile("[A-Za-z0-9\\-._~+/]+=*");

  private final JWSSigner signer;
  private final JWSAlgorithm algorithm;
  private final JWK publicJwk;
  private final String thumbprint;
  private final Clock clock;

  private DPoPKey(JWSSigner signer, JWSAlgorithm algorithm, JWK publicJwk, Clock clock) {
    this.signer = signer;
    this.algorithm = algorithm;
    this.publicJwk = publicJwk;
    this.clock = clock;
    try {
      this.thumbprint = publicJwk.computeThumbprint().toString();
    } catch (JOSEException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }

  /** A new P-256 key (ES256), held in memory only. */
  public static DPoPKey generate() {
    try {
      ECKey key = new ECKeyGenerator(Curve.P_256).generate();
      return new DPoPKey(new ECDSASigner(key), JWSAlgorithm.ES256, minimal(key), Clock.systemUTC());
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot generate a P-256 key", e);
    }
  }

  /**
   * This key pair, signing with {@code algorithm}: ES256 for P-256, ES384 for P-384, RS256 or PS256
   * for RSA. The pair is checked to match (a proof the broker could not verify would fail late).
   */
  public static DPoPKey of(KeyPair keyPair, JWSAlgorithm algorithm) {
    Objects.requireNonNull(keyPair, "keyPair");
    if (!ALGORITHMS.contains(algorithm)) {
      throw new IllegalArgumentException(
          "a DPoP key signs with one of " + names() + ", not " + algorithm);
    }
    JWSSigner signer;
    JWK publicJwk;
    JWSVerifier verifier;
    try {
      switch (keyPair.getPublic()) {
        case ECPublicKey ec -> {
          Curve curve = Curve.forECParameterSpec(ec.getParams());
          if (!JWSAlgorithm.Family.EC.contains(algorithm)) {
            throw new IllegalArgumentException(algorithm + " needs an RSA key, not an EC key");
          }
          Curve wanted = JWSAlgorithm.ES256.equals(algorithm) ? Curve.P_256 : Curve.P_384;
          if (!wanted.equals(curve)) {
            throw new IllegalArgumentException(
                algorithm + " needs a key on " + wanted + ", not on " + curve);
          }
          signer = new ECDSASigner(keyPair.getPrivate(), curve);
          publicJwk = new ECKey.Builder(curve, ec).build();
          verifier = new ECDSAVerifier(ec);
        }
        case RSAPublicKey rsa -> {
          if (!JWSAlgorithm.Family.RSA.contains(algorithm)) {
            throw new IllegalArgumentException(algorithm + " needs an EC key, not an RSA key");
          }
          if (rsa.getModulus().bitLength() < 2048) {
            throw new IllegalArgumentException("an RSA DPoP key must have 2048 bits or more");
          }
          signer = new RSASSASigner(keyPair.getPrivate());
          publicJwk = new RSAKey.Builder(rsa).build();
          verifier = new RSASSAVerifier(rsa);
        }
        case null, default ->
            throw new IllegalArgumentException("a DPoP key is an EC or RSA key pair");
      }
      JWSObject probe = new JWSObject(new JWSHeader(algorithm), new Payload("probe"));
      probe.sign(signer);
      if (!probe.verify(verifier)) {
        throw new IllegalArgumentException("the private and public keys are not one pair");
      }
    } catch (JOSEException e) {
      // The message may describe the key; it holds no key material.
      throw new IllegalArgumentException("the key pair cannot sign " + algorithm);
    }
    return new DPoPKey(signer, algorithm, publicJwk, Clock.systemUTC());
  }

  /**
   * The private key in a JWK file ({@code brokerctl keygen --out FILE}); its {@code alg} or,
   * without one, ES256/ES384 by curve and RS256 for RSA.
   */
  public static DPoPKey fromJwkFile(Path jwkFile) {
    JWK jwk = KeyFiles.privateJwk(jwkFile);
    try {
      KeyPair pair =
          switch (jwk) {
            case ECKey ec -> ec.toKeyPair();
            case RSAKey rsa -> rsa.toKeyPair();
            default -> throw new IllegalArgumentException(jwkFile + " is not an RSA or EC key");
          };
      JWSAlgorithm algorithm;
      if (jwk.getAlgorithm() != null) {
        algorithm = JWSAlgorithm.parse(jwk.getAlgorithm().getName());
      } else if (jwk instanceof ECKey ec) {
        algorithm = Curve.P_384.equals(ec.getCurve()) ? JWSAlgorithm.ES384 : JWSAlgorithm.ES256;
      } else {
        algorithm = JWSAlgorithm.RS256;
      }
      return of(pair, algorithm);
    } catch (JOSEException e) {
      throw new IllegalArgumentException(jwkFile + " holds an unusable key");
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(jwkFile + ": " + e.getMessage());
    }
  }

  /**
   * The key pair in a PEM file: a PKCS#8 private key ({@code -----BEGIN PRIVATE KEY-----}) and its
   * public key, either in a {@code -----BEGIN PUBLIC KEY-----} block of the same file or, for an
   * RSA key or an EC key as OpenSSL writes it, taken from the private key.
   */
  public static DPoPKey fromPemFile(Path pemFile, JWSAlgorithm algorithm) {
    KeyPair pair = KeyFiles.pemKeyPair(pemFile);
    try {
      return of(pair, algorithm);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(pemFile + ": " + e.getMessage());
    }
  }

  /** The same key, dating its proofs ({@code iat}) by {@code clock}. */
  public DPoPKey withClock(Clock clock) {
    return new DPoPKey(signer, algorithm, publicJwk, Objects.requireNonNull(clock));
  }

  public JWSAlgorithm algorithm() {
    return algorithm;
  }

  /**
   * The RFC 7638 SHA-256 thumbprint of the public key, base64url: what a token bound to this key
   * carries as {@code cnf.jkt}.
   */
  public String thumbprint() {
    return thumbprint;
  }

  /** The public key as the proofs carry it: the members RFC 7638 hashes, nothing else. */
  public JWK publicJwk() {
    return publicJwk;
  }

  /** A proof for a request without an access token: a token request. */
  public String proof(String method, URI url, Optional<String> nonce) {
    return proof(method, url, nonce, Optional.empty());
  }

  /**
   * A new proof (RFC 9449 section 4.2) for one HTTP request: header {@code typ} {@code dpop+jwt},
   * {@code alg}, the public {@code jwk}; claims {@code jti} (random, 128 bits), {@code htm}, {@code
   * htu} ({@link #htu}), {@code iat}, and {@code ath} with an access token, {@code nonce} with a
   * server's nonce.
   *
   * @param method the request's method, as sent (e.g. {@code GET})
   * @param url the request's URL (its query and fragment are left out)
   * @param nonce the latest {@code DPoP-Nonce} the server gave, if any
   * @param accessToken the access token the request carries, if any
   */
  public String proof(
      String method, URI url, Optional<String> nonce, Optional<String> accessToken) {
    if (method == null || !METHOD.matcher(method).matches()) {
      throw new IllegalArgumentException("not an HTTP method: " + printable(method));
    }
    nonce.ifPresent(
        n -> {
          if (!validNonce(n)) {
            throw new IllegalArgumentException("a DPoP nonce is 1 or more printable characters");
          }
        });
    byte[] jti = new byte[16];
    RANDOM.nextBytes(jti);
    JWTClaimsSet.Builder claims =
        new JWTClaimsSet.Builder()
            .jwtID(Base64URL.encode(jti).toString())
            .claim("htm", method)
            .claim("htu", htu(url))
            .issueTime(Date.from(clock.instant()));
    accessToken.ifPresent(t -> claims.claim("ath", ath(t)));
    nonce.ifPresent(n -> claims.claim("nonce", n));
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(algorithm).type(TYPE).jwk(publicJwk).build(), claims.build());
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign a DPoP proof with " + algorithm, e);
    }
    return jwt.serialize();
  }

  /**
   * The {@code htu} of a request to {@code url} (RFC 9449 section 4.2): its scheme, host and port
   * and its path as sent, without query, fragment or user info; scheme and host in lower case.
   */
  public static String htu(URI url) {
    if (url == null
        || !url.isAbsolute()
        || url.isOpaque()
        || url.getHost() == null
        || !Set.of("http", "https").contains(url.getScheme().toLowerCase(Locale.ROOT))) {
      throw new IllegalArgumentException(
          "a DPoP proof is for an absolute http(s) URL, not " + printable(redacted(url)));
    }
    String path = url.getRawPath() == null ? "" : url.getRawPath();
    return url.getScheme().toLowerCase(Locale.ROOT)
        + "://"
        + url.getHost().toLowerCase(Locale.ROOT)
        + (url.getPort() >= 0 ? ":" + url.getPort() : "")
        + path;
  }

  /** {@code ath} (RFC 9449 section 4.2): base64url(SHA-256(the token's ASCII bytes)). */
  public static String ath(String accessToken) {
    if (accessToken == null || !TOKEN68.matcher(accessToken).matches()) {
      // Never quote it: it may be a token.
      throw new IllegalArgumentException("the access token is empty or not a token68 string");
    }
    try {
      return Base64URL.encode(
              MessageDigest.getInstance("SHA-256")
                  .digest(accessToken.getBytes(StandardCharsets.US_ASCII)))
          .toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }

  static boolean validNonce(String nonce) {
    return nonce != null && nonce.length() <= 1024 && NONCE.matcher(nonce).matches();
  }

  private static JWK minimal(ECKey key) {
    return new ECKey.Builder(key.getCurve(), key.getX(), key.getY()).build();
  }

  private static String names() {
    return ALGORITHMS.stream().map(JWSAlgorithm::getName).sorted().toList().toString();
  }

  /** A URL without its user info, query and fragment: what may be shown. */
  private static String redacted(URI url) {
    if (url == null) {
      return "null";
    }
    return url.isOpaque() || url.getHost() == null
        ? "a URL without a host"
        : url.getScheme() + "://" + url.getHost() + "/...";
  }

  private static String printable(String s) {
    if (s == null) {
      return "null";
    }
    String shown = s.replaceAll("\\p{Cntrl}", "?");
    return "'" + (shown.length() > 40 ? shown.substring(0, 40) + "..." : shown) + "'";
  }

  @Override
  public String toString() {
    return "DPoPKey[" + algorithm + ", jkt " + thumbprint + "]";
  }
}
