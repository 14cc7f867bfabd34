package io.tokenbroker.functions.revocation;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.util.JSONObjectUtils;
import io.tokenbroker.adapters.http.HeaderLimits;
import io.tokenbroker.json.Json;
import io.tokenbroker.testing.EventFiles;
import io.tokenbroker.testing.FormBodies;
import io.tokenbroker.testing.InMemoryRevocations;
import io.tokenbroker.tokens.IssuedToken;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The request limits at the revocation endpoint: a request at a limit is served, one over it is
 * refused with {@code invalid_request} and revokes nothing.
 */
class RevocationHandlerLimitsTest {

  private final RevocationFixture.Run run = RevocationFixture.Run.start();
  private final IssuedToken alice = RevocationFixture.GRANTS.get("alice");
  private final Optional<String> aliceRole = Optional.of(RevocationFixture.callerArn("alice"));
  private final InMemoryRevocations.State before = run.kit().revocations.state();

  private Map<String, Object> revoke(String body) {
    return run.post(RevocationHandler.REVOKE_IAM, aliceRole, body);
  }

  private void assertRefusedAndNothingRevoked(Map<String, Object> response, long status) {
    assertThat(response.get("statusCode")).isEqualTo(status);
    assertThat(EventFiles.body(response)).containsEntry("error", "invalid_request");
    assertThat(run.kit().revocations.state()).isEqualTo(before);
  }

  private boolean aliceRevoked() {
    return run.kit().revocations.tokenRevoked(alice.record().jti());
  }

  @Test
  void refusesABodyOneCharacterOverTheLimitWith413() {
    String body = "token=" + alice.accessToken();

    assertRefusedAndNothingRevoked(
        revoke(FormBodies.padded(body, RevocationHandler.MAX_BODY_CHARS + 1)), 413);
    assertThat(revoke(FormBodies.padded(body, RevocationHandler.MAX_BODY_CHARS)))
        .containsEntry("statusCode", 200L);
    assertThat(aliceRevoked()).isTrue();
  }

  @Test
  void refusesOneHeaderFieldOverTheLimit() {
    Map<String, Object> over = withHeaders(HeaderLimits.MAX_FIELDS + 1);

    assertRefusedAndNothingRevoked(run.invoke(over), 400);
    assertThat(run.invoke(withHeaders(HeaderLimits.MAX_FIELDS))).containsEntry("statusCode", 200L);
    assertThat(aliceRevoked()).isTrue();
  }

  /** The revocation of alice's token with {@code count} header fields, Content-Type among them. */
  private Map<String, Object> withHeaders(int count) {
    Map<String, Object> event =
        EventFiles.formPost(
            RevocationHandler.REVOKE_IAM, aliceRole, "token=" + alice.accessToken());
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/x-www-form-urlencoded");
    for (int i = 1; i < count; i++) {
      headers.put("X-H" + i, "v");
    }
    event.put("headers", headers);
    return event;
  }

  @Test
  void refusesAnEventNestedOneLevelTooDeep() {
    String event =
        JSONObjectUtils.toJSONString(
            EventFiles.formPost(
                RevocationHandler.REVOKE_IAM, aliceRole, "token=" + alice.accessToken()));

    assertRefusedAndNothingRevoked(run.invokeRaw(nested(event, Json.MAX_DEPTH + 1)), 400);
    assertThat(run.invokeRaw(nested(event, Json.MAX_DEPTH))).containsEntry("statusCode", 200L);
    assertThat(aliceRevoked()).isTrue();
  }

  /** The event with one more member, nested so that the event is {@code depth} levels deep. */
  static String nested(String event, int depth) {
    return "{\"x\":" + "[".repeat(depth - 1) + "]".repeat(depth - 1) + "," + event.substring(1);
  }

  @Test
  void refusesAnOperatorJtiLongerThanAnyTokenCarries() {
    String jti = "j".repeat(io.tokenbroker.operator.OperatorRevocations.MAX_JTI_LENGTH);
    Optional<String> operator = Optional.of(RevocationFixture.OPERATOR);

    assertRefusedAndNothingRevoked(
        run.post(RevocationHandler.ADMIN, operator, "jti=" + jti + "j"), 400);
    assertThat(run.post(RevocationHandler.ADMIN, operator, "jti=" + jti))
        .containsEntry("statusCode", 200L);
    assertThat(run.kit().revocations.tokenRevoked(jti)).isTrue();
  }
}
