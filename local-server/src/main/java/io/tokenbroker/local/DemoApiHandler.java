package io.tokenbroker.local;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.tokenbroker.adapters.http.ApiGatewayEvents;
import io.tokenbroker.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.text.ParseException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The demo API behind the authorizer: echoes the request and what the authorizer passed on, the way
 * the template's sample route does with a mock integration.
 */
final class DemoApiHandler implements RequestStreamHandler {

  @Override
  public void handleRequest(InputStream in, OutputStream out, Context context) throws IOException {
    Map<String, Object> event;
    try {
      event = Json.object(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
    } catch (ParseException e) {
      throw new IOException("not an event", e);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("message", "hello from the demo API");
    body.put("method", event.get("httpMethod"));
    body.put("path", event.get("path"));
    if (event.get("requestContext") instanceof Map<?, ?> requestContext) {
      body.put("authorizer", requestContext.get("authorizer"));
    }
    ApiGatewayEvents.write(
        io.tokenbroker.adapters.http.HttpResponse.json(200, body, "no-store"), out);
  }
}
