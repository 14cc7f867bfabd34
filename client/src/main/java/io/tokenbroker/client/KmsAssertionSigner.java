package io.tokenbroker.client;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.impl.ECDSA;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.util.Base64URL;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.MessageType;
import software.amazon.awssdk.services.kms.model.SigningAlgorithmSpec;

/**
 * Client assertions signed by a KMS asymmetric key ({@code kms:Sign} on it is the only permission
 * needed): the private key never leaves KMS. The signing input goes to KMS as a RAW message and an
 * ECDSA signature is transcoded from DER to JWS's r||s form (RFC 7518 3.4).
 *
 * <p>The only class of this library that uses the KMS SDK, which is an optional dependency: a
 * workload that signs with KMS declares {@code software.amazon.awssdk:kms} (and an SDK HTTP client)
 * itself; no other workload loads it.
 *
 * <pre>{@code
 * var signer = new KmsAssertionSigner(KmsClient.create(), "alias/my-app", JWSAlgorithm.ES256);
 * var auth = PrivateKeyJwt.signedBy("my-app", signer, JWSAlgorithm.ES256, "my-app-kms-1");
 * }</pre>
 */
public final class KmsAssertionSigner implements JWSSigner {

  private static final Map<JWSAlgorithm, SigningAlgorithmSpec> KMS_ALGORITHMS =
      Map.of(
          JWSAlgorithm.ES256, SigningAlgorithmSpec.ECDSA_SHA_256,
          JWSAlgorithm.ES384, SigningAlgorithmSpec.ECDSA_SHA_384,
          JWSAlgorithm.ES512, SigningAlgorithmSpec.ECDSA_SHA_512,
          JWSAlgorithm.RS256, SigningAlgorithmSpec.RSASSA_PKCS1_V1_5_SHA_256,
          JWSAlgorithm.RS384, SigningAlgorithmSpec.RSASSA_PKCS1_V1_5_SHA_384,
          JWSAlgorithm.RS512, SigningAlgorithmSpec.RSASSA_PKCS1_V1_5_SHA_512,
          JWSAlgorithm.PS256, SigningAlgorithmSpec.RSASSA_PSS_SHA_256,
          JWSAlgorithm.PS384, SigningAlgorithmSpec.RSASSA_PSS_SHA_384,
          JWSAlgorithm.PS512, SigningAlgorithmSpec.RSASSA_PSS_SHA_512);

  private final KmsClient kms;
  private final String keyId;
  private final JWSAlgorithm algorithm;
  private final JCAContext jcaContext = new JCAContext();

  /**
   * @param kms a KMS client for the key's region
   * @param keyId the key's id, ARN or alias ({@code alias/...})
   * @param algorithm the JWS algorithm, one the key's spec can sign with (ES256 for ECC_NIST_P256,
   *     RS256 or PS256 for RSA_2048, ...)
   */
  public KmsAssertionSigner(KmsClient kms, String keyId, JWSAlgorithm algorithm) {
    if (!KMS_ALGORITHMS.containsKey(algorithm)) {
      throw new IllegalArgumentException(algorithm + " is not an algorithm KMS signs with");
    }
    this.kms = kms;
    this.keyId = keyId;
    this.algorithm = algorithm;
  }

  @Override
  public Base64URL sign(JWSHeader header, byte[] signingInput) throws JOSEException {
    if (!algorithm.equals(header.getAlgorithm())) {
      throw new JOSEException("this KMS key signs " + algorithm + " only");
    }
    byte[] signature;
    try {
      signature =
          kms.sign(
                  r ->
                      r.keyId(keyId)
                          .message(SdkBytes.fromByteArray(signingInput))
                          .messageType(MessageType.RAW)
                          .signingAlgorithm(KMS_ALGORITHMS.get(algorithm)))
              .signature()
              .asByteArray();
    } catch (SdkException e) {
      throw new JOSEException("KMS Sign failed: " + e.getClass().getSimpleName(), e);
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

  @Override
  public String toString() {
    return "KmsAssertionSigner[" + algorithm + "]";
  }
}
