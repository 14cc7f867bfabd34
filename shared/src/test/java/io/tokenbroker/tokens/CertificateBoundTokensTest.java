package io.tokenbroker.tokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.jose.Confirmation;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CertificateBoundTokensTest {

  private static final Optional<Confirmation> DPOP =
      Optional.of(new Confirmation.DpopKey("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"));
  private static final Optional<Confirmation> CERTIFICATE =
      Optional.of(
          new Confirmation.ClientCertificate("bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg0"));

  @Test
  void aTokenIsBoundToTheOneThingTheCallerProved() {
    assertThat(CertificateBoundTokens.oneBinding(DPOP, Optional.empty())).isEqualTo(DPOP);
    assertThat(CertificateBoundTokens.oneBinding(Optional.empty(), CERTIFICATE))
        .isEqualTo(CERTIFICATE);
    assertThat(CertificateBoundTokens.oneBinding(Optional.empty(), Optional.empty())).isEmpty();
  }

  @Test
  void refusesADpopProofFromAClientWhoseTokensAreBoundToItsCertificate() {
    assertThatThrownBy(() -> CertificateBoundTokens.oneBinding(DPOP, CERTIFICATE))
        .isInstanceOfSatisfying(
            RequestRejected.class,
            e -> {
              assertThat(e.reason()).isEqualTo("two_bindings");
              assertThat(e.error().code()).isEqualTo("invalid_request");
            });
  }
}
