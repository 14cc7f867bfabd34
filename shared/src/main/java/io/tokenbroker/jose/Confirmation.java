package io.tokenbroker.jose;

import java.util.Map;
import java.util.Optional;

/**
 * What a sender-constrained access token is bound to: its {@code cnf} claim (RFC 7800), with
 * exactly one member. A bound token is worth nothing without the key or certificate it names: a
 * verifier that cannot check the proof must refuse it, never accept it as a bearer token.
 */
public sealed interface Confirmation {

  /** The {@code cnf} member's name. */
  String member();

  /** The member's value: a base64url SHA-256, 43 characters. */
  String thumbprint();

  /** The claim's value as the token carries it: {@code {"<member>": "<thumbprint>"}}. */
  default Map<String, Object> claim() {
    return Map.of(member(), thumbprint());
  }

  /** DPoP (RFC 9449 6.1): the RFC 7638 SHA-256 thumbprint of the proof key, {@code jkt}. */
  record DpopKey(String thumbprint) implements Confirmation {
    public static final String MEMBER = "jkt";

    public DpopKey {
      requireThumbprint(thumbprint);
    }

    @Override
    public String member() {
      return MEMBER;
    }
  }

  /** Mutual TLS (RFC 8705 3.1): the SHA-256 of the client certificate's DER, {@code x5t#S256}. */
  record ClientCertificate(String thumbprint) implements Confirmation {
    public static final String MEMBER = "x5t#S256";

    public ClientCertificate {
      requireThumbprint(thumbprint);
    }

    @Override
    public String member() {
      return MEMBER;
    }
  }

  /**
   * The confirmation a {@code cnf} object holds, if it is one the broker mints: exactly one member,
   * {@code jkt} or {@code x5t#S256}, whose value is a base64url SHA-256.
   */
  static Optional<Confirmation> fromClaim(Map<String, String> cnf) {
    if (cnf.size() != 1) {
      return Optional.empty();
    }
    Map.Entry<String, String> only = cnf.entrySet().iterator().next();
    if (!isThumbprint(only.getValue())) {
      return Optional.empty();
    }
    return switch (only.getKey()) {
      case DpopKey.MEMBER -> Optional.of(new DpopKey(only.getValue()));
      case ClientCertificate.MEMBER -> Optional.of(new ClientCertificate(only.getValue()));
      default -> Optional.empty();
    };
  }

  /** Unpadded base64url of 32 bytes: 43 characters, the last one carrying 2 bits only. */
  static boolean isThumbprint(String value) {
    if (value == null || value.length() != 43) {
      return false;
    }
    for (int i = 0; i < 43; i++) {
      char c = value.charAt(i);
      boolean base64url =
          (c >= 'A' && c <= 'Z')
              || (c >= 'a' && c <= 'z')
              || (c >= '0' && c <= '9')
              || c == '-'
              || c == '_';
      if (!base64url) {
        return false;
      }
    }
    // Canonical form: the 2 unused low bits of the last character are zero.
    return "AEIMQUYcgkosw048".indexOf(value.charAt(42)) >= 0;
  }

  private static void requireThumbprint(String value) {
    if (!isThumbprint(value)) {
      throw new IllegalArgumentException("not a base64url SHA-256 thumbprint");
    }
  }
}
