package io.tokenbroker.adapters.http;

import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.jose.ClientCertificates;
import java.security.cert.X509Certificate;
import java.util.Optional;

/**
 * The client certificate of a request made over mutual TLS, as API Gateway validated it against the
 * custom domain's truststore and put it in the request context (REST: {@code
 * identity.clientCert.clientCertPem}; HTTP API: {@code authentication.clientCert.clientCertPem}).
 */
public final class MutualTls {

  private MutualTls() {}

  /**
   * @throws RequestRejected {@code invalid_request} ({@code malformed_client_certificate}) if the
   *     PEM is not exactly one X.509 certificate
   */
  public static Optional<X509Certificate> certificate(HttpRequest request) {
    Optional<String> pem = request.context().clientCertPem();
    if (pem.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(ClientCertificates.parsePem(pem.get()));
    } catch (ClientCertificates.Malformed malformed) {
      throw RequestRejected.invalidRequest(
          HttpReason.MALFORMED_CLIENT_CERTIFICATE,
          "the TLS client certificate is malformed: " + malformed.getMessage());
    }
  }
}
