package io.tokenbroker.adapters.provisioning;

import io.tokenbroker.adapters.aws.AwsClients;
import io.tokenbroker.adapters.aws.AwsFailures;
import io.tokenbroker.adapters.aws.AwsSettings;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyUsageType;

/**
 * The HMAC key DPoP nonces are made with, on any AWS-compatible endpoint (the local server's moto),
 * as template.yaml declares it when DpopNonces is required: HMAC_256, GENERATE_VERIFY_MAC.
 */
public final class NonceKeyProvisioner {

  private NonceKeyProvisioner() {}

  /** The tag the token function's role grants kms:GenerateMac by (value: the stack's name). */
  public static final String TAG = "token-broker-dpop-nonces";

  /** Creates a key tagged for {@code brokerName} and returns its id. */
  public static String create(AwsSettings aws, String brokerName) {
    try (KmsClient kms = AwsClients.kms(aws)) {
      return kms.createKey(
              r ->
                  r.keySpec(KeySpec.HMAC_256)
                      .keyUsage(KeyUsageType.GENERATE_VERIFY_MAC)
                      .description(brokerName + ": DPoP nonces (HMAC)")
                      .tags(t -> t.tagKey(TAG).tagValue(brokerName)))
          .keyMetadata()
          .keyId();
    } catch (SdkException e) {
      throw AwsFailures.of("kms", "CreateKey", e);
    }
  }
}
