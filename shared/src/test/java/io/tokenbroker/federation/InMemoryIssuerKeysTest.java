package io.tokenbroker.federation;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import io.tokenbroker.federation.IssuerKeys.TrustedIssuer;
import io.tokenbroker.testing.InMemoryIssuerKeys;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

class InMemoryIssuerKeysTest extends IssuerKeysContract {

  private static final URI ISSUER = URI.create("https://token.actions.githubusercontent.com");
  private static final List<JWK> KEYS = List.of(rsa(), ec());

  private final InMemoryIssuerKeys keys = new InMemoryIssuerKeys();

  InMemoryIssuerKeysTest() {
    KEYS.forEach(key -> keys.publish(ISSUER, key));
  }

  @Override
  protected IssuerKeys keys() {
    return keys;
  }

  @Override
  protected TrustedIssuer issuer() {
    return new TrustedIssuer(ISSUER, Optional.empty());
  }

  @Override
  protected List<JWK> published() {
    return KEYS;
  }

  @Override
  protected String publishAnother() {
    JWK key = ec();
    keys.publish(ISSUER, key);
    return key.getKeyID();
  }

  @Override
  protected void afterRefreshInterval() {}

  @Override
  protected void outage() {
    keys.unreachable(ISSUER, true);
  }

  private static JWK rsa() {
    try {
      return new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  private static JWK ec() {
    try {
      return new ECKeyGenerator(Curve.P_256).keyID(UUID.randomUUID().toString()).generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }
}
