package io.tokenbroker.adapters.http;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.util.LinkedHashMap;
import java.util.Map;

/** An HTTP response for API Gateway: status, headers and a text body. */
public record HttpResponse(int status, Map<String, String> headers, String body) {

  /** Sent with every response: no MIME sniffing, no framing. */
  private static final Map<String, String> ALWAYS =
      Map.of("X-Content-Type-Options", "nosniff", "X-Frame-Options", "DENY");

  public HttpResponse {
    Map<String, String> all = new LinkedHashMap<>(ALWAYS);
    all.putAll(headers);
    headers = Map.copyOf(all);
  }

  /** A JSON response; {@code cacheControl} is required so no response is cacheable by accident. */
  public static HttpResponse json(int status, Map<String, ?> body, String cacheControl) {
    return new HttpResponse(
        status,
        Map.of("Content-Type", "application/json", "Cache-Control", cacheControl),
        JSONObjectUtils.toJSONString(body));
  }

  /** This response with one more header. */
  public HttpResponse withHeader(String name, String value) {
    Map<String, String> more = new LinkedHashMap<>(headers);
    more.put(name, value);
    return new HttpResponse(status, more, body);
  }
}
