package io.tokenbroker.functions.authorizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Issue 13: an all-ASCII event's strings are scanned eight bytes at a time ({@code
 * AuthorizerEvent.plainRun}), any other event's and {@link AuthorizerEvent#parse(String)}'s one
 * character at a time. On events whose strings hold a quote, a backslash escape or a control
 * character at every offset from a run's start, and random ones, the two scans read the same
 * request or refuse with the same reason; and both agree with the Gson read ({@link
 * EventReads#assertSameRead}).
 */
class StringRunDifferentialTest {

  /** What stops a run, and its neighbours that must not. */
  private static final String[] SPECIALS = {
    "\"",
    "\\\"",
    "\\\\",
    "\\n",
    "\\u0041",
    "\\u00e9",
    "\\/",
    "\u001f",
    "\u0000",
    "\t",
    "\u007f",
    " ",
    "!",
    "#",
    "[",
    "]",
    "\\",
    "\\x",
    "\u0020\""
  };

  @Test
  void aSpecialAtEveryOffsetReadsAsOneCharacterAtATime() {
    for (String special : SPECIALS) {
      for (int offset = 0; offset < 40; offset++) {
        for (int tail = 0; tail < 20; tail += 3) {
          String value = "a".repeat(offset) + special + "b".repeat(tail);
          assertSame(rest("Bearer " + value, "Mozilla/" + value));
          assertSame(rest(value, "x"));
        }
      }
    }
  }

  @Test
  void randomStringsReadAsOneCharacterAtATime() {
    Random random = new Random(13);
    for (int i = 0; i < 20_000; i++) {
      StringBuilder value = new StringBuilder("Bearer ");
      int pieces = random.nextInt(12);
      for (int p = 0; p < pieces; p++) {
        if (random.nextInt(3) == 0) {
          value.append(SPECIALS[random.nextInt(SPECIALS.length)]);
        } else {
          value.append("eyJhbGciOiJSUzI1NiJ9.x-_", 0, random.nextInt(25));
        }
      }
      assertSame(rest(value.toString(), "agent" + value));
    }
  }

  /** A REST REQUEST event with the raw (JSON-escaped or not) Authorization and User-Agent. */
  private static String rest(String authorization, String userAgent) {
    return "{\"type\":\"REQUEST\",\"methodArn\":"
        + "\"arn:aws:execute-api:us-east-1:123456789012:abcdef1234/prod/GET/orders/42\","
        + "\"headers\":{\"Authorization\":\""
        + authorization
        + "\",\"User-Agent\":\""
        + userAgent
        + "\"},\"multiValueHeaders\":{\"Authorization\":[\""
        + authorization
        + "\"]},\"requestContext\":{\"requestId\":\""
        + userAgent
        + "\",\"identity\":{\"sourceIp\":\"203.0.113.10\"}}}";
  }

  private static void assertSame(String event) {
    byte[] bytes = event.getBytes(StandardCharsets.UTF_8);
    EventReads.Outcome byRuns = EventReads.assertSameRead(bytes);
    EventReads.Outcome byCharacters = EventReads.Outcome.of(() -> AuthorizerEvent.parse(event));
    assertThat(byRuns).as(event).isEqualTo(byCharacters);
    assertThat(EventReads.Outcome.of(() -> AuthorizerEvent.read(new ByteArrayInputStream(bytes))))
        .isEqualTo(byRuns);
  }
}
