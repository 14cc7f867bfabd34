package io.tokenbroker.functions.introspection;

import static io.tokenbroker.functions.introspection.IntrospectionFixture.ACTIVE;
import static io.tokenbroker.functions.introspection.IntrospectionFixture.ASSERTIONS;
import static io.tokenbroker.functions.introspection.IntrospectionFixture.PLACEHOLDERS;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.tokenbroker.adapters.http.Form;
import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.testing.BrokerKit;
import io.tokenbroker.testing.EventFiles;
import io.tokenbroker.testing.FuzzInput;
import io.tokenbroker.testing.InMemoryRevocations;
import io.tokenbroker.testing.RecordingTelemetry;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Hostile introspection requests (the hardening issue): the form body of {@code POST /introspect}
 * and {@code /introspect/iam} (RFC 7662: {@code token}, {@code token_type_hint}, client
 * authentication) through the real {@link IntrospectionHandler} over in-memory stores. Allowed
 * outcomes: 200, or a 4xx OAuth error; never a 500 or an unexpected exception, never a change of
 * state. A 200 goes only to the client allowed to introspect, and says {@code {"active":false}},
 * exactly, for anything but a valid unrevoked token the fixture minted (a refresh token only to the
 * client it was issued to).
 *
 * <p>The state is {@link IntrospectionFixture}'s: client {@code rs} may introspect, {@code alice}
 * may not; the clock stands at epoch 1800000000. Input ({@link FuzzInput}): the mode byte picks the
 * route and caller, the rest is the form body. Placeholders, active: {@code $ALICE_ACCESS}, {@code
 * $RS_ACCESS}, {@code $RS_REFRESH}; inactive: {@code $ALICE_REFRESH} (for rs: another client's),
 * {@code $REVOKED_ACCESS}, {@code $EXPIRED_ACCESS}, {@code $FAMILY_REVOKED_ACCESS}, {@code
 * $FAMILY_REVOKED_REFRESH}, {@code $USED_REFRESH}; and valid client assertions {@code
 * $RS_ASSERTION}, {@code $ALICE_ASSERTION}.
 */
class IntrospectionHandlerFuzzTest {

  static final String INACTIVE = "{\"active\":false}";
  static final Set<String> ERRORS = Set.of("invalid_request", "invalid_client", "access_denied");

  /**
   * Mode: 0, {@code /introspect} (client assertion in the form); 1, {@code /introspect/iam} as rs's
   * role; 2, the same as alice's; 3, {@code /introspect/iam} without an IAM identity.
   */
  @FuzzTest(maxDuration = "2m")
  void introspect(byte[] data) {
    FuzzInput input = FuzzInput.of(data, 4);
    String body = FuzzInput.substitute(input.text(), PLACEHOLDERS);
    Optional<String> caller =
        switch (input.mode()) {
          case 1 -> Optional.of("rs");
          case 2 -> Optional.of("alice");
          case 3 -> Optional.empty();
          default -> parameter(body, "client_assertion").map(ASSERTIONS::get);
        };
    BrokerKit kit = IntrospectionFixture.MINTED.copy();
    RecordingTelemetry telemetry = new RecordingTelemetry();
    IntrospectionHandler handler = IntrospectionFixture.handler(kit, telemetry);
    InMemoryRevocations.State before = kit.revocations.state();
    int refreshTokens = kit.refreshTokens.tokenCount();

    Map<String, Object> response =
        EventFiles.invoke(
            (in, out) -> handler.handleRequest(in, out, null),
            EventFiles.formPost(
                input.mode() == 0 ? "/introspect" : IntrospectionHandler.INTROSPECT_IAM,
                input.mode() == 1 || input.mode() == 2
                    ? caller.map(IntrospectionFixture::callerArn)
                    : Optional.empty(),
                body));

    assertThat(telemetry.named("unexpected.failure")).isEmpty();
    assertThat(telemetry.named("dependency.failed")).isEmpty();
    assertThat(EventFiles.headers(response)).containsEntry("Cache-Control", "no-store");
    assertThat(kit.revocations.state()).as("introspection changed state").isEqualTo(before);
    assertThat(kit.refreshTokens.tokenCount()).isEqualTo(refreshTokens);
    long status = (Long) response.get("statusCode");
    if (status != 200) {
      assertThat(status).isBetween(400L, 499L);
      Map<String, Object> error = EventFiles.body(response);
      assertThat(error.get("error")).isIn(ERRORS);
      assertThat(error.get("error_description")).isInstanceOf(String.class);
      return;
    }
    assertThat(caller).as("introspection answered a client not allowed to").contains("rs");
    List<String> expected = parameter(body, "token").map(ACTIVE::get).orElse(null);
    if (expected == null) {
      assertThat(response.get("body")).isEqualTo(INACTIVE);
      return;
    }
    Map<String, Object> answer = EventFiles.body(response);
    assertThat(answer).containsEntry("active", true).containsEntry("client_id", expected.get(0));
    assertThat(List.of(answer.getOrDefault("jti", ""), answer.getOrDefault("sid", "")))
        .contains(expected.get(1));
  }

  /** A single form parameter as the handler reads it; empty if absent or the form is invalid. */
  static Optional<String> parameter(String body, String name) {
    try {
      return Form.parse(body).single(name);
    } catch (RequestRejected invalid) {
      return Optional.empty();
    }
  }
}
