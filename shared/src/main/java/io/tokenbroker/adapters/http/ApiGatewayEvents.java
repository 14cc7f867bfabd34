package io.tokenbroker.adapters.http;

import com.nimbusds.jose.util.JSONObjectUtils;
import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads API Gateway proxy events (REST API payload 1.0 and HTTP API payload 2.0) into {@link
 * HttpRequest}s and writes {@link HttpResponse}s in the shape both accept.
 */
public final class ApiGatewayEvents {

  /** Lambda's own request payload limit; anything larger did not come from API Gateway. */
  public static final int MAX_EVENT_BYTES = 6 * 1024 * 1024;

  /**
   * Header fields (values, counting each of a repeated header) a request may carry. API Gateway and
   * CloudFront add about 20 of their own; clients send a dozen.
   */
  public static final int MAX_HEADER_FIELDS = 100;

  /**
   * The longest header value: API Gateway's quota on the request line and all headers together is
   * 10240 bytes, so no single value it forwards from a caller is longer. Room for a Bearer token at
   * its own cap ({@code AccessTokenVerifier.MAX_TOKEN_LENGTH}, 8192).
   */
  public static final int MAX_HEADER_VALUE_CHARS = 10 * 1024;

  /** Names and values of all header fields together: the 10 KiB quota plus what AWS adds. */
  public static final int MAX_HEADER_CHARS = 16 * 1024;

  private ApiGatewayEvents() {}

  public static Map<String, Object> readJson(InputStream in) throws IOException {
    String text = readUtf8(in, MAX_EVENT_BYTES);
    try {
      return Json.object(text);
    } catch (Json.TooDeep e) {
      throw RequestRejected.invalidRequest(HttpReason.EVENT_TOO_DEEP, "request nested too deeply");
    } catch (ParseException e) {
      throw RequestRejected.invalidRequest(HttpReason.MALFORMED_EVENT, "malformed request event");
    }
  }

  /** What a typical event fits in (an authorizer event is about 2 KB): the first read buffer. */
  private static final int FIRST_READ_BYTES = 4096;

  /**
   * The stream's bytes as UTF-8 text, refused as {@code event_too_large} beyond {@code limit}
   * bytes. The buffer starts at {@link #FIRST_READ_BYTES} and doubles, rather than {@code
   * readNBytes}' 16 KB first chunk and final copy for every event.
   */
  private static String readUtf8(InputStream in, int limit) throws IOException {
    byte[] buffer = new byte[FIRST_READ_BYTES];
    int length = 0;
    while (true) {
      if (length == buffer.length) {
        if (length > limit) {
          throw RequestRejected.invalidRequest(HttpReason.EVENT_TOO_LARGE, "request too large");
        }
        // Room for one byte beyond the limit, so that an event over it is seen to be over it.
        buffer = Arrays.copyOf(buffer, (int) Math.min((long) limit + 1, 2L * buffer.length));
      }
      int read = in.read(buffer, length, buffer.length - length);
      if (read < 0) {
        break;
      }
      length += read;
    }
    if (length > limit) {
      throw RequestRejected.invalidRequest(HttpReason.EVENT_TOO_LARGE, "request too large");
    }
    return new String(buffer, 0, length, StandardCharsets.UTF_8);
  }

  /**
   * Refuses header fields beyond {@link #MAX_HEADER_FIELDS}, a value over {@link
   * #MAX_HEADER_VALUE_CHARS} or all of them over {@link #MAX_HEADER_CHARS}: {@code invalid_request}
   * (400), like every other event-level limit.
   */
  public static void requireHeadersWithinLimits(Map<String, ? extends List<String>> headers) {
    int fields = 0;
    long chars = 0;
    for (Map.Entry<String, ? extends List<String>> header : headers.entrySet()) {
      for (String value : header.getValue()) {
        fields++;
        if (value.length() > MAX_HEADER_VALUE_CHARS) {
          throw RequestRejected.invalidRequest(
              HttpReason.HEADER_TOO_LARGE, "request header too large");
        }
        chars += header.getKey().length() + value.length();
      }
    }
    if (fields > MAX_HEADER_FIELDS) {
      throw RequestRejected.invalidRequest(HttpReason.TOO_MANY_HEADERS, "too many request headers");
    }
    if (chars > MAX_HEADER_CHARS) {
      throw RequestRejected.invalidRequest(
          HttpReason.HEADERS_TOO_LARGE, "request headers too large");
    }
  }

  /**
   * Parses a proxy event of either payload version.
   *
   * @throws RequestRejected {@code invalid_request} if it is malformed, or its headers exceed the
   *     limits ({@link #requireHeadersWithinLimits})
   */
  public static HttpRequest parse(Map<String, Object> event) {
    try {
      return "2.0".equals(event.get("version")) ? parseV2(event) : parseV1(event);
    } catch (ParseException | IllegalArgumentException e) {
      throw RequestRejected.invalidRequest(HttpReason.MALFORMED_EVENT, "malformed request event");
    }
  }

  private static HttpRequest parseV1(Map<String, Object> event) throws ParseException {
    Map<String, Object> context = object(event, "requestContext");
    Map<String, Object> identity = object(context, "identity");
    Map<String, List<String>> headers = multiValues(event, "multiValueHeaders");
    if (headers.isEmpty()) {
      headers = singleValues(event, "headers");
    }
    requireHeadersWithinLimits(headers);
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
            string(identity, "userArn")));
  }

  private static HttpRequest parseV2(Map<String, Object> event) throws ParseException {
    Map<String, Object> context = object(event, "requestContext");
    Map<String, Object> http = object(context, "http");
    Map<String, Object> iam = object(object(context, "authorizer"), "iam");
    String path = string(event, "rawPath").orElse("/");
    String routeKey = string(event, "routeKey").orElse("");
    int space = routeKey.indexOf(' ');
    Map<String, List<String>> headers = singleValues(event, "headers");
    requireHeadersWithinLimits(headers);
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
            string(iam, "userArn")));
  }

  /** Writes the response as API Gateway's Lambda proxy integration expects it. */
  public static void write(HttpResponse response, OutputStream out) throws IOException {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("statusCode", response.status());
    json.put("headers", response.headers());
    json.put("body", response.body());
    json.put("isBase64Encoded", false);
    out.write(JSONObjectUtils.toJSONString(json).getBytes(StandardCharsets.UTF_8));
  }

  private static String body(Map<String, Object> event) throws ParseException {
    Optional<String> body = string(event, "body");
    if (body.isEmpty()) {
      return "";
    }
    if (Boolean.TRUE.equals(event.get("isBase64Encoded"))) {
      return new String(Base64.getDecoder().decode(body.get()), StandardCharsets.UTF_8);
    }
    return body.get();
  }

  static Map<String, Object> object(Map<String, Object> json, String name) throws ParseException {
    Object value = json.get(name);
    if (value == null) {
      return Map.of();
    }
    return JSONObjectUtils.getJSONObject(json, name);
  }

  static Optional<String> string(Map<String, Object> json, String name) throws ParseException {
    return Optional.ofNullable(JSONObjectUtils.getString(json, name));
  }

  private static Map<String, List<String>> singleValues(Map<String, Object> json, String name)
      throws ParseException {
    Map<String, List<String>> values = new LinkedHashMap<>();
    for (Map.Entry<String, Object> entry : object(json, name).entrySet()) {
      if (entry.getValue() instanceof String value) {
        values.put(entry.getKey(), List.of(value));
      } else if (entry.getValue() != null) {
        throw new ParseException("not a string: " + name, 0);
      }
    }
    return values;
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
