package io.tokenbroker.adapters.kms;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.impl.ECDSA;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.util.Base64URL;
import io.tokenbroker.adapters.aws.AwsFailures;
import io.tokenbroker.errors.SigningKeyRefused;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.MessageType;
import software.amazon.awssdk.services.kms.model.SigningAlgorithmSpec;

/**
 * A Nimbus {@link JWSSigner} whose private key stays in KMS: the JWS signing input goes to KMS Sign
 * as a RAW message (KMS hashes it), and for ECDSA the DER signature KMS returns is transcoded to
 * the fixed-length r||s form JWS requires (RFC 7518 3.4).
 */
public final class KmsJwsSigner implements JWSSigner {

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
  private final String keyId;
  private final JWSAlgorithm algorithm;
  private final SigningAlgorithmSpec kmsAlgorithm;
  private final JCAContext jcaContext = new JCAContext();

  public KmsJwsSigner(KmsClient kms, String keyId, JWSAlgorithm algorithm) {
    this.kms = kms;
    this.keyId = keyId;
    this.algorithm = algorithm;
    this.kmsAlgorithm = kmsAlgorithmFor(algorithm);
  }

  @Override
  public Base64URL sign(JWSHeader header, byte[] signingInput) throws JOSEException {
    if (!algorithm.equals(header.getAlgorithm())) {
      throw new JOSEException("this key signs " + algorithm + " only");
    }
    byte[] signature;
    try {
      signature =
          kms.sign(
                  r ->
                      r.keyId(keyId)
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
    }
    if (JWSAlgorithm.Family.EC.contains(algorithm)) {
      signature =
          ECDSA.transcodeSignatureToConcat(signature, ECDSA.getSignatureByteArrayLength(algorithm));
    }
    return Base64URL.encode(signature);
  }

  @Override
  public Set<JWSAlgorithm> supportedJWSAlgorithms() {
    return Set.of(algorithm);
  }

  @Override
  public JCAContext getJCAContext() {
    return jcaContext;
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
