package io.tokenbroker.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.util.Base64;
import io.tokenbroker.clients.Client;
import io.tokenbroker.devsupport.X509Builder;
import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.jose.ClientCertificates;
import io.tokenbroker.testing.Clients;
import io.tokenbroker.testing.InMemoryClientRepository;
import java.security.interfaces.ECPublicKey;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** RFC 8705 section 2: which certificate authenticates which registration, and which does not. */
class CertificateAuthenticatorTest {

  private final InMemoryClientRepository clients = new InMemoryClientRepository();
  private static final X509Builder.Issued CA =
      X509Builder.subject("CN=Client CA,O=Example").ca().selfSigned();
  private final CertificateAuthenticator authenticator =
      new CertificateAuthenticator(clients, List.of(CA.certificate()));

  private Client register(String clientId, Map<String, Object> fields) {
    Map<String, Object> json = Clients.json(clientId);
    json.putAll(fields);
    return clients.add(Clients.parse(json));
  }

  /** The client with self_signed_tls_client_auth, bypassing ClientJson's registration rules. */
  private static Client selfSigned(Client c) {
    return new Client(
        c.clientId(),
        c.description(),
        c.enabled(),
        c.subject(),
        c.iamRoles(),
        c.publicKeys(),
        c.scopes(),
        c.defaultScopes(),
        c.audiences(),
        c.defaultLifetime(),
        c.maxLifetime(),
        c.refresh(),
        c.mayIntrospect(),
        c.dpop(),
        new io.tokenbroker.clients.CertificatePolicy(false, java.util.Optional.empty(), true),
        c.trustPolicies(),
        c.delegation(),
        c.monitoring(),
        c.version());
  }

  static Stream<Arguments> names() {
    return Stream.of(
        // field, registered value, a certificate carrying it, one that does not
        Arguments.of(
            "tls_client_auth_subject_dn",
            "CN=ci, O=Example Corp",
            X509Builder.subject("CN=ci,O=Example Corp"), // the same DN, spelled without the space
            X509Builder.subject("CN=ci,O=Example Corp,OU=x")),
        Arguments.of(
            "tls_client_auth_san_dns",
            "ci.example.com",
            X509Builder.subject("CN=a").dns("other.example.com").dns("ci.example.com"),
            X509Builder.subject("CN=ci.example.com").dns("ci.example.com.evil.com")),
        Arguments.of(
            "tls_client_auth_san_uri",
            "spiffe://example.com/ci",
            X509Builder.subject("CN=a").uri("spiffe://example.com/ci"),
            X509Builder.subject("CN=a").uri("spiffe://example.com/ci/x")),
        Arguments.of(
            "tls_client_auth_san_ip",
            "2001:db8::1",
            X509Builder.subject("CN=a").ip("2001:0db8:0:0:0:0:0:1"), // compared as binary
            X509Builder.subject("CN=a").ip("2001:db8::2")),
        Arguments.of(
            "tls_client_auth_san_email",
            "ci@example.com",
            X509Builder.subject("CN=a").email("ci@example.com"),
            X509Builder.subject("CN=ci@example.com").email("ci@example.org")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("names")
  void tlsClientAuthMatchesTheRegisteredNameExactly(
      String field, String value, X509Builder carrying, X509Builder other) {
    register("pki-" + field, Map.of(field, value));

    AuthenticatedClient caller =
        authenticator.authenticate("pki-" + field, carrying.signedBy(CA).certificate());

    assertThat(caller.method()).isEqualTo(AuthMethod.TLS_CLIENT_AUTH);
    assertThat(caller.callerIdentity()).startsWith("x509:");
    assertThatThrownBy(
            () -> authenticator.authenticate("pki-" + field, other.signedBy(CA).certificate()))
        .isInstanceOfSatisfying(
            RequestRejected.class,
            r -> assertThat(r.reason()).isEqualTo("certificate_subject_mismatch"));
  }

  @Test
  void selfSignedTlsClientAuthMatchesTheRegisteredKeyAndItsCertificate() throws Exception {
    X509Builder.Issued registered = X509Builder.subject("CN=self").selfSigned();
    X509Builder.Issued byKeyOnly = X509Builder.subject("CN=self-key").selfSigned();
    ECKey withCertificate =
        new ECKey.Builder(Curve.P_256, (ECPublicKey) registered.certificate().getPublicKey())
            .x509CertChain(List.of(Base64.encode(registered.certificate().getEncoded())))
            .keyID("with-x5c")
            .build();
    ECKey keyOnly =
        new ECKey.Builder(Curve.P_256, (ECPublicKey) byKeyOnly.certificate().getPublicKey())
            .keyID("key-only")
            .build();
    // keyOnly as a registration stored before x5c was required: ClientJson refuses it today.
    clients.add(
        selfSigned(
            Clients.parse(Clients.withKeys(Clients.json("self"), withCertificate, keyOnly))));

    AuthenticatedClient caller = authenticator.authenticate("self", registered.certificate());
    assertThat(caller.method()).isEqualTo(AuthMethod.SELF_SIGNED_TLS_CLIENT_AUTH);
    assertThat(caller.callerIdentity())
        .isEqualTo("x5t#S256:" + ClientCertificates.thumbprint(registered.certificate()));

    // Another certificate: another key, the x5c key in a certificate that is not the x5c, or a
    // certificate of a key registered without x5c (RFC 8705 2.2: certificates are registered).
    for (var other :
        List.of(
            byKeyOnly.certificate(),
            X509Builder.subject("CN=self").selfSigned(registered.keys()).certificate(),
            X509Builder.subject("CN=self").selfSigned().certificate(),
            X509Builder.subject("CN=stranger").selfSigned().certificate())) {
      assertThatThrownBy(() -> authenticator.authenticate("self", other))
          .isInstanceOfSatisfying(
              RequestRejected.class,
              r -> assertThat(r.reason()).isEqualTo("certificate_not_registered"));
    }
  }

  /**
   * RFC 8705 7.4: a self-signed client's certificate sits in the truststore as a trust anchor; made
   * as a CA it issues a certificate carrying another client's registered subject, which the
   * handshake accepts. Only the configured CAs vouch for tls_client_auth names, and a self-signed
   * certificate that can sign is no client certificate.
   */
  @Test
  void aSelfSignedClientCannotIssueATlsClientAuthClientsName() throws Exception {
    register("pki", Map.of("tls_client_auth_subject_dn", "CN=pki,O=Example"));
    X509Builder.Issued rogue = X509Builder.subject("CN=rogue").ca().selfSigned();
    // As stored before ClientJson refused CA certificates: authentication refuses it too.
    clients.add(
        selfSigned(
            Clients.parse(
                Clients.withKeys(
                    Clients.json("rogue"),
                    new ECKey.Builder(Curve.P_256, (ECPublicKey) rogue.certificate().getPublicKey())
                        .x509CertChain(List.of(Base64.encode(rogue.certificate().getEncoded())))
                        .keyID("rogue")
                        .build()))));
    var forged = X509Builder.subject("CN=pki,O=Example").signedBy(rogue).certificate();
    var selfIssued = X509Builder.subject("CN=pki,O=Example").selfSigned().certificate();
    var sameNameAsTheCa = X509Builder.subject("CN=Client CA,O=Example").ca().selfSigned();
    var underAFakeCa = X509Builder.subject("CN=pki,O=Example").signedBy(sameNameAsTheCa);

    for (var certificate : List.of(forged, selfIssued, underAFakeCa.certificate())) {
      assertThatThrownBy(() -> authenticator.authenticate("pki", certificate))
          .isInstanceOfSatisfying(
              RequestRejected.class,
              r -> assertThat(r.reason()).isEqualTo("certificate_issuer_not_trusted"));
    }
    assertThatThrownBy(() -> authenticator.authenticate("rogue", rogue.certificate()))
        .isInstanceOfSatisfying(
            RequestRejected.class,
            r -> assertThat(r.reason()).isEqualTo("self_signed_certificate_can_sign"));
    assertThatThrownBy(
            () ->
                new CertificateAuthenticator(clients, List.of())
                    .authenticate(
                        "pki", X509Builder.subject("CN=pki,O=Example").signedBy(CA).certificate()))
        .isInstanceOfSatisfying(
            RequestRejected.class,
            r -> assertThat(r.reason()).isEqualTo("certificate_issuer_not_trusted"));
  }

  /**
   * RFC 8705 2.1.2: iPAddress compared in binary. The JDK renders the IPv4-mapped IPv6 address
   * ::ffff:10.0.0.1 (16 octets) as 10.0.0.1; it is not the registered IPv4 address.
   */
  @Test
  void aSanIpAddressIsComparedAsItsOctets() {
    register("ip4", Map.of("tls_client_auth_san_ip", "10.0.0.1"));
    byte[] mapped = new byte[16];
    mapped[10] = (byte) 0xff;
    mapped[11] = (byte) 0xff;
    mapped[12] = 10;
    mapped[15] = 1;

    assertThat(
            authenticator
                .authenticate(
                    "ip4", X509Builder.subject("CN=a").ip("10.0.0.1").signedBy(CA).certificate())
                .method())
        .isEqualTo(AuthMethod.TLS_CLIENT_AUTH);
    assertThatThrownBy(
            () ->
                authenticator.authenticate(
                    "ip4", X509Builder.subject("CN=a").ipOctets(mapped).signedBy(CA).certificate()))
        .isInstanceOfSatisfying(
            RequestRejected.class,
            r -> assertThat(r.reason()).isEqualTo("certificate_subject_mismatch"));
  }

  /** X500Principal.equals folds look-alikes: a fullwidth letter would pass as its ASCII twin. */
  @Test
  void aSubjectDnWithNonAsciiLookAlikesDoesNotMatch() {
    register("ascii", Map.of("tls_client_auth_subject_dn", "CN=ci,O=Example"));
    var lookAlike = X509Builder.subject("CN=\uFF43i,O=Example").signedBy(CA).certificate();

    assertThatThrownBy(() -> authenticator.authenticate("ascii", lookAlike))
        .isInstanceOfSatisfying(
            RequestRejected.class,
            r -> assertThat(r.reason()).isEqualTo("certificate_subject_mismatch"));
  }

  @Test
  void refusesAClientWithoutACertificateWayInAndUnknownClientsAlike() {
    clients.add(Clients.withRole("iam-only", "arn:aws:iam::123456789012:role/iam-only"));
    var certificate = X509Builder.subject("CN=iam-only").selfSigned().certificate();

    assertThatThrownBy(() -> authenticator.authenticate("iam-only", certificate))
        .isInstanceOfSatisfying(
            RequestRejected.class,
            r -> {
              assertThat(r.reason()).isEqualTo("certificate_auth_not_registered");
              assertThat(r.status()).isEqualTo(401);
            });
    assertThatThrownBy(() -> authenticator.authenticate("nobody", certificate))
        .isInstanceOfSatisfying(
            RequestRejected.class, r -> assertThat(r.reason()).isEqualTo("unknown_client"));
  }
}
