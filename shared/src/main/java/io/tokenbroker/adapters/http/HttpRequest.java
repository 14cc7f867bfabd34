package io.tokenbroker.adapters.http;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An HTTP request as API Gateway hands it to a function (REST API proxy or HTTP API payload 2.0).
 *
 * @param method HTTP method, upper case
 * @param path the request path, without stage
 * @param route the matched route template (REST {@code resource}, HTTP API route key's path)
 * @param headers header values by case-insensitive name, in arrival order
 * @param query query parameter values by name, in arrival order
 * @param body the body as text (decoded if API Gateway base64-encoded it), empty if none
 * @param context who sent it and through which API
 */
public record HttpRequest(
    String method,
    String path,
    String route,
    Map<String, List<String>> headers,
    Map<String, List<String>> query,
    String body,
    RequestContext context) {

  public HttpRequest {
    TreeMap<String, List<String>> caseInsensitive = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    // Names differing only in case are one header: their values join, none is dropped (two DPoP
    // headers spelt "DPoP" and "dpop" are two proofs, RFC 9449 4.3).
    headers.forEach(
        (name, values) ->
            caseInsensitive.merge(
                name,
                List.copyOf(values),
                (a, b) -> java.util.stream.Stream.concat(a.stream(), b.stream()).toList()));
    headers = Collections.unmodifiableMap(caseInsensitive);
    query = Map.copyOf(query);
  }

  /**
   * @param requestId API Gateway's request id
   * @param apiId the API's id
   * @param stage the API stage
   * @param sourceIp the client's address as API Gateway saw it
   * @param userAgent the User-Agent header as API Gateway saw it, or empty
   * @param iamCallerArn the caller's IAM principal ARN when API Gateway verified a SigV4 signature
   *     (AWS_IAM routes), else empty; never set from a client-controlled header
   */
  public record RequestContext(
      String requestId,
      String apiId,
      String stage,
      String sourceIp,
      String userAgent,
      Optional<String> iamCallerArn) {}

  /** Every value of the header, or an empty list. */
  public List<String> headerValues(String name) {
    return headers.getOrDefault(name, List.of());
  }

  /** The header's value if it occurs exactly once. */
  public Optional<String> singleHeader(String name) {
    List<String> values = headerValues(name);
    return values.size() == 1 ? Optional.of(values.getFirst()) : Optional.empty();
  }
}
