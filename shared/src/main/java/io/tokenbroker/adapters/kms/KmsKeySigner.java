package io.tokenbroker.adapters.kms;

import com.nimbusds.jose.JWSSigner;
import io.tokenbroker.keys.KeySigner;
import io.tokenbroker.keys.SigningKey;
import software.amazon.awssdk.services.kms.KmsClient;

/** Signs with KMS keys (kms:Sign only; the function that uses it needs nothing else of KMS). */
public final class KmsKeySigner implements KeySigner {

  private final KmsClient kms;

  public KmsKeySigner(KmsClient kms) {
    this.kms = kms;
  }

  @Override
  public JWSSigner signerFor(SigningKey key) {
    return new KmsJwsSigner(kms, key.keyReference(), key.algorithm());
  }
}
