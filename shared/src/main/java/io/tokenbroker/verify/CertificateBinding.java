package io.tokenbroker.verify;

import io.tokenbroker.errors.OAuthError;
import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.jose.ClientCertificates;
import io.tokenbroker.jose.Confirmation;
import java.security.cert.X509Certificate;
import java.util.Optional;

/**
 * RFC 8705 section 3: a token bound to a client certificate ({@code cnf["x5t#S256"]}) is accepted
 * only on a request made over mutual TLS with that very certificate; anything else is {@code
 * invalid_token} (401), so a stolen bound token is useless without the certificate's private key.
 */
public final class CertificateBinding {

  private CertificateBinding() {}

  /**
   * @param presented the certificate the request's TLS connection was authenticated with
   * @throws RequestRejected {@code client_certificate_missing} or {@code
   *     client_certificate_mismatch}
   */
  public static void require(
      Confirmation.ClientCertificate bound, Optional<X509Certificate> presented) {
    if (presented.isEmpty()) {
      throw invalid(AccessTokenReason.CLIENT_CERTIFICATE_MISSING);
    }
    if (!ClientCertificates.matches(bound, presented)) {
      throw invalid(AccessTokenReason.CLIENT_CERTIFICATE_MISMATCH);
    }
  }

  /**
   * {@link #require} with the certificate as API Gateway passes it: the PEM of its request context.
   *
   * @throws RequestRejected also {@code client_certificate_malformed}
   */
  public static void requirePem(Confirmation.ClientCertificate bound, Optional<String> pem) {
    Optional<X509Certificate> presented = Optional.empty();
    if (pem.isPresent()) {
      try {
        presented = Optional.of(ClientCertificates.parsePem(pem.get()));
      } catch (ClientCertificates.Malformed malformed) {
        throw invalid(AccessTokenReason.CLIENT_CERTIFICATE_MALFORMED);
      }
    }
    require(bound, presented);
  }

  private static RequestRejected invalid(AccessTokenReason reason) {
    return new RequestRejected(OAuthError.INVALID_TOKEN, reason, "invalid token");
  }
}
