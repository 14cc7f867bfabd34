package io.tokenbroker.discovery;

import java.net.URI;
import java.util.Objects;

/**
 * The broker's public URLs, all derived from its issuer identifier (an https URL, or http on
 * loopback for local runs): RFC 8414 places the metadata at the issuer's well-known path, and the
 * endpoints below it.
 */
public record BrokerEndpoints(URI issuer) {

  public BrokerEndpoints {
    Objects.requireNonNull(issuer, "issuer");
    if (issuer.toString().endsWith("/")) {
      throw new IllegalArgumentException("issuer must not end with a slash");
    }
  }

  public String issuerId() {
    return issuer.toString();
  }

  public URI token() {
    return below("/token");
  }

  public URI revocation() {
    return below("/revoke");
  }

  public URI introspection() {
    return below("/introspect");
  }

  public URI jwks() {
    return below("/.well-known/jwks.json");
  }

  private URI below(String path) {
    return URI.create(issuer + path);
  }
}
