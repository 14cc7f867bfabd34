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
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BoundedEventReaderTest {

  @Test
  void rejectsInputThatIsNotJson() {
    assertThatThrownBy(
            () ->
                BoundedEventReader.readJson(
                    new ByteArrayInputStream("not json".getBytes(StandardCharsets.UTF_8))))
        .isInstanceOf(RequestRejected.class)
        .satisfies(e -> assertThat(((RequestRejected) e).reason()).isEqualTo("malformed_event"));
  }

  // Limits: each accepted at its value, refused one over, with invalid_request (400).

  private static Map<String, Object> readText(String json) throws IOException {
    return BoundedEventReader.readJson(
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

    assertThat(BoundedEventReader.readJson(trickle).get("body"))
        .isEqualTo("b".repeat(size - frame.length()));
  }

  @Test
  void readsAnEventUpToLambdasPayloadLimitAndNoLarger() throws IOException {
    String frame = "{\"body\":\"\"}";
    String atLimit =
        frame.replace(
            "\"\"}",
            "\"" + "a".repeat(BoundedEventReader.MAX_EVENT_BYTES - frame.length()) + "\"}");

    assertThat(atLimit.getBytes(StandardCharsets.UTF_8))
        .hasSize(BoundedEventReader.MAX_EVENT_BYTES);
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
}
