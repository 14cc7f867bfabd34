package io.tokenbroker.functions.authorizer;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * The authorizer's streaming event read ({@link AuthorizerEvent}) against the Gson read it replaced
 * ({@link LegacyAuthorizerRequest}), on every input: the same request (shape, bearer token, method,
 * path, ARN base) or the same refusal with the same reason, except where the new read is stricter
 * by design ({@link EventReads#assertSameRead}).
 *
 * <p>Input: the event's bytes, as API Gateway would hand them to the function. Seeds: the {@code
 * events/authorizer} files, {@link TokenAuthorizerFuzzTest}'s corpus, and the edge cases of {@link
 * AuthorizerEventTest}.
 */
class AuthorizerEventDifferentialFuzzTest {

  @FuzzTest(maxDuration = "2m")
  void sameAsTheGsonRead(byte[] event) {
    EventReads.assertSameRead(event);
  }
}
