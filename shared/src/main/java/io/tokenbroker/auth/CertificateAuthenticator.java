package io.tokenbroker.auth;

import static io.tokenbroker.auth.ClientAuthenticationRules.rejected;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.AsymmetricJWK;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.util.Base64;
import io.tokenbroker.clients.CertificatePolicy;
import io.tokenbroker.clients.Client;
import io.tokenbroker.clients.ClientRepository;
import io.tokenbroker.jose.ClientCertificates;
import java.net.InetAddress;
import java.security.MessageDigest;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import javax.security.auth.x500.X500Principal;

/**
 * Mutual TLS client authentication (RFC 8705 section 2): the client names itself with {@code
 * client_id} and proves it with the certificate of the TLS connection, which API Gateway (or the
 * local server) has validated against the truststore and whose private key the handshake proved.
 *
 * <ul>
 *   <li>{@code tls_client_auth} (2.1): the certificate carries the client's one registered name,
 *       matched exactly: the subject DN as a DN (RFC 4514, compared as {@link X500Principal}s do),
 *       a dNSName, uniformResourceIdentifier or rfc822Name SAN entry as the same string, an
 *       iPAddress entry as the same address in binary (RFC 8705 2.1.2);
 *   <li>{@code self_signed_tls_client_auth} (2.2): the certificate's public key is one of the
 *       client's {@code jwks} and the certificate is that key's registered {@code x5c} (a key
 *       without one matches nothing), and it cannot sign certificates.
 * </ul>
 *
 * Every failure is {@code invalid_client} (401), undisclosed as for the other ways in.
 */
public final class CertificateAuthenticator {

  private static final int SAN_EMAIL = 1;
  private static final int SAN_DNS = 2;
  private static final int SAN_URI = 6;

  private final ClientRepository clients;
  private final List<X509Certificate> tlsClientAuthCas;

  /**
   * @param tlsClientAuthCas the CAs whose certificates may carry {@code tls_client_auth} names (the
   *     truststore may also hold self-signed clients' certificates, which must vouch for nobody);
   *     none: {@code tls_client_auth} is refused
   */
  public CertificateAuthenticator(
      ClientRepository clients, List<X509Certificate> tlsClientAuthCas) {
    this.clients = clients;
    this.tlsClientAuthCas = List.copyOf(tlsClientAuthCas);
  }

  /**
   * Whether {@code clientId} names a client that registered certificate authentication ({@code
   * tls_client_auth} name or {@code self_signed_tls_client_auth}): only for it is a certificate a
   * credential. Over the mutual TLS domain every caller presents one, so for any other client (a
   * federated workload) the certificate is no claim to be that client.
   */
  public boolean registeredFor(String clientId) {
    return io.tokenbroker.identifiers.ClientId.isValid(clientId)
        && clients
            .find(clientId)
            .map(client -> client.certificates().authenticatesByCertificate())
            .orElse(false);
  }

  /**
   * @throws io.tokenbroker.errors.RequestRejected {@code invalid_client}
   */
  public AuthenticatedClient authenticate(String clientId, X509Certificate certificate) {
    // A decoy's certificate is not checked against its registration: unverified in the alert.
    Client client = ClientAuthenticationRules.enabledClient(clients, clientId, c -> false);
    CertificatePolicy policy = client.certificates();
    if (!policy.authenticatesByCertificate()) {
      throw rejected(ClientAuthenticationReason.CERTIFICATE_AUTH_NOT_REGISTERED);
    }
    if (policy.subject().isPresent() && carries(certificate, policy.subject().get())) {
      if (!issuedByATlsClientAuthCa(certificate)) {
        throw rejected(ClientAuthenticationReason.CERTIFICATE_ISSUER_NOT_TRUSTED);
      }
      return new AuthenticatedClient(
          client,
          AuthMethod.TLS_CLIENT_AUTH,
          "x509:" + certificate.getSubjectX500Principal().getName(X500Principal.RFC2253));
    }
    if (policy.selfSigned() && registered(client, certificate)) {
      if (ClientCertificates.canSign(certificate)) {
        throw rejected(ClientAuthenticationReason.SELF_SIGNED_CERTIFICATE_CAN_SIGN);
      }
      return new AuthenticatedClient(
          client,
          AuthMethod.SELF_SIGNED_TLS_CLIENT_AUTH,
          "x5t#S256:" + ClientCertificates.thumbprint(certificate));
    }
    throw rejected(
        policy.selfSigned()
            ? ClientAuthenticationReason.CERTIFICATE_NOT_REGISTERED
            : ClientAuthenticationReason.CERTIFICATE_SUBJECT_MISMATCH);
  }

  /** Not self-issued, and signed by one of the configured CAs (the one its issuer DN names). */
  private boolean issuedByATlsClientAuthCa(X509Certificate certificate) {
    X500Principal issuer = certificate.getIssuerX500Principal();
    if (issuer.equals(certificate.getSubjectX500Principal())) {
      return false;
    }
    for (X509Certificate ca : tlsClientAuthCas) {
      if (!ca.getSubjectX500Principal().equals(issuer)) {
        continue;
      }
      try {
        certificate.verify(ca.getPublicKey());
        return true;
      } catch (java.security.GeneralSecurityException e) {
        // another CA of the same name may have signed it
      }
    }
    return false;
  }

  static boolean carries(X509Certificate certificate, CertificatePolicy.CertificateSubject name) {
    return switch (name.kind()) {
      case SUBJECT_DN ->
          // The comparison folds Unicode look-alikes onto ASCII: a non-ASCII subject never matches.
          certificate.getSubjectX500Principal().getName().chars().allMatch(c -> c < 0x7f)
              && certificate.getSubjectX500Principal().equals(new X500Principal(name.value()));
      case SAN_DNS -> sanStrings(certificate, SAN_DNS).contains(name.value());
      case SAN_URI -> sanStrings(certificate, SAN_URI).contains(name.value());
      case SAN_EMAIL -> sanStrings(certificate, SAN_EMAIL).contains(name.value());
      case SAN_IP -> {
        byte[] wanted = InetAddress.ofLiteral(name.value()).getAddress();
        yield sanIpOctets(certificate).stream().anyMatch(ip -> MessageDigest.isEqual(ip, wanted));
      }
    };
  }

  /**
   * The iPAddress entries' octets as the certificate holds them (RFC 8705 2.1.2: binary): the JDK
   * renders them as text (an IPv4-mapped IPv6 address as plain IPv4), which would not compare so.
   */
  private static List<byte[]> sanIpOctets(X509Certificate certificate) {
    byte[] extension = certificate.getExtensionValue("2.5.29.17");
    if (extension == null) {
      return List.of();
    }
    try {
      byte[] names = content(extension, 0, 0x04); // the extnValue OCTET STRING
      byte[] sequence = content(names, 0, 0x30); // GeneralNames
      List<byte[]> found = new java.util.ArrayList<>();
      for (int at = 0; at < sequence.length; ) {
        int[] header = header(sequence, at);
        int start = header[0];
        int length = header[1];
        if ((sequence[at] & 0xff) == 0x87) {
          found.add(java.util.Arrays.copyOfRange(sequence, start, start + length));
        }
        at = start + length;
      }
      return found;
    } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
      return List.of(); // a SAN the JDK parsed but this reading cannot: no match
    }
  }

  private static byte[] content(byte[] der, int at, int tag) {
    if ((der[at] & 0xff) != tag) {
      throw new IllegalArgumentException("unexpected DER tag");
    }
    int[] header = header(der, at);
    if (header[0] + header[1] != der.length) {
      throw new IllegalArgumentException("DER length mismatch");
    }
    return java.util.Arrays.copyOfRange(der, header[0], header[0] + header[1]);
  }

  /** {content start, content length} of the DER element at {@code at} (definite lengths). */
  private static int[] header(byte[] der, int at) {
    int first = der[at + 1] & 0xff;
    if (first < 0x80) {
      return new int[] {at + 2, first};
    }
    int count = first & 0x7f;
    if (count == 0 || count > 3) {
      throw new IllegalArgumentException("unsupported DER length");
    }
    int length = 0;
    for (int i = 0; i < count; i++) {
      length = (length << 8) | (der[at + 2 + i] & 0xff);
    }
    int start = at + 2 + count;
    if (start + length > der.length) {
      throw new IllegalArgumentException("DER element overruns");
    }
    return new int[] {start, length};
  }

  private static List<String> sanStrings(X509Certificate certificate, int type) {
    try {
      Collection<List<?>> names = certificate.getSubjectAlternativeNames();
      if (names == null) {
        return List.of();
      }
      return names.stream()
          .filter(entry -> Objects.equals(entry.get(0), type) && entry.get(1) instanceof String)
          .map(entry -> (String) entry.get(1))
          .toList();
    } catch (CertificateParsingException e) {
      return List.of();
    }
  }

  /** The certificate's key is a registered key, and the certificate is its x5c if it has one. */
  private static boolean registered(Client client, X509Certificate certificate) {
    byte[] presented = certificate.getPublicKey().getEncoded();
    String thumbprint = ClientCertificates.thumbprint(certificate);
    for (JWK key : client.publicKeys().getKeys()) {
      try {
        // SubjectPublicKeyInfo DER on both sides: the same key, whatever JWK members spell it.
        if (!(key instanceof AsymmetricJWK asymmetric)
            || !MessageDigest.isEqual(asymmetric.toPublicKey().getEncoded(), presented)) {
          continue;
        }
      } catch (JOSEException e) {
        continue;
      }
      List<Base64> chain = key.getX509CertChain();
      if (chain == null || chain.isEmpty()) {
        continue; // a key without its certificate (registered before x5c was required)
      }
      try {
        if (ClientCertificates.thumbprint(ClientCertificates.fromDer(chain.getFirst().decode()))
            .equals(thumbprint)) {
          return true;
        }
      } catch (ClientCertificates.Malformed e) {
        // a registered x5c that is no certificate matches nothing
      }
    }
    return false;
  }
}
