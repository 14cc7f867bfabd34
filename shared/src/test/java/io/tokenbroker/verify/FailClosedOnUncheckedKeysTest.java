package io.tokenbroker.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import io.tokenbroker.errors.ServiceFailure;
import io.tokenbroker.jose.VerificationKey;
import io.tokenbroker.testing.TestKeys;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FailClosedOnUncheckedKeysTest {

  private final JWK trusted = TestKeys.generate(JWSAlgorithm.RS256).toPublicJWK();
  private final KeyResolver held =
      kid -> Optional.ofNullable(Map.of(trusted.getKeyID(), VerificationKey.of(trusted)).get(kid));
  private final Set<String> unchecked = Set.of("kid-kms-could-not-check");
  private final KeyResolver keys = new FailClosedOnUncheckedKeys(held, unchecked::contains);

  @Test
  void answersATrustedKeyAndAnUnknownKidAsBefore() {
    assertThat(keys.find(trusted.getKeyID())).isPresent();
    assertThat(keys.find("kid-nobody-published")).isEmpty();
  }

  @Test
  void failsRetryablyForAKidWhoseKeyCouldNotBeChecked() {
    assertThatThrownBy(() -> keys.find("kid-kms-could-not-check"))
        .isInstanceOfSatisfying(
            ServiceFailure.class,
            failure -> {
              assertThat(failure.retryable()).isTrue();
              assertThat(failure.dependency()).isEqualTo("kms");
            });
  }
}
