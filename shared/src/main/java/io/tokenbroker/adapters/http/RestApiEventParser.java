package io.tokenbroker.adapters.http;

import static io.tokenbroker.adapters.http.EventJson.body;
import static io.tokenbroker.adapters.http.EventJson.object;
import static io.tokenbroker.adapters.http.EventJson.singleValues;
import static io.tokenbroker.adapters.http.EventJson.string;

import java.text.ParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A REST API proxy event (payload 1.0): headers and query from the multi-value maps when present,
 * the route from {@code resource}, the SigV4 caller from {@code requestContext.identity.userArn},
 * the mutual TLS client certificate from {@code requestContext.identity.clientCert.clientCertPem}.
 */
final class RestApiEventParser {

  private RestApiEventParser() {}

  /**
   * @throws ParseException if a member has the wrong type
   * @throws io.tokenbroker.errors.RequestRejected if the headers exceed {@link HeaderLimits}
   */
  static HttpRequest parse(Map<String, Object> event) throws ParseException {
    Map<String, Object> context = object(event, "requestContext");
    Map<String, Object> identity = object(context, "identity");
    Map<String, List<String>> headers = multiValues(event, "multiValueHeaders");
    if (headers.isEmpty()) {
      headers = singleValues(event, "headers");
    }
    HeaderLimits.requireWithinLimits(headers);
    Map<String, List<String>> query = multiValues(event, "multiValueQueryStringParameters");
    if (query.isEmpty()) {
      query = singleValues(event, "queryStringParameters");
    }
    String path = string(event, "path").orElse("/");
    return new HttpRequest(
        string(event, "httpMethod").orElse("").toUpperCase(Locale.ROOT),
        path,
        string(event, "resource").orElse(path),
        headers,
        query,
        body(event),
        new HttpRequest.RequestContext(
            string(context, "requestId").orElse(""),
            string(context, "apiId").orElse(""),
            string(context, "stage").orElse(""),
            string(identity, "sourceIp").orElse(""),
            string(identity, "userAgent").orElse(""),
            string(identity, "userArn"),
            string(object(identity, "clientCert"), "clientCertPem")));
  }

  private static Map<String, List<String>> multiValues(Map<String, Object> json, String name)
      throws ParseException {
    Map<String, List<String>> values = new LinkedHashMap<>();
    for (Map.Entry<String, Object> entry : object(json, name).entrySet()) {
      if (!(entry.getValue() instanceof List<?> list)) {
        throw new ParseException("not a list: " + name, 0);
      }
      List<String> strings = new ArrayList<>();
      for (Object item : list) {
        if (!(item instanceof String s)) {
          throw new ParseException("not a string list: " + name, 0);
        }
        strings.add(s);
      }
      values.merge(
          entry.getKey(),
          strings,
          (a, b) -> {
            List<String> merged = new ArrayList<>(a);
            merged.addAll(b);
            return merged;
          });
    }
    return values;
  }
}
