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
          try {
            InetAddress.ofLiteral(value); // a literal only: no DNS lookup
          } catch (IllegalArgumentException e) {
            throw new InvalidClientPolicy(
                kind.field() + ": not an IPv4 or IPv6 address literal: " + value);
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
