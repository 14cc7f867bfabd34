package io.tokenbroker.adapters.kms;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.impl.ECDSA;
import io.tokenbroker.adapters.aws.AwsFailures;
import io.tokenbroker.errors.ServiceFailure;
import io.tokenbroker.errors.SigningKeyRefused;
import io.tokenbroker.keys.KeySigner;
import io.tokenbroker.keys.SigningKey;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.MessageType;
import software.amazon.awssdk.services.kms.model.SigningAlgorithmSpec;

/**
 * Signs with KMS keys (kms:Sign only; the function that uses it needs nothing else of KMS): the JWS
 * signing input goes to KMS Sign as a RAW message (KMS hashes it), and for ECDSA the DER signature
 * KMS returns is transcoded to the fixed-length r||s form JWS requires (RFC 7518 3.4). The private
 * key never leaves KMS.
 */
public final class KmsKeySigner implements KeySigner {

  /**
   * KMS's answers that mean this key will not sign any more (a compromise disables it and takes it
   * out of the key table; pending deletion; deleted; or its tag or policy no longer lets this role
   * use it), as opposed to throttling or a KMS failure.
   */
  static final Set<String> KEY_REFUSED =
      Set.of(
          "DisabledException",
          "KMSInvalidStateException",
          "NotFoundException",
          "AccessDeniedException");

  private final KmsClient kms;

  public KmsKeySigner(KmsClient kms) {
    this.kms = kms;
  }

  @Override
  public byte[] sign(SigningKey key, byte[] signingInput) {
    JWSAlgorithm algorithm = key.algorithm();
    SigningAlgorithmSpec kmsAlgorithm = kmsAlgorithmFor(algorithm);
    byte[] signature;
    try {
      signature =
          kms.sign(
                  r ->
                      r.keyId(key.keyReference())
                          .message(SdkBytes.fromByteArray(signingInput))
                          .messageType(MessageType.RAW)
                          .signingAlgorithm(kmsAlgorithm))
              .signature()
              .asByteArray();
    } catch (AwsServiceException e) {
      if (KEY_REFUSED.contains(AwsFailures.errorCode(e))) {
        throw new SigningKeyRefused("kms", "Sign refused the key: " + AwsFailures.errorCode(e), e);
      }
      throw AwsFailures.of("kms", "Sign", e);
    } catch (SdkException e) {
      throw AwsFailures.of("kms", "Sign", e);
    } catch (RuntimeException e) {
      // An answer the SDK could not make sense of (no signature in it): a KMS fault, retryable,
      // as it was when the minter wrapped whatever the signer threw.
      throw new ServiceFailure("kms", "signing failed: " + e.getClass().getSimpleName(), true, e);
    }
    if (JWSAlgorithm.Family.EC.contains(algorithm)) {
      try {
        return ECDSA.transcodeSignatureToConcat(
            signature, ECDSA.getSignatureByteArrayLength(algorithm));
      } catch (JOSEException e) {
        // KMS answered with something that is not a DER ECDSA signature: a KMS fault.
        throw new ServiceFailure("kms", "Sign returned a malformed ECDSA signature", true, e);
      }
    }
    return signature;
  }

  static SigningAlgorithmSpec kmsAlgorithmFor(JWSAlgorithm algorithm) {
    if (JWSAlgorithm.RS256.equals(algorithm)) {
      return SigningAlgorithmSpec.RSASSA_PKCS1_V1_5_SHA_256;
    }
    if (JWSAlgorithm.ES256.equals(algorithm)) {
      return SigningAlgorithmSpec.ECDSA_SHA_256;
    }
    throw new IllegalArgumentException("unsupported signing algorithm: " + algorithm);
  }
}
