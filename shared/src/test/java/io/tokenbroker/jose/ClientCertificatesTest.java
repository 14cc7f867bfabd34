package io.tokenbroker.jose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenbroker.devsupport.X509Builder;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The client certificate API Gateway passes: read strictly, thumbprinted as RFC 8705 3.1 says. */
class ClientCertificatesTest {

  private static final X509Builder.Issued CERT = X509Builder.subject("CN=ci").selfSigned();
  private static final String PEM = CERT.pem();

  @Test
  void thumbprintIsTheBase64UrlSha256OfTheDer() throws Exception {
    byte[] digest = MessageDigest.getInstance("SHA-256").digest(CERT.certificate().getEncoded());

    assertThat(ClientCertificates.thumbprint(ClientCertificates.parsePem(PEM)))
        .isEqualTo(Base64.getUrlEncoder().withoutPadding().encodeToString(digest))
        .hasSize(43);
    // Line breaks of any length and surrounding whitespace are PEM's, not the certificate's.
    String oneLine =
        "  -----BEGIN CERTIFICATE-----"
            + Base64.getEncoder().encodeToString(CERT.certificate().getEncoded())
            + "-----END CERTIFICATE-----\n";
    assertThat(ClientCertificates.parsePem(oneLine)).isEqualTo(CERT.certificate());
  }

  static Stream<Arguments> malformed() {
    String body = PEM.substring(PEM.indexOf('\n') + 1, PEM.lastIndexOf("-----END"));
    return Stream.of(
        Arguments.of("empty", ""),
        Arguments.of("two certificates", PEM + PEM),
        Arguments.of("a private key", PEM.replace("CERTIFICATE", "PRIVATE KEY")),
        Arguments.of("text before", "subject=CN=ci\n" + PEM),
        Arguments.of("no END line", PEM.substring(0, PEM.lastIndexOf("-----END"))),
        Arguments.of("not base64", PEM.replace(body, body.replace('A', '*'))),
        Arguments.of("not a certificate", PEM.replace(body, "MAA=\n")),
        Arguments.of("too large", PEM + " ".repeat(ClientCertificates.MAX_PEM_CHARS)));
  }

  /** DER-level: the certificate followed by bytes, which the JDK's parser alone would ignore. */
  @Test
  void refusesTrailingBytesAfterTheCertificatesDer() throws Exception {
    byte[] der = CERT.certificate().getEncoded();
    byte[] longer = java.util.Arrays.copyOf(der, der.length + 2); // + 0x00 0x00 (an EOC)
    String pem =
        "-----BEGIN CERTIFICATE-----\n"
            + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(longer)
            + "\n-----END CERTIFICATE-----\n";

    assertThatThrownBy(() -> ClientCertificates.parsePem(pem))
        .isInstanceOf(ClientCertificates.Malformed.class)
        .hasMessageContaining("trailing");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void refusesAnythingButOneCertificate(String name, String pem) {
    assertThatThrownBy(() -> ClientCertificates.parsePem(pem))
        .isInstanceOf(ClientCertificates.Malformed.class);
  }
}
