package io.tokenbroker.adapters.http;

import io.tokenbroker.errors.RequestRejected;
import java.util.List;
import java.util.Map;

/**
 * How many and how large the header fields of a request may be, whichever payload version carried
 * them; the authorizer holds its events to the same limits.
 */
public final class HeaderLimits {

  /**
   * Header fields (values, counting each of a repeated header) a request may carry. API Gateway and
   * CloudFront add about 20 of their own; clients send a dozen.
   */
  public static final int MAX_FIELDS = 100;

  /**
   * The longest header value: API Gateway's quota on the request line and all headers together is
   * 10240 bytes, so no single value it forwards from a caller is longer. Room for a Bearer token at
   * its own cap ({@code AccessTokenVerifier.MAX_TOKEN_LENGTH}, 8192).
   */
  public static final int MAX_VALUE_CHARS = 10 * 1024;

  /** Names and values of all header fields together: the 10 KiB quota plus what AWS adds. */
  public static final int MAX_CHARS = 16 * 1024;

  private HeaderLimits() {}

  /**
   * Refuses header fields beyond {@link #MAX_FIELDS}, a value over {@link #MAX_VALUE_CHARS} or all
   * of them over {@link #MAX_CHARS}: {@code invalid_request} (400), like every other event-level
   * limit.
   */
  public static void requireWithinLimits(Map<String, ? extends List<String>> headers) {
    int fields = 0;
    long chars = 0;
    for (Map.Entry<String, ? extends List<String>> header : headers.entrySet()) {
      for (String value : header.getValue()) {
        fields++;
        if (value.length() > MAX_VALUE_CHARS) {
          throw RequestRejected.invalidRequest(
              HttpReason.HEADER_TOO_LARGE, "request header too large");
        }
        chars += header.getKey().length() + value.length();
      }
    }
    if (fields > MAX_FIELDS) {
      throw RequestRejected.invalidRequest(HttpReason.TOO_MANY_HEADERS, "too many request headers");
    }
    if (chars > MAX_CHARS) {
      throw RequestRejected.invalidRequest(
          HttpReason.HEADERS_TOO_LARGE, "request headers too large");
    }
  }
}
