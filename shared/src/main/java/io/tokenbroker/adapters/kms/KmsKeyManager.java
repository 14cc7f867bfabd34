package io.tokenbroker.adapters.kms;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import io.tokenbroker.adapters.aws.AwsFailures;
import io.tokenbroker.keys.KeyManager;
import io.tokenbroker.keys.ManagedKey;
import io.tokenbroker.keys.OwnedKey;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.CreateKeyResponse;
import software.amazon.awssdk.services.kms.model.GetPublicKeyResponse;
import software.amazon.awssdk.services.kms.model.KeyListEntry;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
import software.amazon.awssdk.services.kms.model.KmsInvalidStateException;
import software.amazon.awssdk.services.kms.model.NotFoundException;
import software.amazon.awssdk.services.kms.model.Tag;

/**
 * AWS KMS as the broker's key manager. Keys are asymmetric SIGN_VERIFY keys tagged {@value
 * #TAG_KEY}={@code <deployment>}, which is what the IAM policies of the template condition on. Keys
 * are addressed by key id, never ARN (moto rejects ARNs on some calls, and ids keep ARNs out of our
 * records and logs).
 */
public final class KmsKeyManager implements KeyManager {

  /** The tag that marks a KMS key as one of this broker's signing keys. */
  public static final String TAG_KEY = "token-broker";

  private final KmsClient kms;
  private final String deployment;

  /**
   * @param deployment the value of the {@value #TAG_KEY} tag (the stack name in AWS)
   */
  public KmsKeyManager(KmsClient kms, String deployment) {
    this.kms = kms;
    this.deployment = deployment;
  }

  /** How a key's description names its creation id (see {@link OwnedKey#creationId}). */
  private static final Pattern CREATION = Pattern.compile(" creation ([A-Za-z0-9-]{1,64})$");

  /**
   * The key is tagged by CreateKey itself; this adapter never calls TagResource (the role holds it
   * only because AWS requires it for CreateKey's tags). Others may still tag keys, so the tag alone
   * never proves a key is the broker's: the creation id in the description and the key table do.
   */
  @Override
  public ManagedKey create(JWSAlgorithm algorithm, String creationId) {
    KeySpec spec = keySpecFor(algorithm);
    String keyId;
    GetPublicKeyResponse publicKey;
    try {
      CreateKeyResponse created =
          kms.createKey(
              r ->
                  r.keySpec(spec)
                      .keyUsage(KeyUsageType.SIGN_VERIFY)
                      .description(
                          "token-broker signing key ("
                              + algorithm.getName()
                              + ") creation "
                              + creationId)
                      .tags(Tag.builder().tagKey(TAG_KEY).tagValue(deployment).build()));
      keyId = created.keyMetadata().keyId();
      publicKey = kms.getPublicKey(r -> r.keyId(keyId));
    } catch (SdkException e) {
      throw AwsFailures.of("kms", "CreateKey", e);
    }
    return new ManagedKey(keyId, algorithm, toJwk(publicKey.publicKey().asByteArray(), algorithm));
  }

  @Override
  public void disable(String keyReference) {
    try {
      kms.disableKey(r -> r.keyId(keyReference));
    } catch (SdkException e) {
      throw AwsFailures.of("kms", "DisableKey", e);
    }
  }

  @Override
  public void scheduleDeletion(String keyReference, int waitingPeriodDays) {
    try {
      kms.scheduleKeyDeletion(r -> r.keyId(keyReference).pendingWindowInDays(waitingPeriodDays));
    } catch (KmsInvalidStateException alreadyPending) {
      // Already pending deletion: the request is satisfied.
    } catch (SdkException e) {
      throw AwsFailures.of("kms", "ScheduleKeyDeletion", e);
    }
  }

  /**
   * Keys tagged as this deployment's that are not {@code known}. KMS has no tag search, so this
   * lists the region's keys and reads the tags of those it does not know already.
   */
  @Override
  public List<OwnedKey> ownedKeysOtherThan(java.util.Set<String> known) {
    try {
      List<OwnedKey> owned = new ArrayList<>();
      for (KeyListEntry entry : kms.listKeysPaginator(r -> r.limit(1000)).keys()) {
        if (known.contains(entry.keyId())) {
          continue;
        }
        boolean ours;
        try {
          ours =
              kms.listResourceTagsPaginator(r -> r.keyId(entry.keyId())).tags().stream()
                  .anyMatch(t -> t.tagKey().equals(TAG_KEY) && t.tagValue().equals(deployment));
        } catch (NotFoundException | KmsInvalidStateException gone) {
          continue;
        }
        if (ours) {
          KeyMetadata metadata = kms.describeKey(r -> r.keyId(entry.keyId())).keyMetadata();
          owned.add(
              new OwnedKey(
                  entry.keyId(),
                  metadata.creationDate(),
                  metadata.keyState() == KeyState.PENDING_DELETION,
                  creationId(metadata.description())));
        }
      }
      return owned;
    } catch (SdkException e) {
      throw AwsFailures.of("kms", "ListKeys", e);
    }
  }

  private static Optional<String> creationId(String description) {
    if (description == null) {
      return Optional.empty();
    }
    Matcher matcher = CREATION.matcher(description);
    return matcher.find() ? Optional.of(matcher.group(1)) : Optional.empty();
  }

  static KeySpec keySpecFor(JWSAlgorithm algorithm) {
    if (JWSAlgorithm.RS256.equals(algorithm)) {
      return KeySpec.RSA_2048;
    }
    if (JWSAlgorithm.ES256.equals(algorithm)) {
      return KeySpec.ECC_NIST_P256;
    }
    throw new IllegalArgumentException("unsupported signing algorithm: " + algorithm);
  }

  /** The public half of a KMS key (DER SubjectPublicKeyInfo) as a signing JWK, kid = thumbprint. */
  static JWK toJwk(byte[] subjectPublicKeyInfo, JWSAlgorithm algorithm) {
    try {
      String family = JWSAlgorithm.ES256.equals(algorithm) ? "EC" : "RSA";
      PublicKey key =
          KeyFactory.getInstance(family)
              .generatePublic(new X509EncodedKeySpec(subjectPublicKeyInfo));
      return switch (key) {
        case RSAPublicKey rsa ->
            new RSAKey.Builder(rsa)
                .keyUse(KeyUse.SIGNATURE)
                .algorithm(algorithm)
                .keyIDFromThumbprint()
                .build();
        case ECPublicKey ec ->
            new ECKey.Builder(Curve.P_256, ec)
                .keyUse(KeyUse.SIGNATURE)
                .algorithm(algorithm)
                .keyIDFromThumbprint()
                .build();
        default -> throw new IllegalStateException("unexpected key type " + key.getAlgorithm());
      };
    } catch (GeneralSecurityException | JOSEException e) {
      throw new IllegalStateException("KMS returned a public key we cannot read", e);
    }
  }
}
