package io.tokenbroker.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.testing.EventFiles;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

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
}
