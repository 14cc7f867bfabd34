package io.tokenbroker.adapters.kms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jwk.AsymmetricJWK;
import com.nimbusds.jose.util.Base64URL;
import io.tokenbroker.devsupport.LocalAws;
import io.tokenbroker.devsupport.MotoExtension;
import io.tokenbroker.errors.ServiceFailure;
import io.tokenbroker.keys.KeyState;
import io.tokenbroker.keys.ManagedKey;
import io.tokenbroker.keys.SigningKey;
import io.tokenbroker.testing.AwsFixture;
import io.tokenbroker.testing.TestKeys;
import java.time.Instant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.kms.KmsClient;

/** Signatures made inside (moto's) KMS verify with the published public key alone. */
@ExtendWith(MotoExtension.class)
class KmsKeySignerIT {

  private static KmsClient kms;
  private static KmsKeyManager keyManager;

  @BeforeAll
  static void setUp(LocalAws aws) {
    kms = AwsFixture.provisioned(aws).kms;
    keyManager = new KmsKeyManager(kms, "test");
  }

  @ParameterizedTest
  @ValueSource(strings = {"RS256", "ES256"})
  void signsSoThatThePublicJwkVerifies(String alg) throws Exception {
    ManagedKey key = keyManager.create(JWSAlgorithm.parse(alg), "test-creation");
    SigningKey record = SigningKey.created(key, KeyState.ACTIVE, Instant.now());
    JWSObject unsigned =
        new JWSObject(
            new JWSHeader.Builder(key.algorithm()).keyID(key.kid()).build(),
            new Payload("{\"hello\":\"kms\"}"));

    byte[] signature = new KmsKeySigner(kms).sign(record, unsigned.getSigningInput());

    JWSObject jws =
        new JWSObject(
            unsigned.getHeader().toBase64URL(),
            unsigned.getPayload().toBase64URL(),
            Base64URL.encode(signature));

    if (alg.equals("ES256")) {
      assertThat(jws.getSignature().decode()).hasSize(64); // r||s, not DER
    }
    assertThat(
            jws.verify(
                new DefaultJWSVerifierFactory()
                    .createJWSVerifier(
                        jws.getHeader(), ((AsymmetricJWK) key.publicJwk()).toPublicKey())))
        .isTrue();
  }

  /**
   * KMS refusing the key itself (here: no such key) is told apart from a KMS failure, so that the
   * minter switches to the key table's new ACTIVE key instead of failing until its cache expires.
   */
  @Test
  void reportsAKeyKmsRefusesAsSigningKeyRefused() {
    SigningKey unknown =
        keyNamed(
            "arn:aws:kms:us-east-1:123456789012:key/" + java.util.UUID.randomUUID(),
            JWSAlgorithm.RS256);

    assertThatThrownBy(() -> new KmsKeySigner(kms).sign(unknown, "x".getBytes()))
        .isInstanceOfSatisfying(
            io.tokenbroker.errors.SigningKeyRefused.class,
            e -> {
              assertThat(e.retryable()).isFalse();
              assertThat(e.getMessage()).contains("NotFoundException").doesNotContain("arn:");
            });
  }

  /**
   * The port takes the algorithm from the key record, so a header naming another algorithm than the
   * key's cannot reach KMS any more; what is left to refuse is a record naming an algorithm KMS is
   * not asked to sign with.
   */
  @Test
  void refusesToSignForAnotherAlgorithm() {
    ManagedKey key = keyManager.create(JWSAlgorithm.RS256, "test-creation");
    SigningKey rs512 = keyNamed(key.keyReference(), JWSAlgorithm.RS512);

    assertThatThrownBy(() -> new KmsKeySigner(kms).sign(rs512, "x".getBytes()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void reportsAMissingKeyAsAPermanentServiceFailure() {
    SigningKey missing = keyNamed("00000000-0000-0000-0000-000000000000", JWSAlgorithm.RS256);

    assertThatThrownBy(() -> new KmsKeySigner(kms).sign(missing, "x".getBytes()))
        .isInstanceOf(ServiceFailure.class)
        .satisfies(e -> assertThat(((ServiceFailure) e).retryable()).isFalse())
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("arn:"));
  }

  /** A key record naming {@code keyReference}, as the key table could hold it. */
  private static SigningKey keyNamed(String keyReference, JWSAlgorithm algorithm) {
    var publicJwk = TestKeys.generate(JWSAlgorithm.RS256).toPublicJWK();
    return new SigningKey(
        publicJwk.getKeyID(),
        keyReference,
        algorithm,
        publicJwk,
        KeyState.ACTIVE,
        Instant.now(),
        Instant.now(),
        null,
        null,
        1);
  }
}
