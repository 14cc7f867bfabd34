package io.tokenbroker.adapters.kms;

import io.tokenbroker.adapters.aws.AwsFailures;
import io.tokenbroker.dpop.NonceMac;
import io.tokenbroker.errors.ServiceFailure;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.MacAlgorithmSpec;

/**
 * DPoP nonces' MAC: KMS GenerateMac with HMAC_SHA_256 under the deployment's HMAC key (kms:
 * GenerateMac on that key only). The key never leaves KMS, every container gets the same MAC, and
 * {@link io.tokenbroker.dpop.SlotNonces} asks once per slot per container.
 */
public final class KmsNonceMac implements NonceMac {

  private final KmsClient kms;
  private final String keyId;

  public KmsNonceMac(KmsClient kms, String keyId) {
    this.kms = kms;
    this.keyId = keyId;
  }

  @Override
  public byte[] mac(byte[] message) {
    try {
      return kms.generateMac(
              r ->
                  r.keyId(keyId)
                      .macAlgorithm(MacAlgorithmSpec.HMAC_SHA_256)
                      .message(SdkBytes.fromByteArray(message)))
          .mac()
          .asByteArray();
    } catch (SdkException e) {
      throw AwsFailures.of("kms", "GenerateMac", e);
    } catch (RuntimeException e) {
      throw new ServiceFailure(
          "kms", "GenerateMac failed: " + e.getClass().getSimpleName(), true, e);
    }
  }
}
