package io.tokenbroker.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenbroker.discovery.BrokerEndpoints;
import io.tokenbroker.dpop.DpopPolicy;
import io.tokenbroker.dpop.DpopProofVerifier;
import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.testing.DpopProofs;
import io.tokenbroker.testing.InMemoryDpopReplayGuard;
import io.tokenbroker.testing.MutableClock;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The token endpoint's htu: the issuer's token URL, and with MTLS_BASE_URL also the token URL of
 * the advertised {@code mtls_endpoint_aliases}; never any other.
 */
class DpopTokenBindingTest {

  private static final String ISSUER = "https://broker.example.com";
  private static final String MTLS = "https://mtls.broker.example.com";

  private final MutableClock clock = MutableClock.at("2026-11-30T12:00:00Z");

  private DpopTokenBinding binding(Optional<String> mtls) {
    return new DpopTokenBinding(
        new DpopProofVerifier(
            new DpopPolicy(Duration.ofSeconds(60), Duration.ofSeconds(5), Optional.empty()),
            new InMemoryDpopReplayGuard(),
            clock),
        new BrokerEndpoints(URI.create(ISSUER)),
        mtls.map(url -> new BrokerEndpoints(URI.create(url))));
  }

  private String proofFor(String url) {
    return DpopProofs.by(DpopProofs.ecKey(), "POST", url, clock.instant()).sign();
  }

  private static String reason(Throwable e) {
    return ((RequestRejected) e).reason();
  }

  @Test
  void acceptsTheMtlsAliasOfTheTokenEndpointWhenConfigured() {
    DpopTokenBinding withAlias = binding(Optional.of(MTLS));

    assertThat(withAlias.check(List.of(proofFor(ISSUER + "/token")), "POST", false)).isPresent();
    assertThat(withAlias.check(List.of(proofFor(MTLS + "/token")), "POST", false)).isPresent();
    assertThat(withAlias.check(List.of(proofFor(MTLS + "/token/iam")), "POST", true)).isPresent();
    assertThatThrownBy(() -> withAlias.check(List.of(proofFor(MTLS + "/token")), "POST", true))
        .satisfies(e -> assertThat(reason(e)).isEqualTo("dpop_htu_mismatch"));
    assertThatThrownBy(
            () -> withAlias.check(List.of(proofFor("https://evil.example/token")), "POST", false))
        .satisfies(e -> assertThat(reason(e)).isEqualTo("dpop_htu_mismatch"));
    assertThatThrownBy(
            () ->
                binding(Optional.empty()).check(List.of(proofFor(MTLS + "/token")), "POST", false))
        .satisfies(e -> assertThat(reason(e)).isEqualTo("dpop_htu_mismatch"));
  }
}
