package io.tokenbroker.tokens;

import io.tokenbroker.clients.Client;
import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.jose.ClientCertificates;
import io.tokenbroker.jose.Confirmation;
import java.security.cert.X509Certificate;
import java.util.Optional;

/**
 * Whether a token is bound to the caller's TLS client certificate (RFC 8705 section 3): exactly
 * when the client registered {@code tls_client_certificate_bound_access_tokens}; such a client gets
 * no token without mutual TLS. Other clients keep bearer tokens, over mutual TLS or not, so that
 * turning mutual TLS on for the API breaks no resource server that does not check certificates.
 */
public final class CertificateBoundTokens {

  private CertificateBoundTokens() {}

  /**
   * @param certificate the certificate of the request's mutual TLS connection, if any
   * @throws RequestRejected {@code invalid_request} ({@code client_certificate_required})
   */
  public static Optional<Confirmation> binding(
      Client client, Optional<X509Certificate> certificate) {
    if (!client.certificates().boundTokens()) {
      return Optional.empty();
    }
    return Optional.of(
        certificate
            .map(ClientCertificates::confirmation)
            .orElseThrow(
                () ->
                    RequestRejected.invalidRequest(
                        TokenRequestReason.CLIENT_CERTIFICATE_REQUIRED,
                        "this client's tokens are bound to its TLS client certificate: request"
                            + " them over mutual TLS (discovery's mtls_endpoint_aliases)")));
  }

  /**
   * The one thing a token is bound to: a token carries one {@code cnf} member, so a certificate-
   * bound client's request with a DPoP proof as well is refused rather than one binding dropped.
   *
   * @throws RequestRejected {@code invalid_request} ({@code two_bindings})
   */
  public static Optional<Confirmation> oneBinding(
      Optional<Confirmation> dpopKey, Optional<Confirmation> certificate) {
    if (dpopKey.isPresent() && certificate.isPresent()) {
      throw RequestRejected.invalidRequest(
          TokenRequestReason.TWO_BINDINGS,
          "this client's tokens are bound to its TLS client certificate: send no DPoP proof");
    }
    return dpopKey.or(() -> certificate);
  }
}
