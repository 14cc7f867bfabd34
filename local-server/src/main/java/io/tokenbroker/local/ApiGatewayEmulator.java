package io.tokenbroker.local;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpsExchange;
import io.tokenbroker.devsupport.X509Builder;
import io.tokenbroker.json.Json;
import io.tokenbroker.operator.OperatorPrincipals;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.text.ParseException;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * API Gateway's REST API contract on a local HTTP server: routes requests to functions as Lambda
 * proxy events (payload 1.0), and answers as API Gateway does where it would not reach a function
 * (403 "Missing Authentication Token" for an unknown route, 413 for a body over 10 MB, 502 for a
 * function that fails or answers malformed, 403 where the API's resource policy denies the caller).
 */
final class ApiGatewayEmulator implements HttpHandler {

  private static final int MAX_BODY_BYTES = 10 * 1024 * 1024;
  private static final String STAGE = "local";

  /** Response headers a REST API remaps on a Lambda proxy integration's answer (lower case). */
  private static final Set<String> REMAPPED_RESPONSE_HEADERS =
      Set.of(
          "authorization",
          "connection",
          "content-md5",
          "date",
          "max-forwards",
          "server",
          "user-agent",
          "www-authenticate");

  private static final DateTimeFormatter REQUEST_TIME =
      DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT);

  /**
   * The API's resource policy (template.yaml, BrokerApi): every route may be invoked, except that
   * on {@code method resource} (a resource ending in {@code /*}: every route under it) a caller
   * whose role is not one of {@code operators} is denied (an explicit Deny on aws:PrincipalArn,
   * which for an assumed-role session is its role).
   */
  record OperatorsOnly(String method, String resource, OperatorPrincipals operators) {

    boolean denies(Route route, Optional<SigV4Verifier.LocalIdentity> caller) {
      // "/admin/*": every route under /admin/, as the template's resource policy names them
      boolean covered =
          resource.endsWith("/*")
              ? route.resource().startsWith(resource.substring(0, resource.length() - 1))
              : route.resource().equals(resource);
      return route.method().equals(method)
          && covered
          && caller.map(c -> !operators.admits(c.callerArn())).orElse(true);
    }
  }

  private final List<Route> routes;
  private final SigV4Verifier sigV4;
  private final LambdaAuthorizerEmulator authorizer;
  private final OperatorsOnly resourcePolicy;

  ApiGatewayEmulator(
      List<Route> routes,
      SigV4Verifier sigV4,
      LambdaAuthorizerEmulator authorizer,
      OperatorsOnly resourcePolicy) {
    this.routes = List.copyOf(routes);
    this.sigV4 = sigV4;
    this.authorizer = authorizer;
    this.resourcePolicy = resourcePolicy;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
      String path = exchange.getRequestURI().getRawPath();
      Optional<Route> route = routes.stream().filter(r -> r.matches(method, path)).findFirst();
      if (route.isEmpty()) {
        sendGatewayError(exchange, 403, "Missing Authentication Token");
        return;
      }
      byte[] body = readBody(exchange.getRequestBody());
      if (body == null) {
        sendGatewayError(exchange, 413, "Request Too Long");
        return;
      }
      Optional<SigV4Verifier.LocalIdentity> caller = Optional.empty();
      if (route.get().access() == Route.Access.AWS_IAM) {
        SigV4Verifier.Outcome outcome =
            sigV4.verify(
                method,
                path,
                exchange.getRequestURI().getRawQuery(),
                exchange.getRequestHeaders(),
                body);
        if (outcome instanceof SigV4Verifier.Refused refused) {
          sendGatewayError(exchange, refused.status(), refused.message());
          return;
        }
        caller = Optional.of(((SigV4Verifier.Verified) outcome).identity());
      }
      if (resourcePolicy.denies(route.get(), caller)) {
        // API Gateway's answer names the caller and the API's ARN; this one names neither.
        sendGatewayError(
            exchange,
            403,
            "User is not authorized to perform: execute-api:Invoke on this resource with an"
                + " explicit deny");
        return;
      }
      String requestId = UUID.randomUUID().toString();
      Map<String, Object> event = proxyEvent(exchange, route.get(), body, requestId, caller);
      if (route.get().access() == Route.Access.AUTHORIZER) {
        LambdaAuthorizerEmulator.Decision decision =
            authorizer.decide(
                event,
                Optional.ofNullable(exchange.getRequestHeaders().getFirst("Authorization")),
                "arn:aws:execute-api:us-east-1:000000000000:local/" + STAGE + "/" + method + path);
        if (decision instanceof LambdaAuthorizerEmulator.Refused refused) {
          refused.headers().forEach(exchange.getResponseHeaders()::set);
          sendGatewayError(exchange, refused.status(), refused.message());
          return;
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> context = (Map<String, Object>) event.get("requestContext");
        context.put("authorizer", ((LambdaAuthorizerEmulator.Allowed) decision).context());
      }
      invoke(exchange, route.get(), event, requestId);
    }
  }

  private void invoke(
      HttpExchange exchange, Route route, Map<String, Object> event, String requestId)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Map<String, Object> response;
    try {
      route
          .handler()
          .handleRequest(
              new ByteArrayInputStream(
                  JSONObjectUtils.toJSONString(event).getBytes(StandardCharsets.UTF_8)),
              out,
              new LocalLambdaContext(requestId, route.function()));
      response = Json.object(out.toString(StandardCharsets.UTF_8));
    } catch (RuntimeException | ParseException e) {
      // What API Gateway answers when the integration fails or returns a malformed response.
      sendGatewayError(exchange, 502, "Internal server error");
      return;
    }
    sendProxyResponse(exchange, response);
  }

  private static void sendProxyResponse(HttpExchange exchange, Map<String, Object> response)
      throws IOException {
    if (!(response.get("statusCode") instanceof Number status)) {
      sendGatewayError(exchange, 502, "Internal server error");
      return;
    }
    if (response.get("headers") instanceof Map<?, ?> headers) {
      headers.forEach(
          (name, value) ->
              exchange
                  .getResponseHeaders()
                  .add(clientHeaderName((String) name), String.valueOf(value)));
    }
    String body = response.get("body") instanceof String text ? text : "";
    send(exchange, status.intValue(), body.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The name under which a REST API hands an integration's response header to the client: the
   * headers AWS's "important notes for REST APIs" list as remapped reach the client as {@code
   * x-amzn-Remapped-<name>} (a gateway response, such as the authorizer's 401, is not remapped).
   */
  static String clientHeaderName(String name) {
    return REMAPPED_RESPONSE_HEADERS.contains(name.toLowerCase(Locale.ROOT))
        ? "x-amzn-Remapped-" + name
        : name;
  }

  static void sendGatewayError(HttpExchange exchange, int status, String message)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.getResponseHeaders().set("x-amzn-ErrorType", errorType(status, message));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("message", message); // API Gateway sends null for authorizer failures
    send(exchange, status, JSONObjectUtils.toJSONString(body).getBytes(StandardCharsets.UTF_8));
  }

  private static String errorType(int status, String message) {
    return switch (status) {
      case 401 -> "UnauthorizedException";
      case 403 ->
          "Missing Authentication Token".equals(message)
              ? "MissingAuthenticationTokenException"
              : "AccessDeniedException";
      case 413 -> "RequestTooLongException";
      case 500 -> "AuthorizerConfigurationException";
      default -> "InternalServerErrorException";
    };
  }

  private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
    exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
    if (exchange.getRequestMethod().equals("HEAD") || body.length == 0) {
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    exchange.sendResponseHeaders(status, body.length);
    exchange.getResponseBody().write(body);
  }

  /** The body, or null if it is larger than API Gateway accepts. */
  private static byte[] readBody(InputStream in) throws IOException {
    byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
    return body.length > MAX_BODY_BYTES ? null : body;
  }

  /** The Lambda proxy integration event API Gateway (REST API) would send for this request. */
  static Map<String, Object> proxyEvent(
      HttpExchange exchange,
      Route route,
      byte[] body,
      String requestId,
      Optional<SigV4Verifier.LocalIdentity> caller) {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    exchange.getRequestHeaders().forEach((name, values) -> headers.put(name, List.copyOf(values)));
    Map<String, String> singleHeaders = new LinkedHashMap<>();
    headers.forEach((name, values) -> singleHeaders.put(name, values.getLast()));
    Map<String, List<String>> query = parseQuery(exchange.getRequestURI().getRawQuery());
    Map<String, String> singleQuery = new LinkedHashMap<>();
    query.forEach((name, values) -> singleQuery.put(name, values.getLast()));
    String sourceIp = exchange.getRemoteAddress().getAddress().getHostAddress();
    String userAgent = exchange.getRequestHeaders().getFirst("User-Agent");

    Map<String, Object> identity = new LinkedHashMap<>();
    identity.put("sourceIp", sourceIp);
    identity.put("userAgent", userAgent);
    // API Gateway fills these only for a SigV4-verified caller (AWS_IAM routes).
    identity.put("userArn", caller.map(SigV4Verifier.LocalIdentity::callerArn).orElse(null));
    identity.put("user", caller.map(SigV4Verifier.LocalIdentity::userId).orElse(null));
    identity.put("caller", caller.map(SigV4Verifier.LocalIdentity::userId).orElse(null));
    identity.put("accessKey", caller.map(SigV4Verifier.LocalIdentity::accessKeyId).orElse(null));
    identity.put("accountId", caller.map(SigV4Verifier.LocalIdentity::accountId).orElse(null));
    // On the mutual TLS listener: the certificate the handshake validated, as API Gateway passes
    // it.
    clientCertificate(exchange).ifPresent(cert -> identity.put("clientCert", clientCert(cert)));

    Map<String, Object> context = new LinkedHashMap<>();
    String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
    context.put("resourcePath", route.resource());
    context.put("httpMethod", method);
    // As on a custom domain mapped at its root (no stage in the URL): the path the client used,
    // which a DPoP proof's htu names.
    context.put("path", exchange.getRequestURI().getRawPath());
    context.put("stage", STAGE);
    context.put("requestId", requestId);
    context.put("requestTime", ZonedDateTime.now().format(REQUEST_TIME));
    context.put("requestTimeEpoch", System.currentTimeMillis());
    context.put("accountId", "000000000000");
    context.put("apiId", "local");
    context.put("domainName", exchange.getRequestHeaders().getFirst("Host"));
    context.put("protocol", exchange.getProtocol());
    context.put("identity", identity);

    boolean text = isText(body);
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("resource", route.resource());
    event.put("path", exchange.getRequestURI().getPath());
    event.put("httpMethod", method);
    event.put("headers", singleHeaders);
    event.put("multiValueHeaders", headers);
    event.put("queryStringParameters", singleQuery.isEmpty() ? null : singleQuery);
    event.put("multiValueQueryStringParameters", query.isEmpty() ? null : query);
    event.put("pathParameters", null);
    event.put("stageVariables", null);
    event.put("requestContext", context);
    event.put(
        "body",
        body.length == 0
            ? null
            : text
                ? new String(body, StandardCharsets.UTF_8)
                : java.util.Base64.getEncoder().encodeToString(body));
    event.put("isBase64Encoded", body.length > 0 && !text);
    return event;
  }

  /** The client certificate of an HTTPS exchange whose client presented one. */
  static Optional<X509Certificate> clientCertificate(HttpExchange exchange) {
    if (!(exchange instanceof HttpsExchange https) || https.getSSLSession() == null) {
      return Optional.empty();
    }
    try {
      Certificate[] chain = https.getSSLSession().getPeerCertificates();
      return chain.length > 0 && chain[0] instanceof X509Certificate first
          ? Optional.of(first)
          : Optional.empty();
    } catch (SSLPeerUnverifiedException none) {
      return Optional.empty();
    }
  }

  /**
   * {@code requestContext.identity.clientCert} as a REST API with mutual TLS fills it: the PEM, the
   * DNs, the serial number and the validity (the functions read the PEM only).
   */
  private static Map<String, Object> clientCert(X509Certificate certificate) {
    Map<String, Object> cert = new LinkedHashMap<>();
    cert.put("clientCertPem", X509Builder.pem(certificate));
    cert.put("subjectDN", certificate.getSubjectX500Principal().getName());
    cert.put("issuerDN", certificate.getIssuerX500Principal().getName());
    cert.put("serialNumber", certificate.getSerialNumber().toString(16));
    DateTimeFormatter openSsl =
        DateTimeFormatter.ofPattern("MMM d HH:mm:ss yyyy 'GMT'", Locale.ROOT)
            .withZone(java.time.ZoneOffset.UTC);
    cert.put(
        "validity",
        Map.of(
            "notBefore", openSsl.format(certificate.getNotBefore().toInstant()),
            "notAfter", openSsl.format(certificate.getNotAfter().toInstant())));
    return cert;
  }

  private static boolean isText(byte[] body) {
    return StandardCharsets.UTF_8
        .newDecoder()
        .decode(java.nio.ByteBuffer.wrap(body), java.nio.CharBuffer.allocate(body.length), true)
        .isUnderflow();
  }

  private static Map<String, List<String>> parseQuery(String rawQuery) {
    Map<String, List<String>> query = new LinkedHashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return query;
    }
    for (String pair : rawQuery.split("&")) {
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      query.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
    }
    return query;
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s;
    }
  }
}
