package io.tokenbroker.adapters.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenbroker.errors.OAuthError;
import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.testing.EventFiles;
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

  /**
   * The mutual TLS client certificate where each payload version carries it (REST:
   * identity.clientCert, HTTP API: authentication.clientCert), never from a header.
   */
  @Test
  @SuppressWarnings("unchecked")
  void takesTheClientCertificateOnlyFromApiGatewaysRequestContext() {
    Map<String, Object> rest = EventFiles.load("token/client-credentials-tls-client-auth.json");
    Map<String, Object> cert =
        (Map<String, Object>)
            ((Map<String, Object>)
                    ((Map<String, Object>) rest.get("requestContext")).get("identity"))
                .get("clientCert");
    String pem = (String) cert.get("clientCertPem");
    assertThat(ApiGatewayEvents.parse(rest).context().clientCertPem()).contains(pem);

    Map<String, Object> http = EventFiles.load("discovery/get-jwks-http-api.json");
    ((Map<String, Object>) http.get("requestContext"))
        .put("authentication", Map.of("clientCert", cert));
    assertThat(ApiGatewayEvents.parse(http).context().clientCertPem()).contains(pem);

    Map<String, Object> plain = EventFiles.load("discovery/get-jwks.json");
    plain.put("headers", Map.of("clientCertPem", pem, "X-Client-Cert", pem));
    plain.remove("multiValueHeaders");
    assertThat(ApiGatewayEvents.parse(plain).context().clientCertPem()).isEmpty();
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
    int limit = HeaderLimits.MAX_FIELDS;

    assertThat(ApiGatewayEvents.parse(withHeaders(file, numberedHeaders(limit))).headers())
        .hasSize(limit);
    assertRefused(
        () -> ApiGatewayEvents.parse(withHeaders(file, numberedHeaders(limit + 1))),
        "too_many_headers");
  }

  @Test
  void countsEveryValueOfARepeatedHeader() {
    Map<String, Object> event = EventFiles.load("discovery/get-jwks.json");
    List<String> values = java.util.Collections.nCopies(HeaderLimits.MAX_FIELDS, "v");
    event.put("multiValueHeaders", Map.of("X-Repeated", values));
    Map<String, Object> over = EventFiles.load("discovery/get-jwks.json");
    over.put("multiValueHeaders", Map.of("X-Repeated", values, "X-One-More", List.of("v")));

    assertThat(ApiGatewayEvents.parse(event).headerValues("x-repeated")).hasSize(values.size());
    assertRefused(() -> ApiGatewayEvents.parse(over), "too_many_headers");
  }

  @ParameterizedTest
  @ValueSource(strings = {"discovery/get-jwks.json", "discovery/get-jwks-http-api.json"})
  void acceptsAHeaderValueUpToTheLimitAndNoLonger(String file) {
    int limit = HeaderLimits.MAX_VALUE_CHARS;

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
    int half = HeaderLimits.MAX_CHARS / 2;
    Map<String, String> atLimit = Map.of("A", "a".repeat(half - 1), "B", "b".repeat(half - 1));
    Map<String, String> over = Map.of("A", "a".repeat(half - 1), "B", "b".repeat(half));

    assertThat(ApiGatewayEvents.parse(withHeaders(file, atLimit)).headers()).hasSize(2);
    assertRefused(() -> ApiGatewayEvents.parse(withHeaders(file, over)), "headers_too_large");
  }
}
