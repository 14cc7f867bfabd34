package io.tokenbroker.adapters.kms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.AsymmetricJWK;
import com.nimbusds.jose.jwk.KeyUse;
import io.tokenbroker.devsupport.LocalAws;
import io.tokenbroker.devsupport.MotoExtension;
import io.tokenbroker.keys.ManagedKey;
import io.tokenbroker.testing.AwsFixture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.kms.model.Tag;

@ExtendWith(MotoExtension.class)
class KmsKeyManagerIT {

  private static KmsClient kms;
  private static KmsKeyManager keyManager;

  @BeforeAll
  static void setUp(LocalAws aws) {
    kms = AwsFixture.provisioned(aws).kms;
    keyManager = new KmsKeyManager(kms, "test-deployment");
  }

  @ParameterizedTest
  @ValueSource(strings = {"RS256", "ES256"})
  void publishesExactlyTheKeyKmsHolds(String alg) throws Exception {
    ManagedKey key = keyManager.create(JWSAlgorithm.parse(alg));

    byte[] kmsPublicKey =
        kms.getPublicKey(r -> r.keyId(key.keyReference())).publicKey().asByteArray();
    assertThat(((AsymmetricJWK) key.publicJwk()).toPublicKey().getEncoded())
        .isEqualTo(kmsPublicKey);
    assertThat(key.kid()).isEqualTo(key.publicJwk().computeThumbprint().toString());
    assertThat(key.publicJwk().getKeyUse()).isEqualTo(KeyUse.SIGNATURE);
    assertThat(key.publicJwk().getAlgorithm().getName()).isEqualTo(alg);
    assertThat(key.publicJwk().isPrivate()).isFalse();
  }

  @Test
  void tagsTheKeyAsTheBrokers() {
    ManagedKey key = keyManager.create(JWSAlgorithm.RS256);

    assertThat(kms.listResourceTags(r -> r.keyId(key.keyReference())).tags())
        .contains(Tag.builder().tagKey("token-broker").tagValue("test-deployment").build());
    assertThat(key.keyReference()).doesNotStartWith("arn:");
  }

  @Test
  void disablesAndSchedulesDeletionRepeatably() {
    ManagedKey key = keyManager.create(JWSAlgorithm.RS256);

    keyManager.disable(key.keyReference());
    keyManager.disable(key.keyReference());
    assertThat(kms.describeKey(r -> r.keyId(key.keyReference())).keyMetadata().keyState())
        .isEqualTo(KeyState.DISABLED);

    keyManager.scheduleDeletion(key.keyReference(), 7);
    keyManager.scheduleDeletion(key.keyReference(), 7);
    assertThat(kms.describeKey(r -> r.keyId(key.keyReference())).keyMetadata().keyState())
        .isEqualTo(KeyState.PENDING_DELETION);
  }

  @Test
  void refusesAnAlgorithmItCannotHold() {
    assertThatThrownBy(() -> keyManager.create(JWSAlgorithm.HS256))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
