package io.tokenbroker.tokens;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.tokenbroker.clients.Client;
import io.tokenbroker.discovery.BrokerEndpoints;
import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.errors.ServiceFailure;
import io.tokenbroker.identifiers.TokenId;
import io.tokenbroker.keys.KeySigner;
import io.tokenbroker.keys.KeyState;
import io.tokenbroker.keys.PublishedKeys;
import io.tokenbroker.keys.SigningKey;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.Date;
import java.util.Optional;

/**
 * Builds and signs RFC 9068 access tokens: header {@code typ: at+jwt}, {@code alg} of the ACTIVE
 * key, {@code kid} its thumbprint; claims {@code iss sub aud client_id scope iat nbf exp jti}.
 */
public final class AccessTokenMinter {

  public static final JOSEObjectType AT_JWT = new JOSEObjectType("at+jwt");

  /** KMS signs raw messages of at most 4096 bytes. */
  private static final int MAX_SIGNING_INPUT = 4096;

  /** A signed token and the facts about it the issuance record keeps. */
  public record MintedToken(
      String serialized,
      String jti,
      String kid,
      Instant issuedAt,
      Instant expiresAt,
      Optional<String> sessionId) {}

  private final PublishedKeys keys;
  private final KeySigner signer;
  private final BrokerEndpoints endpoints;
  private final Clock clock;
  private final SecureRandom random;

  public AccessTokenMinter(
      PublishedKeys keys,
      KeySigner signer,
      BrokerEndpoints endpoints,
      Clock clock,
      SecureRandom random) {
    this.keys = keys;
    this.signer = signer;
    this.endpoints = endpoints;
    this.clock = clock;
    this.random = random;
  }

  /**
   * @param sessionId the refresh-token family the token belongs to, carried as {@code sid}
   */
  public MintedToken mint(Client client, Grant grant, Optional<String> sessionId) {
    SigningKey key = activeKey();
    Instant issuedAt = Instant.ofEpochSecond(clock.instant().getEpochSecond());
    Instant expiresAt = issuedAt.plus(grant.lifetime());
    String jti = newJti();
    JWTClaimsSet.Builder claims =
        new JWTClaimsSet.Builder()
            .issuer(endpoints.issuerId())
            .subject(client.subject())
            .claim("client_id", client.clientId())
            .claim("scope", String.join(" ", grant.scopes()))
            .issueTime(Date.from(issuedAt))
            .notBeforeTime(Date.from(issuedAt))
            .expirationTime(Date.from(expiresAt))
            .jwtID(jti);
    sessionId.ifPresent(sid -> claims.claim("sid", sid));
    if (grant.audiences().size() == 1) {
      claims.audience(grant.audiences().getFirst());
    } else {
      claims.audience(grant.audiences());
    }
    JWSHeader header = new JWSHeader.Builder(key.algorithm()).type(AT_JWT).keyID(key.kid()).build();
    SignedJWT jwt = new SignedJWT(header, claims.build());
    if (jwt.getSigningInput().length > MAX_SIGNING_INPUT) {
      throw RequestRejected.invalidRequest(
          "token_too_large", "the token would be too large: ask for fewer scopes or audiences");
    }
    try {
      jwt.sign(signer.signerFor(key));
    } catch (JOSEException e) {
      if (e.getCause() instanceof ServiceFailure failure) {
        throw failure;
      }
      throw new ServiceFailure("kms", "signing failed: " + e.getClass().getSimpleName(), true, e);
    }
    return new MintedToken(jwt.serialize(), jti, key.kid(), issuedAt, expiresAt, sessionId);
  }

  /** The ACTIVE key; should rotation ever leave two, the most recently activated. */
  private SigningKey activeKey() {
    return keys.current().stream()
        .filter(k -> k.state() == KeyState.ACTIVE)
        .max(Comparator.comparing(SigningKey::activatedAt))
        .orElseThrow(() -> new ServiceFailure("keys", "no ACTIVE signing key", true, null));
  }

  /** A fresh {@link TokenId}: jti values and refresh-family ids. */
  public String newJti() {
    return TokenId.random(random).value();
  }
}
