package io.tokenbroker.keys;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import java.time.Instant;
import java.util.Objects;

/**
 * One signing key as the broker's key table records it.
 *
 * @param kid RFC 7638 thumbprint of {@code publicJwk}; the JWS {@code kid} of tokens it signs
 * @param keyReference the key's id in the key manager (a KMS key id; never shown to callers)
 * @param algorithm the JWS algorithm this key signs with (RS256 or ES256)
 * @param publicJwk the public key as published in the JWKS
 * @param state lifecycle state
 * @param createdAt when the key was created and published
 * @param activatedAt when it started signing, or null
 * @param retiredAt when it stopped signing, or null
 * @param withdrawnAt when it was unpublished, or null
 * @param version optimistic-locking version of the record, incremented by every change
 */
public record SigningKey(
    String kid,
    String keyReference,
    JWSAlgorithm algorithm,
    JWK publicJwk,
    KeyState state,
    Instant createdAt,
    Instant activatedAt,
    Instant retiredAt,
    Instant withdrawnAt,
    long version) {

  public SigningKey {
    Objects.requireNonNull(kid, "kid");
    Objects.requireNonNull(keyReference, "keyReference");
    Objects.requireNonNull(algorithm, "algorithm");
    Objects.requireNonNull(publicJwk, "publicJwk");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(createdAt, "createdAt");
    if (publicJwk.isPrivate()) {
      throw new IllegalArgumentException("a signing key record holds only the public key");
    }
  }

  /** A newly created key in {@code state}, first version. */
  public static SigningKey created(ManagedKey key, KeyState state, Instant now) {
    return new SigningKey(
        key.kid(),
        key.keyReference(),
        key.algorithm(),
        key.publicJwk(),
        state,
        now,
        state == KeyState.ACTIVE ? now : null,
        null,
        null,
        1);
  }

  public boolean isPublished() {
    return state.isPublished();
  }

  /** This key in {@code next} state as of {@code now}, one version on. */
  public SigningKey moveTo(KeyState next, java.time.Instant now) {
    return new SigningKey(
        kid,
        keyReference,
        algorithm,
        publicJwk,
        next,
        createdAt,
        next == KeyState.ACTIVE ? now : activatedAt,
        next == KeyState.RETIRED ? now : retiredAt,
        next == KeyState.WITHDRAWN ? now : withdrawnAt,
        version + 1);
  }
}
