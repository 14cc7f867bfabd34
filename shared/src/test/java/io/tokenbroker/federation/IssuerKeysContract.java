package io.tokenbroker.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.JWK;
import io.tokenbroker.errors.ServiceFailure;
import io.tokenbroker.federation.IssuerKeys.TrustedIssuer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What every {@link IssuerKeys} does, run against the in-memory fake and the HTTPS adapter on the
 * test OIDC issuer.
 */
public abstract class IssuerKeysContract {

  protected abstract IssuerKeys keys();

  /** An issuer whose keys {@link #published()} are. */
  protected abstract TrustedIssuer issuer();

  /** The issuer's signing keys (RSA and EC), as it published them. */
  protected abstract List<JWK> published();

  /** Publishes a new signing key under {@link #issuer()}; returns its kid. */
  protected abstract String publishAnother();

  /** Lets the adapter's minimum refresh interval pass. */
  protected abstract void afterRefreshInterval();

  /** The issuer stops answering. */
  protected abstract void outage();

  @Test
  void findsEachPublishedKeyByKidWithoutItsPrivatePart() throws Exception {
    for (JWK key : published()) {
      JWK found = keys().key(issuer(), key.getKeyID()).orElseThrow();

      assertThat(found.isPrivate()).isFalse();
      assertThat(found.computeThumbprint()).isEqualTo(key.computeThumbprint());
    }
  }

  @Test
  void anUnknownKidIsEmpty() {
    assertThat(keys().key(issuer(), "no-such-kid")).isEmpty();
  }

  @Test
  void aKeyPublishedLaterIsFoundOnceTheRefreshIntervalHasPassed() {
    keys().key(issuer(), published().getFirst().getKeyID());
    String later = publishAnother();
    afterRefreshInterval();

    assertThat(keys().key(issuer(), later)).isPresent();
  }

  @Test
  void anIssuerThatCannotBeReachedIsARetryableServiceFailure() {
    outage();

    assertThatThrownBy(() -> keys().key(issuer(), published().getFirst().getKeyID()))
        .isInstanceOfSatisfying(ServiceFailure.class, f -> assertThat(f.retryable()).isTrue());
  }
}
