package io.tokenbroker.adapters.kms;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.AsymmetricJWK;
import io.tokenbroker.adapters.aws.AwsFailures;
import io.tokenbroker.keys.PublishedKeyCheck;
import io.tokenbroker.keys.SigningKey;
import java.security.MessageDigest;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DisabledException;
import software.amazon.awssdk.services.kms.model.GetPublicKeyRequest;
import software.amazon.awssdk.services.kms.model.GetPublicKeyResponse;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
import software.amazon.awssdk.services.kms.model.KmsException;
import software.amazon.awssdk.services.kms.model.KmsInvalidStateException;
import software.amazon.awssdk.services.kms.model.NotFoundException;

/**
 * Checks a key-table record with KMS GetPublicKey. The record's key reference must be a bare KMS
 * key id, which KMS resolves in the caller's own account and region (an ARN or alias from the
 * record could point anywhere, so it is refused without a call). The function's IAM role may call
 * GetPublicKey only on keys tagged as this broker's, so in AWS a key without the tag answers
 * AccessDenied, which is a refusal here. The public key KMS returns (DER SubjectPublicKeyInfo) must
 * equal the record's, byte for byte, and be of the key spec and usage the broker creates.
 */
public final class KmsPublishedKeyCheck implements PublishedKeyCheck {

  private static final Pattern KEY_ID =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  private final Supplier<KmsClient> kms;

  public KmsPublishedKeyCheck(KmsClient kms) {
    this(() -> kms);
  }

  /**
   * @param kms the client, asked for at each check (a wiring's client may still be being built when
   *     the check is made: {@code BrokerAdapters.buildKmsClientAlongside})
   */
  public KmsPublishedKeyCheck(Supplier<KmsClient> kms) {
    this.kms = kms;
  }

  /**
   * Initializes the classes of the check's one call, its request and response models (their static
   * field tables spin about 26 lambdas in a cold JVM); calls nothing. For the thread that builds
   * the KMS client while a verifier's init reads the key table ({@code
   * BrokerAdapters.buildKmsClientAlongside}), so that the first check, which waits on that read,
   * does not do it.
   */
  public static void loadCallClasses() {
    GetPublicKeyRequest.builder();
    GetPublicKeyResponse.builder();
  }

  @Override
  public boolean confirms(SigningKey key) {
    String keyId = key.keyReference();
    KeySpec spec;
    try {
      spec = KmsKeyManager.keySpecFor(key.algorithm());
    } catch (IllegalArgumentException notOneTheBrokerCreates) {
      return false;
    }
    if (!KEY_ID.matcher(keyId).matches()) {
      return false;
    }
    byte[] published;
    try {
      published = ((AsymmetricJWK) key.publicJwk()).toPublicKey().getEncoded();
    } catch (JOSEException | ClassCastException e) {
      return false;
    }
    GetPublicKeyResponse answer;
    try {
      answer = kms.get().getPublicKey(GetPublicKeyRequest.builder().keyId(keyId).build());
    } catch (NotFoundException | DisabledException | KmsInvalidStateException unusable) {
      return false;
    } catch (KmsException e) {
      if ("AccessDeniedException".equals(AwsFailures.errorCode(e))) {
        return false; // not tagged as this broker's key (or not in this account)
      }
      throw AwsFailures.of("kms", "GetPublicKey", e);
    } catch (SdkException e) {
      throw AwsFailures.of("kms", "GetPublicKey", e);
    }
    return (keyId.equals(answer.keyId())
            || String.valueOf(answer.keyId()).endsWith(":key/" + keyId))
        && answer.keyUsage() == KeyUsageType.SIGN_VERIFY
        && spec.toString().equals(keySpecOf(answer))
        && MessageDigest.isEqual(answer.publicKey().asByteArray(), published);
  }

  /** KMS answers KeySpec; older answers (and moto) only its deprecated twin, same values. */
  @SuppressWarnings("deprecation")
  private static String keySpecOf(GetPublicKeyResponse answer) {
    return answer.keySpecAsString() != null
        ? answer.keySpecAsString()
        : answer.customerMasterKeySpecAsString();
  }
}
