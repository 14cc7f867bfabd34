package io.tokenbroker.leaks;

import java.util.regex.Pattern;

/**
 * The token formats published for secret scanners (GitHub's partner programme, gitleaks,
 * trufflehog, an operator's grep): what to look for, so that a scanner finds the broker's tokens
 * without asking the broker, and what it then reports to {@code POST /leaks/github}.
 */
public final class ScannerPatterns {

  /**
   * A refresh token: {@code tbr_}, 43 base64url characters (256 random bits), then the CRC32 (IEEE
   * 802.3, as zlib's {@code crc32} and {@code java.util.zip.CRC32}) of the 47 ASCII characters
   * before it, as 8 lower-case hex digits. A match whose checksum is wrong is no broker token.
   */
  public static final String REFRESH_TOKEN = "tbr_[A-Za-z0-9_-]{43}[0-9a-f]{8}";

  /**
   * An access token: a compact JWS whose header is exactly what the broker's minter writes, {@code
   * {"kid":"<RFC 7638 thumbprint, 43 characters>","typ":"at+jwt","alg":"RS256"|"ES256"}}, so its
   * base64url is 110 characters of which the first 10 and the last 42 are fixed; then the claims
   * and the signature (ES256: 86 characters, RS256 with 2048-4096-bit keys: 342-683). The claims'
   * {@code iss} is the deployment's ISSUER: a scanner that decodes the payload can tell one
   * deployment's tokens from another's (its position in the JSON varies, so no fixed base64 text
   * carries it).
   */
  public static final String ACCESS_TOKEN =
      "eyJraWQiOi[A-Za-z0-9_-]{58}IiwidHlwIjoiYXQrand0IiwiYWxnIjoi(?:UlMyNTYifQ|RVMyNTYifQ)"
          + "\\.[A-Za-z0-9_-]{40,}\\.(?:[A-Za-z0-9_-]{86}|[A-Za-z0-9_-]{342,683})";

  private static final Pattern REFRESH = Pattern.compile(REFRESH_TOKEN);
  private static final Pattern ACCESS = Pattern.compile(ACCESS_TOKEN);

  private ScannerPatterns() {}

  /** Whether {@code text} is exactly shaped like a broker refresh token (checksum not checked). */
  public static boolean refreshTokenShape(String text) {
    return REFRESH.matcher(text).matches();
  }

  /** Whether {@code text} is exactly shaped like a broker access token (nothing verified). */
  public static boolean accessTokenShape(String text) {
    return ACCESS.matcher(text).matches();
  }
}
