package io.tokenbroker.adapters.http;

import io.tokenbroker.errors.RequestRejected;
import java.text.ParseException;
import java.util.Map;

/**
 * Reads API Gateway proxy events into {@link HttpRequest}s, choosing the parser by payload version:
 * HTTP API payload 2.0 ({@link HttpApiEventParser}) when the event says {@code "version":"2.0"},
 * else REST API payload 1.0 ({@link RestApiEventParser}). Reading the bytes is {@link
 * BoundedEventReader}'s job; writing the response {@link ApiGatewayResponseWriter}'s.
 */
public final class ApiGatewayEvents {

  private ApiGatewayEvents() {}

  /**
   * Parses a proxy event of either payload version.
   *
   * @throws RequestRejected {@code invalid_request} if it is malformed, or its headers exceed the
   *     limits ({@link HeaderLimits#requireWithinLimits})
   */
  public static HttpRequest parse(Map<String, Object> event) {
    try {
      return "2.0".equals(event.get("version"))
          ? HttpApiEventParser.parse(event)
          : RestApiEventParser.parse(event);
    } catch (ParseException | IllegalArgumentException e) {
      throw RequestRejected.invalidRequest(HttpReason.MALFORMED_EVENT, "malformed request event");
    }
  }
}
