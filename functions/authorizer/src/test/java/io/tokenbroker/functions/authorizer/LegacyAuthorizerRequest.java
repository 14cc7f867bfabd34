package io.tokenbroker.functions.authorizer;

import io.tokenbroker.adapters.http.HeaderLimits;
import io.tokenbroker.adapters.http.HttpReason;
import io.tokenbroker.errors.RequestRejected;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The oracle for {@link AuthorizerEvent}: the authorizer's event read as it was before issue 13
 * (the event through {@code BoundedEventReader.readJson}, Gson's maps, then these shape checks),
 * kept unchanged but for its name and the types it returns; and since issue 14 the client
 * certificate and the DPoP parts ({@link #dpop}), written the same map-based way.
 */
final class LegacyAuthorizerRequest {

  private LegacyAuthorizerRequest() {}

  /**
   * @throws AuthorizerRequest.Malformed if the event is none of the shapes
   * @throws RequestRejected if its headers exceed the HTTP functions' limits ({@link
   *     HeaderLimits#requireWithinLimits})
   */
  static AuthorizerRequest parse(Map<String, Object> event) {
    requireHeadersWithinLimits(event);
    if ("2.0".equals(event.get("version"))) {
      return httpApi(event);
    }
    if (!(event.get("methodArn") instanceof String methodArn)) {
      throw new AuthorizerRequest.Malformed();
    }
    Arn arn = Arn.parse(methodArn);
    Optional<String> credential =
        switch (String.valueOf(event.get("type"))) {
          case "TOKEN" -> Optional.ofNullable(string(event.get("authorizationToken")));
          case "REQUEST" -> singleHeader(event, "Authorization");
          default -> throw new AuthorizerRequest.Malformed();
        };
    return new AuthorizerRequest(
        AuthorizerRequest.Shape.REST_POLICY,
        credential.flatMap(LegacyAuthorizerRequest::bearer),
        arn.method(),
        arn.path(),
        arn.base(),
        clientCertPem(event, "identity"),
        dpop(event, credential, false),
        // Issue 16: where the request came from, for the log; a TOKEN event says nothing of it.
        "REQUEST".equals(event.get("type"))
            ? contextString(event, "identity", "sourceIp")
            : Optional.empty(),
        "REQUEST".equals(event.get("type")) ? singleHeader(event, "User-Agent") : Optional.empty(),
        "REQUEST".equals(event.get("type")) ? contextString(event, "requestId") : Optional.empty());
  }

  /** Issue 16: {@code requestContext.<holder>.<name>}, if a string. */
  private static Optional<String> contextString(
      Map<String, Object> event, String holder, String name) {
    return event.get("requestContext") instanceof Map<?, ?> context
            && context.get(holder) instanceof Map<?, ?> owner
            && owner.get(name) instanceof String value
        ? Optional.of(value)
        : Optional.empty();
  }

  /** {@code requestContext.<name>}, if a string. */
  private static Optional<String> contextString(Map<String, Object> event, String name) {
    return event.get("requestContext") instanceof Map<?, ?> context
            && context.get(name) instanceof String value
        ? Optional.of(value)
        : Optional.empty();
  }

  /** Issue 14: {@code requestContext.<holder>.clientCert.clientCertPem}, if a string. */
  private static Optional<String> clientCertPem(Map<String, Object> event, String holder) {
    return event.get("requestContext") instanceof Map<?, ?> context
            && context.get(holder) instanceof Map<?, ?> owner
            && owner.get("clientCert") instanceof Map<?, ?> cert
            && cert.get("clientCertPem") instanceof String pem
        ? Optional.of(pem)
        : Optional.empty();
  }

  private static AuthorizerRequest httpApi(Map<String, Object> event) {
    if (!(event.get("routeArn") instanceof String routeArn)
        || !(event.get("requestContext") instanceof Map<?, ?> context)
        || !(context.get("http") instanceof Map<?, ?> http)
        || !(http.get("method") instanceof String method)
        || !(event.get("rawPath") instanceof String rawPath)) {
      throw new AuthorizerRequest.Malformed();
    }
    Arn arn = Arn.parse(routeArn);
    String stage = String.valueOf(context.get("stage"));
    String path =
        !"$default".equals(stage) && rawPath.startsWith("/" + stage + "/")
            ? rawPath.substring(stage.length() + 1)
            : rawPath;
    // HTTP APIs join repeated headers with commas; a comma can never be part of a JWS.
    Optional<String> credential =
        singleHeader(event, "authorization").filter(v -> !v.contains(","));
    return new AuthorizerRequest(
        AuthorizerRequest.Shape.HTTP_SIMPLE,
        credential.flatMap(LegacyAuthorizerRequest::bearer),
        method.toUpperCase(Locale.ROOT),
        path,
        arn.base(),
        clientCertPem(event, "authentication"),
        dpop(event, credential, true),
        contextString(event, "http", "sourceIp"),
        contextString(event, "http", "userAgent"),
        contextString(event, "requestId"));
  }

  /**
   * For {@code Authorization: DPoP <token>}: the DPoP header (once; a list of more, or for an HTTP
   * API a comma, is repeated) and https://{requestContext.domainName}{REST: requestContext.path,
   * HTTP API: rawPath}.
   */
  private static Optional<AuthorizerRequest.Dpop> dpop(
      Map<String, Object> event, Optional<String> credential, boolean httpApi) {
    Optional<String> token = credential.flatMap(c -> scheme(c, "DPoP"));
    if (token.isEmpty()) {
      return Optional.empty();
    }
    TreeMap<String, Object> multi = caseInsensitive(event.get("multiValueHeaders"));
    Optional<String> proof;
    boolean repeated = false;
    if (dpopMembers(event.get("multiValueHeaders")) > 1 || dpopMembers(event.get("headers")) > 1) {
      proof = Optional.empty();
      repeated = true;
    } else if (multi.get("DPoP") instanceof List<?> list) {
      proof = list.size() == 1 ? Optional.ofNullable(string(list.getFirst())) : Optional.empty();
      repeated = list.size() > 1;
    } else {
      proof = Optional.ofNullable(string(caseInsensitive(event.get("headers")).get("DPoP")));
    }
    if (httpApi && proof.isPresent() && proof.get().contains(",")) {
      proof = Optional.empty();
      repeated = true;
    }
    Map<?, ?> context = event.get("requestContext") instanceof Map<?, ?> map ? map : Map.of();
    String host = string(context.get("domainName"));
    String path = httpApi ? string(event.get("rawPath")) : string(context.get("path"));
    Optional<String> url =
        host == null || path == null ? Optional.empty() : Optional.of("https://" + host + path);
    return Optional.of(new AuthorizerRequest.Dpop(token.get(), proof, repeated, url));
  }

  private static long dpopMembers(Object headers) {
    return headers instanceof Map<?, ?> values
        ? values.keySet().stream().filter(k -> "DPoP".equalsIgnoreCase(String.valueOf(k))).count()
        : 0;
  }

  private static TreeMap<String, Object> caseInsensitive(Object headers) {
    TreeMap<String, Object> map = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    if (headers instanceof Map<?, ?> values) {
      values.forEach((k, v) -> map.put(String.valueOf(k), v));
    }
    return map;
  }

  private static Optional<String> scheme(String credential, String scheme) {
    int space = credential.indexOf(' ');
    if (space < 0 || !credential.substring(0, space).equalsIgnoreCase(scheme)) {
      return Optional.empty();
    }
    String token = credential.substring(space + 1).stripLeading();
    return token.isEmpty() || token.contains(" ") ? Optional.empty() : Optional.of(token);
  }

  /** RFC 6750 2.1: {@code Bearer <token>}, scheme case-insensitive, nothing after the token. */
  private static Optional<String> bearer(String credential) {
    int space = credential.indexOf(' ');
    if (space < 0 || !credential.substring(0, space).equalsIgnoreCase("Bearer")) {
      return Optional.empty();
    }
    String token = credential.substring(space + 1).stripLeading();
    return token.isEmpty() || token.contains(" ") ? Optional.empty() : Optional.of(token);
  }

  /** The header's value if it was sent exactly once (REST multi-value headers say). */
  private static Optional<String> singleHeader(Map<String, Object> event, String name) {
    TreeMap<String, Object> multi = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    if (event.get("multiValueHeaders") instanceof Map<?, ?> values) {
      values.forEach((k, v) -> multi.put(String.valueOf(k), v));
    }
    if (multi.get(name) instanceof List<?> list) {
      return list.size() == 1 ? Optional.ofNullable(string(list.getFirst())) : Optional.empty();
    }
    TreeMap<String, Object> single = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    if (event.get("headers") instanceof Map<?, ?> values) {
      values.forEach((k, v) -> single.put(String.valueOf(k), v));
    }
    return Optional.ofNullable(string(single.get(name)));
  }

  /** Each header map API Gateway may send, and a TOKEN authorizer's token, within the limits. */
  private static void requireHeadersWithinLimits(Map<String, Object> event) {
    HeaderLimits.requireWithinLimits(headerValues(event.get("headers")));
    HeaderLimits.requireWithinLimits(headerValues(event.get("multiValueHeaders")));
    if (event.get("authorizationToken") instanceof String token
        && token.length() > HeaderLimits.MAX_VALUE_CHARS) {
      throw RequestRejected.invalidRequest(HttpReason.HEADER_TOO_LARGE, "request header too large");
    }
  }

  /** A header map's string values by name, whether single- or multi-valued; nothing else. */
  private static Map<String, List<String>> headerValues(Object headers) {
    Map<String, List<String>> values = new HashMap<>();
    if (headers instanceof Map<?, ?> map) {
      map.forEach(
          (name, value) ->
              values.put(
                  String.valueOf(name),
                  switch (value) {
                    case String single -> List.of(single);
                    case List<?> list ->
                        list.stream()
                            .filter(String.class::isInstance)
                            .map(String.class::cast)
                            .toList();
                    case null, default -> List.of();
                  }));
    }
    return values;
  }

  private static String string(Object value) {
    return value instanceof String s ? s : null;
  }

  /** {@code arn:aws:execute-api:<region>:<account>:<api>/<stage>/<METHOD>/<path>}. */
  private record Arn(String base, String method, String path) {
    static Arn parse(String arn) {
      String[] parts = arn.split(":", 6);
      if (parts.length != 6 || !parts[0].equals("arn") || !parts[2].equals("execute-api")) {
        throw new AuthorizerRequest.Malformed();
      }
      String[] resource = parts[5].split("/", 4);
      if (resource.length < 3) {
        throw new AuthorizerRequest.Malformed();
      }
      String base =
          String.join(":", parts[0], parts[1], parts[2], parts[3], parts[4], resource[0])
              + "/"
              + resource[1]
              + "/";
      return new Arn(base, resource[2], "/" + (resource.length == 4 ? resource[3] : ""));
    }
  }
}
