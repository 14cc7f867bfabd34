package io.tokenbroker.devsupport;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.security.auth.x500.X500Principal;

/**
 * X.509 certificates made with the JDK alone (it has no public certificate builder, and the build
 * carries no BouncyCastle): the DER of an RFC 5280 v3 certificate, P-256 keys, ECDSA with SHA-256.
 * For the local server's own TLS certificate and for tests' CAs and client certificates; real
 * certificates, which the JDK's TLS stack and PKIX validation accept.
 */
public final class X509Builder {

  /** A key pair and its certificate. */
  public record Issued(KeyPair keys, X509Certificate certificate) {

    /** The certificate as PEM, as API Gateway passes {@code clientCertPem}. */
    public String pem() {
      return X509Builder.pem(certificate);
    }
  }

  private static final byte[] ECDSA_SHA256 = {
    0x06, 0x08, 0x2A, (byte) 0x86, 0x48, (byte) 0xCE, 0x3D, 0x04, 0x03, 0x02
  };
  private static final byte[] OID_SAN = {0x06, 0x03, 0x55, 0x1D, 0x11};
  private static final byte[] OID_BASIC_CONSTRAINTS = {0x06, 0x03, 0x55, 0x1D, 0x13};
  private static final byte[] OID_KEY_USAGE = {0x06, 0x03, 0x55, 0x1D, 0x0F};
  private static final DateTimeFormatter UTC_TIME =
      DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String subject;
  private final List<byte[]> names = new ArrayList<>();
  private boolean ca;
  private Duration lifetime = Duration.ofDays(1);

  private X509Builder(String subject) {
    this.subject = subject;
  }

  /** A certificate for {@code subjectDn} (RFC 4514, e.g. {@code CN=workload,O=Example}). */
  public static X509Builder subject(String subjectDn) {
    return new X509Builder(subjectDn);
  }

  public X509Builder dns(String name) {
    names.add(tlv(0x82, name.getBytes(StandardCharsets.US_ASCII)));
    return this;
  }

  public X509Builder uri(String uri) {
    names.add(tlv(0x86, uri.getBytes(StandardCharsets.US_ASCII)));
    return this;
  }

  public X509Builder email(String address) {
    names.add(tlv(0x81, address.getBytes(StandardCharsets.US_ASCII)));
    return this;
  }

  public X509Builder ip(String literal) {
    names.add(tlv(0x87, InetAddress.ofLiteral(literal).getAddress()));
    return this;
  }

  /** An iPAddress entry of exactly these octets (e.g. 16 for an IPv4-mapped IPv6 address). */
  public X509Builder ipOctets(byte[] octets) {
    names.add(tlv(0x87, octets.clone()));
    return this;
  }

  /** A CA certificate (basicConstraints cA, keyCertSign). */
  public X509Builder ca() {
    this.ca = true;
    return this;
  }

  public X509Builder lifetime(Duration value) {
    this.lifetime = value;
    return this;
  }

  /** Self-signed. */
  public Issued selfSigned() {
    return selfSigned(p256());
  }

  /** Self-signed, for {@code keys}: another certificate of a key that already has one. */
  public Issued selfSigned(KeyPair keys) {
    return new Issued(keys, sign(keys, new X500Principal(subject), keys.getPrivate()));
  }

  /** Signed by {@code issuer}. */
  public Issued signedBy(Issued issuer) {
    KeyPair keys = p256();
    return new Issued(
        keys,
        sign(keys, issuer.certificate().getSubjectX500Principal(), issuer.keys().getPrivate()));
  }

  public static String pem(X509Certificate certificate) {
    try {
      return "-----BEGIN CERTIFICATE-----\n"
          + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(certificate.getEncoded())
          + "\n-----END CERTIFICATE-----\n";
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private X509Certificate sign(KeyPair keys, X500Principal issuer, PrivateKey issuerKey) {
    Instant now = Instant.now();
    byte[] algorithm = seq(ECDSA_SHA256);
    List<byte[]> extensions = new ArrayList<>();
    if (!names.isEmpty()) {
      extensions.add(seq(OID_SAN, tlv(0x04, seq(names.toArray(byte[][]::new)))));
    }
    if (ca) {
      byte[] critical = {0x01, 0x01, (byte) 0xFF};
      extensions.add(
          seq(
              OID_BASIC_CONSTRAINTS,
              critical,
              tlv(0x04, seq(new byte[] {0x01, 0x01, (byte) 0xFF}))));
      // keyCertSign (bit 5) and cRLSign (bit 6): 0x06, one unused bit
      extensions.add(seq(OID_KEY_USAGE, critical, tlv(0x04, new byte[] {0x03, 0x02, 0x01, 0x06})));
    }
    byte[] tbs =
        seq(
            tlv(0xA0, tlv(0x02, new byte[] {0x02})),
            tlv(0x02, new BigInteger(63, RANDOM).add(BigInteger.ONE).toByteArray()),
            algorithm,
            issuer.getEncoded(),
            seq(tlv(0x17, time(now.minusSeconds(300))), tlv(0x17, time(now.plus(lifetime)))),
            new X500Principal(subject).getEncoded(),
            keys.getPublic().getEncoded(),
            extensions.isEmpty() ? new byte[0] : tlv(0xA3, seq(extensions.toArray(byte[][]::new))));
    try {
      Signature signer = Signature.getInstance("SHA256withECDSA");
      signer.initSign(issuerKey);
      signer.update(tbs);
      byte[] signature = signer.sign();
      byte[] bits = new byte[signature.length + 1];
      System.arraycopy(signature, 0, bits, 1, signature.length);
      byte[] der = seq(tbs, algorithm, tlv(0x03, bits));
      return (X509Certificate)
          CertificateFactory.getInstance("X.509")
              .generateCertificate(new ByteArrayInputStream(der));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign a certificate", e);
    }
  }

  private static byte[] time(Instant instant) {
    return UTC_TIME.format(instant).getBytes(StandardCharsets.US_ASCII);
  }

  private static KeyPair p256() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] seq(byte[]... parts) {
    ByteArrayOutputStream content = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      content.writeBytes(part);
    }
    return tlv(0x30, content.toByteArray());
  }

  private static byte[] tlv(int tag, byte[] value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    int length = value.length;
    if (length < 0x80) {
      out.write(length);
    } else if (length < 0x100) {
      out.write(0x81);
      out.write(length);
    } else {
      out.write(0x82);
      out.write(length >> 8);
      out.write(length & 0xFF);
    }
    out.writeBytes(value);
    return out.toByteArray();
  }
}
