package io.tokenbroker.adapters.kms;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import io.tokenbroker.devsupport.LocalAws;
import io.tokenbroker.devsupport.MotoExtension;
import io.tokenbroker.keys.KeyState;
import io.tokenbroker.keys.SigningKey;
import io.tokenbroker.testing.AwsFixture;
import io.tokenbroker.testing.TestKeys;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.kms.KmsClient;

/** Published-key records checked against moto's KMS, as the verifiers check them. */
@ExtendWith(MotoExtension.class)
class KmsPublishedKeyCheckIT {

  private static KmsClient kms;
  private static KmsKeyManager keyManager;
  private static KmsPublishedKeyCheck check;
  private final Instant now = Instant.parse("2026-11-28T12:00:00Z");

  @BeforeAll
  static void setUp(LocalAws aws) {
    kms = AwsFixture.provisioned(aws).kms;
    keyManager = new KmsKeyManager(kms, "test-deployment");
    check = new KmsPublishedKeyCheck(kms);
  }

  private SigningKey created(JWSAlgorithm algorithm) {
    return SigningKey.created(keyManager.create(algorithm, "c"), KeyState.ACTIVE, now);
  }

  private static SigningKey as(SigningKey row, String keyReference, JWK publicJwk) {
    return new SigningKey(
        publicJwk.getKeyID(),
        keyReference,
        row.algorithm(),
        publicJwk,
        row.state(),
        row.createdAt(),
        row.activatedAt(),
        null,
        null,
        1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"RS256", "ES256"})
  void confirmsAKeyTheBrokerCreated(String alg) {
    assertThat(check.confirms(created(JWSAlgorithm.parse(alg)))).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"RS256", "ES256"})
  void refusesARecordWhosePublicKeyIsNotTheKmsKeys(String alg) {
    SigningKey genuine = created(JWSAlgorithm.parse(alg));
    JWK forgedKey = TestKeys.generate(JWSAlgorithm.parse(alg)).toPublicJWK();

    assertThat(check.confirms(as(genuine, genuine.keyReference(), forgedKey))).isFalse();
  }

  @Test
  void refusesARecordNamingTheKeyInAnyFormButItsBareId() {
    SigningKey genuine = created(JWSAlgorithm.RS256);
    String arn = kms.describeKey(r -> r.keyId(genuine.keyReference())).keyMetadata().arn();
    String alias = "alias/tb-" + UUID.randomUUID();
    kms.createAlias(r -> r.aliasName(alias).targetKeyId(genuine.keyReference()));

    for (String other : new String[] {arn, alias, genuine.keyReference().toUpperCase()}) {
      assertThat(check.confirms(as(genuine, other, genuine.publicJwk()))).as(other).isFalse();
    }
  }

  @Test
  void refusesAKeyKmsDoesNotHold() {
    SigningKey genuine = created(JWSAlgorithm.RS256);

    assertThat(check.confirms(as(genuine, UUID.randomUUID().toString(), genuine.publicJwk())))
        .isFalse();
  }
}
