package io.tokenbroker.functions.introspection;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenbroker.testing.EventFiles;
import io.tokenbroker.testing.FormBodies;
import io.tokenbroker.testing.RecordingTelemetry;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The body-size limit at the introspection endpoint: at the limit served, one over refused. */
class IntrospectionHandlerLimitsTest {

  private final IntrospectionHandler handler =
      IntrospectionFixture.handler(IntrospectionFixture.MINTED.copy(), new RecordingTelemetry());

  private Map<String, Object> introspect(String body) {
    return EventFiles.invoke(
        (in, out) -> handler.handleRequest(in, out, null),
        EventFiles.formPost(
            IntrospectionHandler.INTROSPECT_IAM,
            Optional.of(IntrospectionFixture.callerArn("rs")),
            body));
  }

  @Test
  void refusesABodyOneCharacterOverTheLimitWith413() {
    String body = "token=" + IntrospectionFixture.PLACEHOLDERS.get("$RS_ACCESS");

    Map<String, Object> over =
        introspect(FormBodies.padded(body, IntrospectionHandler.MAX_BODY_CHARS + 1));
    Map<String, Object> atLimit =
        introspect(FormBodies.padded(body, IntrospectionHandler.MAX_BODY_CHARS));

    assertThat(over.get("statusCode")).isEqualTo(413L);
    assertThat(EventFiles.body(over))
        .containsEntry("error", "invalid_request")
        .doesNotContainKey("active");
    assertThat(atLimit.get("statusCode")).isEqualTo(200L);
    assertThat(EventFiles.body(atLimit)).containsEntry("active", true);
  }
}
