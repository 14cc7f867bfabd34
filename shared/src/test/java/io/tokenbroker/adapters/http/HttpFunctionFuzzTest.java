package io.tokenbroker.adapters.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.tokenbroker.errors.OAuthError;
import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.json.Json;
import io.tokenbroker.testing.RecordingTelemetry;
import io.tokenbroker.tokens.TokenRequest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.Locale;
import java.util.Map;

/**
 * Hostile API Gateway events (issue 7): whatever bytes arrive, the event parser returns a request
 * or rejects it, and a function built on {@link HttpFunction} answers with a JSON response, a 4xx
 * (or 5xx) status and an OAuth error body; never an exception, never a 500 from a bug.
 *
 * <p>Input: the event's bytes, as given.
 */
class HttpFunctionFuzzTest {

  @FuzzTest(maxDuration = "2m")
  void parseEvent(byte[] data) throws IOException {
    HttpRequest request;
    try {
      request = ApiGatewayEvents.parse(BoundedEventReader.readJson(new ByteArrayInputStream(data)));
    } catch (RequestRejected rejected) {
      assertThat(rejected.error()).isEqualTo(OAuthError.INVALID_REQUEST);
      return;
    }
    assertThat(request.method()).isEqualTo(request.method().toUpperCase(Locale.ROOT));
    request.headers().forEach((name, values) -> assertThat(values).doesNotContainNull());
    assertThat(request.body()).isNotNull();
    assertThat(request.context().iamCallerArn()).isNotNull();
  }

  /**
   * The whole request cycle, with logic that reads the request the way the token endpoint does
   * (method, headers, form, token request) and then refuses it, so every answer is an error.
   */
  @FuzzTest(maxDuration = "2m")
  void serve(byte[] data) throws IOException, ParseException {
    RecordingTelemetry telemetry = new RecordingTelemetry();
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    new HttpFunction(telemetry)
        .serve(
            new ByteArrayInputStream(data),
            out,
            request -> {
              if (!request.method().equals("POST")) {
                throw RequestRejected.methodNotAllowed("POST");
              }
              request.singleHeader("Authorization");
              TokenRequest.from(Form.of(request));
              throw new RequestRejected(OAuthError.NOT_FOUND, () -> "fuzz_end", "not found");
            });

    Map<String, Object> response = Json.object(out.toString(StandardCharsets.UTF_8));
    assertThat(response.get("statusCode")).isInstanceOf(Long.class);
    assertThat((Long) response.get("statusCode")).isBetween(400L, 599L);
    assertThat(response.get("headers")).isInstanceOf(Map.class);
    Map<?, ?> headers = (Map<?, ?>) response.get("headers");
    assertThat(headers.get("Content-Type")).isEqualTo("application/json");
    assertThat(headers.get("Cache-Control")).isEqualTo("no-store");
    Map<String, Object> body = Json.object((String) response.get("body"));
    assertThat(body.get("error")).isInstanceOf(String.class);
    assertThat(body.get("error_description")).isInstanceOf(String.class);
    // A 500 from an exception nobody expected is a bug, even though the caller sees an error.
    assertThat(telemetry.named("unexpected.failure")).isEmpty();
  }
}
