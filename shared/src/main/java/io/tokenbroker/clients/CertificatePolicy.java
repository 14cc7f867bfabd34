package io.tokenbroker.clients;

import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;
import javax.security.auth.x500.X500Principal;

/**
 * A client's mutual TLS registration (RFC 8705), in its client-metadata names.
 *
 * @param boundTokens {@code tls_client_certificate_bound_access_tokens} (3.4): its tokens are
 *     issued only over mutual TLS and always bound to the certificate ({@code cnf["x5t#S256"]});
 *     false keeps bearer tokens, over mutual TLS or not
 * @param subject for {@code tls_client_auth} (2.1): the one certificate name it authenticates with
 * @param selfSigned {@code self_signed_tls_client_auth} (2.2): it authenticates with a certificate
 *     whose key is one of its {@code jwks} (and, when the key carries {@code x5c}, that
 *     certificate)
 */
public record CertificatePolicy(
    boolean boundTokens, Optional<CertificateSubject> subject, boolean selfSigned) {

  /** No mutual TLS: today's bearer tokens and no certificate authentication. */
  public static final CertificatePolicy NONE =
      new CertificatePolicy(false, Optional.empty(), false);

  public CertificatePolicy {
    Objects.requireNonNull(subject, "subject");
  }

  private static final java.util.regex.Pattern DOTTED_QUAD =
      java.util.regex.Pattern.compile(
          "(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])){3}");

  /**
   * One spelling per address (RFC 8705 2.1.2 compares binary): IPv4 as four decimal octets, IPv6 in
   * RFC 5952's text (lowercase, no leading zeros, the longest run of two or more zero groups as
   * {@code ::}, no embedded IPv4), so the JDK's lenient literals (10.1, ::ffff:10.0.0.1) are out.
   */
  static boolean canonicalIp(String value) {
    if (DOTTED_QUAD.matcher(value).matches()) {
      return true;
    }
    if (!value.contains(":") || value.contains(".") || value.contains("%")) {
      return false;
    }
    byte[] address;
    try {
      address = InetAddress.ofLiteral(value).getAddress();
    } catch (IllegalArgumentException e) {
      return false;
    }
    return address.length == 16 && rfc5952(address).equals(value);
  }

  private static String rfc5952(byte[] address) {
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = ((address[2 * i] & 0xff) << 8) | (address[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLength = 1; // a single zero group is not compressed
    for (int i = 0; i < 8; ) {
      if (groups[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
      i = j;
    }
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        text.append("::");
        i += bestLength - 1;
        continue;
      }
      if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
        text.append(':');
      }
      text.append(Integer.toHexString(groups[i]));
    }
    return text.toString();
  }

  /** Whether the client may authenticate with a certificate at all. */
  public boolean authenticatesByCertificate() {
    return subject.isPresent() || selfSigned;
  }

  /** Which certificate name {@code tls_client_auth} matches (RFC 8705 2.1.2), and its value. */
  public record CertificateSubject(Kind kind, String value) {

    private static final int MAX_LENGTH = 1024;

    /** RFC 8705 2.1.2's metadata, one per name type. */
    public enum Kind {
      SUBJECT_DN("tls_client_auth_subject_dn"),
      SAN_DNS("tls_client_auth_san_dns"),
      SAN_URI("tls_client_auth_san_uri"),
      SAN_IP("tls_client_auth_san_ip"),
      SAN_EMAIL("tls_client_auth_san_email");

      private final String field;

      Kind(String field) {
        this.field = field;
      }

      /** The registration field. */
      public String field() {
        return field;
      }
    }

    public CertificateSubject {
      Objects.requireNonNull(kind, "kind");
      if (value == null || value.isBlank() || value.length() > MAX_LENGTH) {
        throw new InvalidClientPolicy(kind.field() + ": 1-" + MAX_LENGTH + " characters");
      }
      switch (kind) {
        case SUBJECT_DN -> {
          // X500Principal.equals folds look-alikes (fullwidth letters, dotless i): ASCII only.
          if (!value.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
            throw new InvalidClientPolicy(kind.field() + ": printable ASCII only");
          }
          try {
            new X500Principal(value);
          } catch (IllegalArgumentException e) {
            throw new InvalidClientPolicy(
                kind.field() + ": not an RFC 4514 distinguished name: " + value);
          }
        }
        case SAN_IP -> {
          if (!canonicalIp(value)) {
            throw new InvalidClientPolicy(
                kind.field() + ": not an IPv4 dotted quad or an RFC 5952 IPv6 address: " + value);
          }
        }
        default -> {
          for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c <= 0x20 || c == 0x7f) {
              throw new InvalidClientPolicy(kind.field() + ": no spaces or control characters");
            }
          }
        }
      }
    }
  }
}
