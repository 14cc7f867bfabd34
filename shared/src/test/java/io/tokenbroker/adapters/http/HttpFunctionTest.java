package io.tokenbroker.adapters.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenbroker.errors.OAuthError;
import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.errors.ServiceFailure;
import io.tokenbroker.testing.EventFiles;
import io.tokenbroker.testing.RecordingTelemetry;
import io.tokenbroker.tokens.TokenRequestReason;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class HttpFunctionTest {

  private final RecordingTelemetry telemetry = new RecordingTelemetry();
  private final HttpFunction http = new HttpFunction(telemetry);

  private Map<String, Object> run(Function<HttpRequest, HttpResponse> logic) {
    return EventFiles.invoke(
        (in, out) -> http.serve(in, out, logic), EventFiles.load("discovery/get-jwks.json"));
  }

  @Test
  void answersARejectionWithAnOAuthErrorBody() {
    Map<String, Object> response =
        run(
            r -> {
              throw new RequestRejected(
                  OAuthError.INVALID_SCOPE, TokenRequestReason.SCOPE_NOT_ALLOWED, "nope");
            });

    assertThat(response.get("statusCode")).isEqualTo(400L);
    assertThat(EventFiles.body(response))
        .containsEntry("error", "invalid_scope")
        .containsEntry("error_description", "nope");
    assertThat(EventFiles.headers(response)).containsEntry("Cache-Control", "no-store");
    assertThat(telemetry.named("request.rejected").getFirst().fields())
        .containsEntry("reason", "scope_not_allowed");
  }

  @Test
  void addsTheAllowHeaderToA405() {
    Map<String, Object> response =
        run(
            r -> {
              throw RequestRejected.methodNotAllowed("POST");
            });

    assertThat(response.get("statusCode")).isEqualTo(405L);
    assertThat(EventFiles.headers(response)).containsEntry("Allow", "POST");
  }

  @Test
  void answersARetryableDependencyFailureWith503AndRetryAfter() {
    Map<String, Object> response =
        run(
            r -> {
              throw new ServiceFailure("kms", "Sign failed: ThrottlingException", true, null);
            });

    assertThat(response.get("statusCode")).isEqualTo(503L);
    assertThat(EventFiles.body(response)).containsEntry("error", "temporarily_unavailable");
    assertThat(EventFiles.headers(response)).containsEntry("Retry-After", "1");
  }

  @Test
  void answersAPermanentDependencyFailureWith500() {
    Map<String, Object> response =
        run(
            r -> {
              throw new ServiceFailure("kms", "Sign failed: AccessDeniedException", false, null);
            });

    assertThat(response.get("statusCode")).isEqualTo(500L);
    assertThat(EventFiles.body(response)).containsEntry("error", "server_error");
  }

  @Test
  void neverShowsTheMessageOfAnUnexpectedException() {
    String secret = "arn:aws:kms:us-east-1:123456789012:key/secret-detail";
    Map<String, Object> response =
        run(
            r -> {
              throw new IllegalStateException(secret);
            });

    assertThat(response.get("statusCode")).isEqualTo(500L);
    assertThat(response.toString()).doesNotContain(secret).doesNotContain("IllegalState");
    assertThat(telemetry.everything()).doesNotContain(secret);
    assertThat(telemetry.named("unexpected.failure").getFirst().fields())
        .containsEntry("exception", "java.lang.IllegalStateException");
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(
      strings = {"[1,2,3]", "null", "", "{\"a\":1}x", "\"text\""})
  void answersGarbageInputWith400(String input) {
    Map<String, Object> response =
        EventFiles.invokeRaw(
            (in, out) -> http.serve(in, out, r -> HttpResponse.json(200, Map.of(), "no-store")),
            input);

    assertThat(response.get("statusCode")).isEqualTo(400L);
    assertThat(EventFiles.body(response)).containsEntry("error", "invalid_request");
  }
}
