package io.tokenbroker.adapters.federation;

import com.nimbusds.jose.jwk.JWK;
import io.tokenbroker.config.FederationConfig;
import io.tokenbroker.devsupport.TestOidcIssuer;
import io.tokenbroker.federation.IssuerKeys;
import io.tokenbroker.federation.IssuerKeys.TrustedIssuer;
import io.tokenbroker.federation.IssuerKeysContract;
import io.tokenbroker.telemetry.Telemetry;
import io.tokenbroker.testing.MutableClock;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;

/** The HTTPS adapter held to the port's contract, on the test OIDC issuer. */
class RemoteIssuerKeysContractTest extends IssuerKeysContract {

  private static final TestOidcIssuer ISSUER = TestOidcIssuer.start();
  private static final FederationConfig CONFIG = FederationConfig.defaults();

  private final MutableClock clock = MutableClock.at("2026-11-30T12:00:00Z");
  private final RemoteIssuerKeys keys =
      RemoteIssuerKeys.forLocalDevelopment(
          CONFIG, clock, Telemetry.discard(), ISSUER.clientContext());

  @AfterEach
  void up() {
    ISSUER.up();
  }

  @AfterAll
  static void stop() {
    ISSUER.close();
  }

  @Override
  protected IssuerKeys keys() {
    return keys;
  }

  @Override
  protected TrustedIssuer issuer() {
    return new TrustedIssuer(ISSUER.issuer(), Optional.empty());
  }

  @Override
  protected List<JWK> published() {
    return ISSUER.publishedKeys();
  }

  @Override
  protected String publishAnother() {
    return ISSUER.rotate();
  }

  @Override
  protected void afterRefreshInterval() {
    clock.advance(CONFIG.minRefreshInterval());
  }

  @Override
  protected void outage() {
    ISSUER.down();
  }
}
