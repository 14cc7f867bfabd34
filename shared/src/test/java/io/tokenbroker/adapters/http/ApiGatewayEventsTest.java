package io.tokenbroker.adapters.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.util.JSONObjectUtils;
import io.tokenbroker.errors.OAuthError;
import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.json.Json;
import io.tokenbroker.testing.EventFiles;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ApiGatewayEventsTest {

  @Test
  void readsARestApiProxyEvent() {
    HttpRequest request = ApiGatewayEvents.parse(EventFiles.load("discovery/get-jwks.json"));

    assertThat(request.method()).isEqualTo("GET");
    assertThat(request.route()).isEqualTo("/.well-known/jwks.json");
    assertThat(request.singleHeader("user-agent")).contains("curl/8.5.0");
    assertThat(request.context().sourceIp()).isEqualTo("203.0.113.10");
    assertThat(request.context().stage()).isEqualTo("prod");
    assertThat(request.context().iamCallerArn()).isEmpty();
    assertThat(request.body()).isEmpty();
  }

  @Test
  void readsAnHttpApiPayloadV2Event() {
    HttpRequest request =
        ApiGatewayEvents.parse(EventFiles.load("discovery/get-jwks-http-api.json"));

    assertThat(request.method()).isEqualTo("GET");
    assertThat(request.route()).isEqualTo("/.well-known/jwks.json");
    assertThat(request.singleHeader("User-Agent")).contains("curl/8.5.0");
    assertThat(request.context().sourceIp()).isEqualTo("203.0.113.10");
  }

  @Test
  void keepsEveryValueOfARepeatedHeader() {
    Map<String, Object> event = EventFiles.load("discovery/get-jwks.json");
    event.put("multiValueHeaders", Map.of("Authorization", List.of("Bearer a", "Bearer b")));

    HttpRequest request = ApiGatewayEvents.parse(event);

    assertThat(request.headerValues("authorization")).containsExactly("Bearer a", "Bearer b");
    assertThat(request.singleHeader("authorization")).isEmpty();
  }

  @Test
  void decodesABase64Body() {
    Map<String, Object> event = EventFiles.load("discovery/get-jwks.json");
    event.put("body", Base64.getEncoder().encodeToString("a=1&b=2".getBytes()));
    event.put("isBase64Encoded", true);

    assertThat(ApiGatewayEvents.parse(event).body()).isEqualTo("a=1&b=2");
  }

  @Test
  void takesTheCallerArnOnlyFromApiGatewaysIdentity() {
    Map<String, Object> event = EventFiles.load("discovery/get-jwks.json");
    @SuppressWarnings("unchecked")
    Map<String, Object> identity =
        (Map<String, Object>) ((Map<String, Object>) event.get("requestContext")).get("identity");
    identity.put("userArn", "arn:aws:sts::123456789012:assumed-role/ci/job-1");

    assertThat(ApiGatewayEvents.parse(event).context().iamCallerArn())
        .contains("arn:aws:sts::123456789012:assumed-role/ci/job-1");
  }

  @Test
  void rejectsInputThatIsNotJson() {
    assertThatThrownBy(
            () ->
                ApiGatewayEvents.readJson(
                    new ByteArrayInputStream("not json".getBytes(StandardCharsets.UTF_8))))
        .isInstanceOf(RequestRejected.class)
        .satisfies(e -> assertThat(((RequestRejected) e).reason()).isEqualTo("malformed_event"));
  }

  @Test
  void rejectsAnEventWithWrongTypes() {
    Map<String, Object> event = EventFiles.load("discovery/get-jwks.json");
    event.put("headers", Map.of("Accept", 42));
    event.remove("multiValueHeaders");

    assertThatThrownBy(() -> ApiGatewayEvents.parse(event)).isInstanceOf(RequestRejected.class);
  }

  @Test
  void rejectsABodyThatIsNotBase64WhenFlaggedSo() {
    Map<String, Object> event = EventFiles.load("discovery/get-jwks.json");
    event.put("body", "%%%");
    event.put("isBase64Encoded", true);

    assertThatThrownBy(() -> ApiGatewayEvents.parse(event)).isInstanceOf(RequestRejected.class);
  }

  // Limits: each accepted at its value, refused one over, with invalid_request (400).

  private static Map<String, Object> readText(String json) throws IOException {
    return ApiGatewayEvents.readJson(
        new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
  }

  private static void assertRefused(ThrowingCallable call, String reason) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            RequestRejected.class,
            e -> {
              assertThat(e.reason()).isEqualTo(reason);
              assertThat(e.error()).isEqualTo(OAuthError.INVALID_REQUEST);
              assertThat(e.status()).isEqualTo(400);
            });
  }

  /** Events around the read buffer's sizes, from a stream that hands over one byte per read. */
  @ParameterizedTest
  @ValueSource(ints = {11, 4095, 4096, 4097, 8192, 8193, 70_000})
  void readsWholeEventsWhateverTheStreamHandsOverPerRead(int size) throws IOException {
    String frame = "{\"body\":\"\"}";
    String event = frame.replace("\"\"}", "\"" + "b".repeat(size - frame.length()) + "\"}");
    ByteArrayInputStream bytes = new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8));
    java.io.InputStream trickle =
        new java.io.InputStream() {
          @Override
          public int read() {
            return bytes.read();
          }

          @Override
          public int read(byte[] b, int off, int len) {
            return len == 0 ? 0 : bytes.read(b, off, 1);
          }
        };

    assertThat(ApiGatewayEvents.readJson(trickle).get("body"))
        .isEqualTo("b".repeat(size - frame.length()));
  }

  @Test
  void readsAnEventUpToLambdasPayloadLimitAndNoLarger() throws IOException {
    String frame = "{\"body\":\"\"}";
    String atLimit =
        frame.replace(
            "\"\"}", "\"" + "a".repeat(ApiGatewayEvents.MAX_EVENT_BYTES - frame.length()) + "\"}");

    assertThat(atLimit.getBytes(StandardCharsets.UTF_8)).hasSize(ApiGatewayEvents.MAX_EVENT_BYTES);
    assertThat(readText(atLimit)).containsKey("body");
    assertRefused(() -> readText(atLimit.replace("{", "{ ")), "event_too_large");
  }

  @Test
  void readsAnEventNestedUpToTheJsonDepthLimitAndNoDeeper() throws IOException {
    String event = JSONObjectUtils.toJSONString(EventFiles.load("revocation/revoke.json"));
    int extra = Json.MAX_DEPTH - 1; // the event object itself is the first level

    String atLimit =
        event.replaceFirst("\\{", "{\"deep\":" + "[".repeat(extra) + "]".repeat(extra) + ",");
    String over =
        event.replaceFirst(
            "\\{", "{\"deep\":" + "[".repeat(extra + 1) + "]".repeat(extra + 1) + ",");

    assertThat(ApiGatewayEvents.parse(readText(atLimit)).path()).isEqualTo("/revoke");
    assertRefused(() -> readText(over), "event_too_deep");
  }

  /** The event with exactly these headers, as REST (single values) or HTTP API payload 2.0. */
  private static Map<String, Object> withHeaders(String file, Map<String, ?> headers) {
    Map<String, Object> event = EventFiles.load(file);
    event.remove("multiValueHeaders");
    event.put("headers", headers);
    return event;
  }

  private static Map<String, String> numberedHeaders(int count) {
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 0; i < count; i++) {
      headers.put("X-H" + i, "v");
    }
    return headers;
  }

  @ParameterizedTest
  @ValueSource(strings = {"discovery/get-jwks.json", "discovery/get-jwks-http-api.json"})
  void acceptsHeaderFieldsUpToTheLimitAndNoMore(String file) {
    int limit = ApiGatewayEvents.MAX_HEADER_FIELDS;

    assertThat(ApiGatewayEvents.parse(withHeaders(file, numberedHeaders(limit))).headers())
        .hasSize(limit);
    assertRefused(
        () -> ApiGatewayEvents.parse(withHeaders(file, numberedHeaders(limit + 1))),
        "too_many_headers");
  }

  @Test
  void countsEveryValueOfARepeatedHeader() {
    Map<String, Object> event = EventFiles.load("discovery/get-jwks.json");
    List<String> values = java.util.Collections.nCopies(ApiGatewayEvents.MAX_HEADER_FIELDS, "v");
    event.put("multiValueHeaders", Map.of("X-Repeated", values));
    Map<String, Object> over = EventFiles.load("discovery/get-jwks.json");
    over.put("multiValueHeaders", Map.of("X-Repeated", values, "X-One-More", List.of("v")));

    assertThat(ApiGatewayEvents.parse(event).headerValues("x-repeated")).hasSize(values.size());
    assertRefused(() -> ApiGatewayEvents.parse(over), "too_many_headers");
  }

  @ParameterizedTest
  @ValueSource(strings = {"discovery/get-jwks.json", "discovery/get-jwks-http-api.json"})
  void acceptsAHeaderValueUpToTheLimitAndNoLonger(String file) {
    int limit = ApiGatewayEvents.MAX_HEADER_VALUE_CHARS;

    assertThat(
            ApiGatewayEvents.parse(withHeaders(file, Map.of("Authorization", "a".repeat(limit))))
                .singleHeader("authorization"))
        .hasValueSatisfying(v -> assertThat(v).hasSize(limit));
    assertRefused(
        () ->
            ApiGatewayEvents.parse(
                withHeaders(file, Map.of("Authorization", "a".repeat(limit + 1)))),
        "header_too_large");
  }

  @ParameterizedTest
  @ValueSource(strings = {"discovery/get-jwks.json", "discovery/get-jwks-http-api.json"})
  void acceptsHeadersUpToTheTotalSizeLimitAndNoLarger(String file) {
    // Two headers: "A" and "B" with values of (limit / 2 - 1) chars: exactly the limit in all.
    int half = ApiGatewayEvents.MAX_HEADER_CHARS / 2;
    Map<String, String> atLimit = Map.of("A", "a".repeat(half - 1), "B", "b".repeat(half - 1));
    Map<String, String> over = Map.of("A", "a".repeat(half - 1), "B", "b".repeat(half));

    assertThat(ApiGatewayEvents.parse(withHeaders(file, atLimit)).headers()).hasSize(2);
    assertRefused(() -> ApiGatewayEvents.parse(withHeaders(file, over)), "headers_too_large");
  }
}
