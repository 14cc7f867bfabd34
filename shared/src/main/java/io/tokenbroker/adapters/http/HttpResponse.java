package io.tokenbroker.adapters.http;

import com.nimbusds.jose.util.JSONObjectUtils;
import io.tokenbroker.json.GsonStyleJson;
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
        text(body));
  }

  /** As Nimbus writes it, without building its Gson for the usual bodies (issue 13). */
  static String text(Map<String, ?> json) {
    String text = GsonStyleJson.write(json);
    return text != null ? text : JSONObjectUtils.toJSONString(json);
  }

  /** This response with one more header. */
  public HttpResponse withHeader(String name, String value) {
    Map<String, String> more = new LinkedHashMap<>(headers);
    more.put(name, value);
    return new HttpResponse(status, more, body);
  }
}
