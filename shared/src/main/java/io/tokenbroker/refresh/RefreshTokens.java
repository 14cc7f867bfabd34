package io.tokenbroker.refresh;

import io.tokenbroker.tokens.TokenDigest;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * The refresh token format: {@code tbr_} + 256 random bits (43 base64url characters) + a CRC32
 * checksum of everything before it (8 hex characters). The fixed prefix and the checksum let secret
 * scanners recognise a leaked token without asking the broker; the broker stores only its SHA-256.
 */
public final class RefreshTokens {

  public static final String PREFIX = "tbr_";
  private static final Pattern FORMAT = Pattern.compile("tbr_[A-Za-z0-9_-]{43}[0-9a-f]{8}");

  private RefreshTokens() {}

  public static String generate(SecureRandom random) {
    byte[] secret = new byte[32];
    random.nextBytes(secret);
    String body = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    return body + checksum(body);
  }

  /** Shape and checksum right: worth a lookup. */
  public static boolean isWellFormed(String token) {
    return FORMAT.matcher(token).matches()
        && checksum(token.substring(0, token.length() - 8))
            .equals(token.substring(token.length() - 8));
  }

  /** How the store refers to a token: hex SHA-256, as issuance records refer to access tokens. */
  public static String hash(String token) {
    return TokenDigest.sha256(token);
  }

  private static String checksum(String body) {
    CRC32 crc = new CRC32();
    crc.update(body.getBytes(StandardCharsets.US_ASCII));
    return String.format("%08x", crc.getValue());
  }
}
