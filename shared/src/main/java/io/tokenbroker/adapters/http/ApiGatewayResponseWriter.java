package io.tokenbroker.adapters.http;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Writes {@link HttpResponse}s in the shape both payload versions of API Gateway accept. */
public final class ApiGatewayResponseWriter {

  private ApiGatewayResponseWriter() {}

  /** Writes the response as API Gateway's Lambda proxy integration expects it. */
  public static void write(HttpResponse response, OutputStream out) throws IOException {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("statusCode", response.status());
    json.put("headers", response.headers());
    json.put("body", response.body());
    json.put("isBase64Encoded", false);
    out.write(HttpResponse.text(json).getBytes(StandardCharsets.UTF_8));
  }
}
