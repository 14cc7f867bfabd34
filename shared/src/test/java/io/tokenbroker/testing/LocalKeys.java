package io.tokenbroker.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import io.tokenbroker.keys.KeyManager;
import io.tokenbroker.keys.KeySigner;
import io.tokenbroker.keys.ManagedKey;
import io.tokenbroker.keys.PublishedKeyCheck;
import io.tokenbroker.keys.SigningKey;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A key manager in the JVM: real key pairs and real signatures, private keys held here instead of
 * KMS. Records disable and delete requests so rotation tests can check them. Confirms a published
 * key as KMS does: the reference names a key held here whose public half is exactly the record's.
 */
public class LocalKeys implements KeyManager, KeySigner, PublishedKeyCheck {

  private final Map<String, JWK> privateKeys = new ConcurrentHashMap<>();
  private final Map<String, String> creationIds = new ConcurrentHashMap<>();
  public final Set<String> disabled = ConcurrentHashMap.newKeySet();
  public final Set<String> deletionScheduled = ConcurrentHashMap.newKeySet();

  @Override
  public ManagedKey create(JWSAlgorithm algorithm, String creationId) {
    ManagedKey managed = tagged(algorithm);
    creationIds.put(managed.keyReference(), creationId);
    return managed;
  }

  /** A key carrying the broker's tag that the broker never created (someone else tagged it). */
  public ManagedKey tagged(JWSAlgorithm algorithm) {
    JWK key = TestKeys.generate(algorithm);
    ManagedKey managed = TestKeys.managed(key);
    privateKeys.put(managed.keyReference(), key);
    return managed;
  }

  @Override
  public byte[] sign(SigningKey key, byte[] signingInput) {
    if (disabled.contains(key.keyReference())) {
      throw new io.tokenbroker.errors.SigningKeyRefused("kms", "key is disabled", null);
    }
    JWK jwk = privateKeys.get(key.keyReference());
    try {
      JWSSigner signer =
          switch (jwk) {
            case RSAKey rsa -> new RSASSASigner(rsa);
            case ECKey ec -> new ECDSASigner(ec);
            default -> throw new IllegalStateException("unexpected key");
          };
      // Nimbus's ECDSA signer already answers in r||s, as the port requires.
      return signer.sign(new JWSHeader(key.algorithm()), signingInput).decode();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public java.util.List<io.tokenbroker.keys.OwnedKey> ownedKeysOtherThan(
      java.util.Set<String> known) {
    return privateKeys.keySet().stream()
        .filter(ref -> !known.contains(ref))
        .map(
            ref ->
                new io.tokenbroker.keys.OwnedKey(
                    ref,
                    java.time.Instant.EPOCH,
                    deletionScheduled.contains(ref),
                    java.util.Optional.ofNullable(creationIds.get(ref))))
        .toList();
  }

  @Override
  public boolean confirms(SigningKey key) {
    JWK held = privateKeys.get(key.keyReference());
    // As KMS: GetPublicKey of a disabled key fails (DisabledException), a refusal.
    return held != null
        && !disabled.contains(key.keyReference())
        && held.toPublicJWK().equals(key.publicJwk())
        && key.algorithm().equals(held.getAlgorithm());
  }

  @Override
  public void disable(String keyReference) {
    disabled.add(keyReference);
  }

  @Override
  public void scheduleDeletion(String keyReference, int waitingPeriodDays) {
    deletionScheduled.add(keyReference);
  }
}
