package io.tokenbroker.jose;

import java.io.ByteArrayInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A client's X.509 certificate as mutual TLS hands it over (RFC 8705): read strictly from the PEM
 * API Gateway puts in the request context ({@code clientCertPem}), and its {@code x5t#S256}
 * thumbprint, the SHA-256 of its DER (RFC 8705 3.1).
 */
public final class ClientCertificates {

  /** A PEM certificate is a few KB; anything far larger is no certificate API Gateway sent. */
  public static final int MAX_PEM_CHARS = 16 * 1024;

  private static final int KEY_CERT_SIGN = 5;

  private static final String BEGIN = "-----BEGIN CERTIFICATE-----";
  private static final String END = "-----END CERTIFICATE-----";

  /** Base64 lines (RFC 7468 "strict": 64 characters but the last; lax: any length), padded. */
  private static final Pattern BODY = Pattern.compile("[A-Za-z0-9+/=\\r\\n\\t ]+");

  private ClientCertificates() {}

  /** The PEM is no single X.509 certificate in canonical DER. */
  public static final class Malformed extends Exception {
    public Malformed(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * Exactly one {@code CERTIFICATE} block, surrounding whitespace allowed, nothing else: whose
   * base64 decodes to a DER certificate the JDK parses and encodes back to the same bytes.
   *
   * @throws Malformed naming the broken rule
   */
  public static X509Certificate parsePem(String pem) throws Malformed {
    if (pem == null || pem.length() > MAX_PEM_CHARS) {
      throw new Malformed("client certificate PEM missing or too large");
    }
    String text = pem.strip();
    if (!text.startsWith(BEGIN) || !text.endsWith(END)) {
      throw new Malformed("client certificate is not one PEM CERTIFICATE block");
    }
    String body = text.substring(BEGIN.length(), text.length() - END.length());
    if (body.contains("-") || !BODY.matcher(body).matches()) {
      throw new Malformed("client certificate PEM holds more than one base64 block");
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(body.replaceAll("\\s", ""));
    } catch (IllegalArgumentException e) {
      throw new Malformed("client certificate PEM is not base64");
    }
    return fromDer(der);
  }

  /**
   * Every {@code CERTIFICATE} block of a PEM bundle, as an operator writes one into a setting: line
   * breaks inside a block may be spaces (one-line values), nothing but blocks and whitespace.
   *
   * @throws Malformed when a block is not a certificate or there is none
   */
  public static java.util.List<X509Certificate> parseBundle(String pem) throws Malformed {
    java.util.List<X509Certificate> certificates = new java.util.ArrayList<>();
    String rest = pem == null ? "" : pem.strip();
    while (!rest.isEmpty()) {
      int end = rest.indexOf(END);
      if (!rest.startsWith(BEGIN) || end < 0) {
        throw new Malformed("certificate bundle holds something other than CERTIFICATE blocks");
      }
      String body = rest.substring(BEGIN.length(), end).replaceAll("\\s", "");
      if (body.contains("-") || !BODY.matcher(body.isEmpty() ? " " : body).matches()) {
        throw new Malformed("certificate bundle block is not base64");
      }
      try {
        certificates.add(fromDer(Base64.getDecoder().decode(body)));
      } catch (IllegalArgumentException e) {
        throw new Malformed("certificate bundle block is not base64");
      }
      rest = rest.substring(end + END.length()).strip();
    }
    if (certificates.isEmpty()) {
      throw new Malformed("certificate bundle holds no certificate");
    }
    return java.util.List.copyOf(certificates);
  }

  /** A certificate from its DER, which must be canonical (re-encoding gives the same bytes). */
  public static X509Certificate fromDer(byte[] der) throws Malformed {
    X509Certificate certificate;
    try {
      certificate =
          (X509Certificate)
              CertificateFactory.getInstance("X.509")
                  .generateCertificate(new ByteArrayInputStream(der));
    } catch (CertificateException | ClassCastException e) {
      throw new Malformed("client certificate is not an X.509 certificate");
    }
    try {
      if (!Arrays.equals(certificate.getEncoded(), der)) {
        throw new Malformed("client certificate DER has trailing or non-canonical bytes");
      }
    } catch (CertificateEncodingException e) {
      throw new Malformed("client certificate cannot be encoded");
    }
    return certificate;
  }

  /** basicConstraints cA, or keyUsage keyCertSign: a trust anchor that could issue certificates. */
  public static boolean canSign(X509Certificate certificate) {
    boolean[] usage = certificate.getKeyUsage();
    return certificate.getBasicConstraints() >= 0
        || (usage != null && usage.length > KEY_CERT_SIGN && usage[KEY_CERT_SIGN]);
  }

  /** RFC 8705 3.1: base64url (no padding) of the SHA-256 of the certificate's DER. */
  public static String thumbprint(X509Certificate certificate) {
    try {
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
    } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
      throw new IllegalStateException("SHA-256 of a parsed certificate", e);
    }
  }

  /** The binding a token gets from this certificate. */
  public static Confirmation.ClientCertificate confirmation(X509Certificate certificate) {
    return new Confirmation.ClientCertificate(thumbprint(certificate));
  }

  /** Whether {@code certificate} is the one {@code bound} names. */
  public static boolean matches(
      Confirmation.ClientCertificate bound, Optional<X509Certificate> certificate) {
    return certificate.isPresent()
        && MessageDigest.isEqual(
            bound.thumbprint().getBytes(java.nio.charset.StandardCharsets.US_ASCII),
            thumbprint(certificate.get()).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
  }
}
