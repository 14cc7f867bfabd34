package io.tokenbroker.tokens;

import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import io.tokenbroker.clients.Client;
import io.tokenbroker.discovery.BrokerEndpoints;
import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.errors.ServiceFailure;
import io.tokenbroker.errors.SigningKeyRefused;
import io.tokenbroker.identifiers.TokenId;
import io.tokenbroker.jose.Confirmation;
import io.tokenbroker.keys.KeySigner;
import io.tokenbroker.keys.PublishedKeys;
import io.tokenbroker.keys.SigningKey;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;

/**
 * Builds and signs RFC 9068 access tokens: header {@code typ: at+jwt}, {@code alg} of the ACTIVE
 * key, {@code kid} its thumbprint; claims {@code iss sub aud client_id scope iat nbf exp jti}.
 */
public final class AccessTokenMinter {

  /** KMS signs raw messages of at most 4096 bytes. */
  private static final int MAX_SIGNING_INPUT = 4096;

  /** A signed token and the facts about it the issuance record keeps. */
  public record MintedToken(
      String serialized,
      String jti,
      String subject,
      String kid,
      Instant issuedAt,
      Instant expiresAt,
      Optional<String> sessionId,
      Optional<Confirmation> confirmation) {}

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
   * Reads the key table now if no read is cached (at most the one read {@link #mint} would make):
   * for a cold container, so that its first token does not wait for it.
   */
  public void readKeysAhead() {
    keys.current();
  }

  /**
   * The kid of the key {@link #mint} would sign with now: the ACTIVE one, confirmed as {@link
   * PublishedKeys#signingKey} does (at most one key-row read per second). For token reuse, which
   * must not hand out a token of a key withdrawn since.
   *
   * @throws ServiceFailure as {@link PublishedKeys#signingKey}
   */
  public String signingKid() {
    return keys.signingKey().kid();
  }

  /**
   * Signs with the ACTIVE key. Should the key manager refuse that key (a compromise disabled it),
   * the key table is read again at once and the token signed by its successor: minting does not
   * fail for as long as a cached key-table read would otherwise last.
   *
   * @param sessionId the refresh-token family the token belongs to, carried as {@code sid}
   * @param confirmation the key or certificate a sender-constrained token is bound to, carried as
   *     {@code cnf}; empty for a bearer token
   */
  public MintedToken mint(
      Client client, Grant grant, Optional<String> sessionId, Optional<Confirmation> confirmation) {
    return mint(client, grant, sessionId, confirmation, Optional.empty());
  }

  /**
   * As above, for a token exchanged from a broker token: its subject, {@code act} and {@code
   * lineage} come from {@code chain}, and it expires no later than {@code chain}'s {@code
   * notAfter}.
   *
   * @throws RequestRejected {@code invalid_request} if {@code notAfter} is not after now
   */
  public MintedToken mint(
      Client client,
      Grant grant,
      Optional<String> sessionId,
      Optional<Confirmation> confirmation,
      Optional<TokenChain> chain) {
    SigningKey key = keys.signingKey();
    Instant issuedAt = Instant.ofEpochSecond(clock.instant().getEpochSecond());
    Instant expiresAt = issuedAt.plus(grant.lifetime());
    if (chain.isPresent()) {
      // An exchanged token never outlives the token it came from, however long the exchange took.
      Instant notAfter = chain.get().notAfter();
      if (notAfter.isBefore(expiresAt)) {
        expiresAt = Instant.ofEpochSecond(notAfter.getEpochSecond());
      }
      if (!expiresAt.isAfter(issuedAt)) {
        throw RequestRejected.invalidRequest(
            TokenRequestReason.EXCHANGED_TOKEN_EXPIRED,
            "the token exchanged from expired meanwhile");
      }
    }
    String jti = newJti();
    String subject = chain.map(TokenChain::subject).orElse(client.subject());
    JWTClaimsSet.Builder claims =
        new JWTClaimsSet.Builder()
            .issuer(endpoints.issuerId())
            .subject(subject)
            .claim("client_id", client.clientId())
            .claim("scope", String.join(" ", grant.scopes()))
            .issueTime(Date.from(issuedAt))
            .notBeforeTime(Date.from(issuedAt))
            .expirationTime(Date.from(expiresAt))
            .jwtID(jti);
    sessionId.ifPresent(sid -> claims.claim("sid", sid));
    confirmation.ifPresent(cnf -> claims.claim("cnf", cnf.claim()));
    chain.flatMap(TokenChain::actor).ifPresent(act -> claims.claim("act", act.claim()));
    chain.ifPresent(
        c ->
            claims.claim(
                "lineage", c.lineage().stream().map(io.tokenbroker.jose.Ancestor::claim).toList()));
    if (grant.audiences().size() == 1) {
      claims.audience(grant.audiences().getFirst());
    } else {
      claims.audience(grant.audiences());
    }
    JWTClaimsSet claimsSet = claims.build();
    String jwt;
    try {
      jwt = signed(claimsSet, key);
    } catch (SigningKeyRefused refused) {
      key =
          keys.successorOf(key, clock.instant())
              .orElseThrow(
                  // The table still names the refused key ACTIVE (a manual disable, or a new key
                  // KMS's tag-based access has not caught up with): retryable, not a bug.
                  () ->
                      new ServiceFailure(
                          "kms", "signing key refused and no successor yet", true, refused));
      jwt = signed(claimsSet, key); // once: a second refusal is a failure, not a loop
    }
    return new MintedToken(
        jwt, jti, subject, key.kid(), issuedAt, expiresAt, sessionId, confirmation);
  }

  /**
   * The compact JWS: header and payload as Nimbus writes them ({@link SigningInput}), the key
   * signer signs their bytes, and the signature is appended as JWS compact serialization does (RFC
   * 7515 7.1).
   */
  private String signed(JWTClaimsSet claims, SigningKey key) {
    byte[] signingInput = SigningInput.of(key.algorithm(), key.kid(), claims);
    if (signingInput.length > MAX_SIGNING_INPUT) {
      throw RequestRejected.invalidRequest(
          TokenRequestReason.TOKEN_TOO_LARGE,
          "the token would be too large: ask for fewer scopes or audiences");
    }
    byte[] signature = signer.sign(key, signingInput);
    return new String(signingInput, StandardCharsets.US_ASCII)
        + '.'
        + Base64URL.encode(signature).toString();
  }

  /** A fresh {@link TokenId}: jti values and refresh-family ids. */
  public String newJti() {
    return TokenId.random(random).value();
  }
}
