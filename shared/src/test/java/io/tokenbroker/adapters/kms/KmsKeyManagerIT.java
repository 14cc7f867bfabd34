package io.tokenbroker.adapters.kms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.AsymmetricJWK;
import com.nimbusds.jose.jwk.KeyUse;
import io.tokenbroker.devsupport.LocalAws;
import io.tokenbroker.devsupport.MotoExtension;
import io.tokenbroker.keys.ManagedKey;
import io.tokenbroker.keys.OwnedKey;
import io.tokenbroker.testing.AwsFixture;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
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
    ManagedKey key = keyManager.create(JWSAlgorithm.parse(alg), "test-creation");

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
    ManagedKey key = keyManager.create(JWSAlgorithm.RS256, "test-creation");

    assertThat(kms.listResourceTags(r -> r.keyId(key.keyReference())).tags())
        .contains(Tag.builder().tagKey("token-broker").tagValue("test-deployment").build());
    assertThat(key.keyReference()).doesNotStartWith("arn:");
  }

  @Test
  void tellsTheKeysItCreatedFromKeysSomeoneElseTagged() {
    ManagedKey ours = keyManager.create(JWSAlgorithm.RS256, "creation-4711");
    String foreign =
        kms.createKey(
                r ->
                    r.keySpec(KeySpec.RSA_2048)
                        .keyUsage(KeyUsageType.SIGN_VERIFY)
                        .tags(
                            Tag.builder()
                                .tagKey("token-broker")
                                .tagValue("test-deployment")
                                .build()))
            .keyMetadata()
            .keyId();

    List<OwnedKey> owned = keyManager.ownedKeysOtherThan(Set.of());

    assertThat(owned)
        .filteredOn(k -> k.keyReference().equals(ours.keyReference()))
        .singleElement()
        .satisfies(k -> assertThat(k.creationId()).contains("creation-4711"));
    assertThat(owned)
        .filteredOn(k -> k.keyReference().equals(foreign))
        .singleElement()
        .satisfies(k -> assertThat(k.creationId()).isEmpty());
  }

  @Test
  void disablesAndSchedulesDeletionRepeatably() {
    ManagedKey key = keyManager.create(JWSAlgorithm.RS256, "test-creation");

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
    assertThatThrownBy(() -> keyManager.create(JWSAlgorithm.HS256, "test-creation"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
