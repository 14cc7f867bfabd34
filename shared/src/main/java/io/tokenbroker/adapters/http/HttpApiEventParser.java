package io.tokenbroker.adapters.http;

import static io.tokenbroker.adapters.http.EventJson.body;
import static io.tokenbroker.adapters.http.EventJson.object;
import static io.tokenbroker.adapters.http.EventJson.singleValues;
import static io.tokenbroker.adapters.http.EventJson.string;

import java.text.ParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An HTTP API event (payload 2.0): single-valued headers (API Gateway joins repeats with commas),
 * the route from the route key's path, the SigV4 caller from {@code
 * requestContext.authorizer.iam.userArn}, the mutual TLS client certificate from {@code
 * requestContext.authentication.clientCert.clientCertPem}.
 */
final class HttpApiEventParser {

  private HttpApiEventParser() {}

  /**
   * @throws ParseException if a member has the wrong type
   * @throws io.tokenbroker.errors.RequestRejected if the headers exceed {@link HeaderLimits}
   */
  static HttpRequest parse(Map<String, Object> event) throws ParseException {
    Map<String, Object> context = object(event, "requestContext");
    Map<String, Object> http = object(context, "http");
    Map<String, Object> iam = object(object(context, "authorizer"), "iam");
    String path = string(event, "rawPath").orElse("/");
    String routeKey = string(event, "routeKey").orElse("");
    int space = routeKey.indexOf(' ');
    Map<String, List<String>> headers = singleValues(event, "headers");
    HeaderLimits.requireWithinLimits(headers);
    return new HttpRequest(
        string(http, "method").orElse("").toUpperCase(Locale.ROOT),
        path,
        space >= 0 ? routeKey.substring(space + 1) : path,
        headers,
        singleValues(event, "queryStringParameters"),
        body(event),
        new HttpRequest.RequestContext(
            string(context, "requestId").orElse(""),
            string(context, "apiId").orElse(""),
            string(context, "stage").orElse(""),
            string(http, "sourceIp").orElse(""),
            string(http, "userAgent").orElse(""),
            string(iam, "userArn"),
            string(object(object(context, "authentication"), "clientCert"), "clientCertPem")));
  }
}
