package io.tokenbroker.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import io.tokenbroker.federation.IssuerKeys;
import java.net.URI;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * An outside issuer for unit tests: real RSA and EC keys, tokens signed by Nimbus, and an in-memory
 * {@link IssuerKeys} that serves the public keys of the issuers it was given.
 */
public final class OutsideTokens {

  public static final String GITHUB = "https://token.actions.githubusercontent.com";

  private static final RSAKey RSA = rsa("rsa-1");
  private static final ECKey EC = ec("ec-1");

  private OutsideTokens() {}

  public static RSAKey rsaKey() {
    return RSA;
  }

  public static ECKey ecKey() {
    return EC;
  }

  public static RSAKey rsa(String kid) {
    try {
      return new RSAKeyGenerator(2048).keyID(kid).generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  public static ECKey ec(String kid) {
    try {
      return new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** GitHub-Actions-shaped claims for {@code audience}, issued at {@code iat}. */
  public static Map<String, Object> githubClaims(String audience, Instant iat) {
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("jti", java.util.UUID.randomUUID().toString());
    claims.put("sub", "repo:acme/deployer:ref:refs/heads/main");
    claims.put("aud", audience);
    claims.put("ref", "refs/heads/main");
    claims.put("repository", "acme/deployer");
    claims.put("repository_owner", "acme");
    claims.put("repository_owner_id", "1234567");
    claims.put("job_workflow_ref", "acme/workflows/.github/workflows/deploy.yml@refs/heads/main");
    claims.put("run_attempt", "1");
    claims.put("iss", GITHUB);
    claims.put("nbf", iat.getEpochSecond() - 5);
    claims.put("iat", iat.getEpochSecond());
    claims.put("exp", iat.getEpochSecond() + 300);
    return claims;
  }

  /**
   * Signs {@code claims} with {@code key} under {@code alg}, header as {@code header} leaves it.
   */
  public static String sign(
      JWK key, JWSAlgorithm alg, Map<String, Object> claims, Consumer<JWSHeader.Builder> header) {
    JWSHeader.Builder builder =
        new JWSHeader.Builder(alg).keyID(key.getKeyID()).type(JOSEObjectType.JWT);
    header.accept(builder);
    JWSObject jws = new JWSObject(builder.build(), new Payload(claims));
    try {
      jws.sign(
          switch (key) {
            case RSAKey rsa -> new RSASSASigner(rsa);
            case ECKey ec -> new ECDSASigner(ec);
            default -> new MACSigner(key.toOctetSequenceKey());
          });
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
    return jws.serialize();
  }

  public static String sign(Map<String, Object> claims) {
    return sign(RSA, JWSAlgorithm.RS256, claims, h -> {});
  }

  /** Issuers' public keys in memory, counting lookups. */
  public static final class Keys implements IssuerKeys {
    private final Map<String, Map<String, JWK>> byIssuer = new ConcurrentHashMap<>();
    private final AtomicInteger lookups = new AtomicInteger();

    public Keys with(String issuer, JWK... keys) {
      Map<String, JWK> set = byIssuer.computeIfAbsent(issuer, i -> new ConcurrentHashMap<>());
      for (JWK key : keys) {
        set.put(key.getKeyID(), key.toPublicJWK());
      }
      return this;
    }

    public int lookups() {
      return lookups.get();
    }

    @Override
    public Optional<JWK> key(TrustedIssuer issuer, String kid) {
      lookups.incrementAndGet();
      return Optional.ofNullable(
          byIssuer.getOrDefault(issuer.issuer().toString(), Map.of()).get(kid));
    }
  }

  public static URI uri(String value) {
    return URI.create(value);
  }
}
