package io.tokenbroker.functions.authorizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.util.JSONObjectUtils;
import io.tokenbroker.access.RouteRules;
import io.tokenbroker.revocation.CachedRevocations;
import io.tokenbroker.testing.EventFiles;
import io.tokenbroker.testing.InMemoryRevocations;
import io.tokenbroker.testing.MutableClock;
import io.tokenbroker.testing.RecordingTelemetry;
import io.tokenbroker.testing.RejectionReasons;
import io.tokenbroker.verify.AccessTokenVerifier;
import io.tokenbroker.verify.CachingKeyResolver;
import io.tokenbroker.verify.VerifierPolicy;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The authorizer's decision log names its own denials by their logged names. */
class AuthorizerReasonTest {

  private final MutableClock clock = new MutableClock(TokenAuthorizerLimitsTest.NOW);
  private final RecordingTelemetry telemetry = new RecordingTelemetry();
  private final TokenAuthorizer authorizer =
      new TokenAuthorizer(
          new AccessTokenVerifier(
              new VerifierPolicy(
                  TokenAuthorizerLimitsTest.ISSUER,
                  TokenAuthorizerLimitsTest.AUDIENCE,
                  Set.of(JWSAlgorithm.RS256),
                  Duration.ofSeconds(60),
                  Duration.ofHours(1)),
              new CachingKeyResolver(
                  () -> List.of(TokenAuthorizerLimitsTest.RSA.toPublicJWK()),
                  clock,
                  Duration.ofMinutes(5),
                  Duration.ZERO),
              new CachedRevocations(new InMemoryRevocations(), clock, Duration.ZERO, 100),
              clock),
          RouteRules.parse("{\"GET /orders/*\": [\"orders:read\"]}"),
          telemetry);

  @Test
  void logsEveryReasonUnderItsOwnSnakeCaseName() {
    RejectionReasons.assertDistinctAndSnakeCase(AuthorizerReason.class);
  }

  @Test
  void logsARequestWithoutATokenAsTokenMissing() {
    Map<String, Object> event = TokenAuthorizerLimitsTest.restEvent(Map.of("X-Other", "v"));

    assertDenied(JSONObjectUtils.toJSONString(event), AuthorizerReason.TOKEN_MISSING);
  }

  @Test
  void logsAnEventOfNoAuthorizerShapeAsMalformedEvent() {
    Map<String, Object> event = EventFiles.load("authorizer/rest-request.json");
    event.remove("type");
    event.remove("version");

    assertDenied(JSONObjectUtils.toJSONString(event), AuthorizerReason.MALFORMED_EVENT);
  }

  private void assertDenied(String event, AuthorizerReason reason) {
    assertThatThrownBy(
            () ->
                authorizer.handleRequest(
                    new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)),
                    new ByteArrayOutputStream(),
                    null))
        .isInstanceOf(TokenAuthorizer.Unauthorized.class);
    assertThat(telemetry.named("authorizer.denied"))
        .singleElement()
        .satisfies(e -> assertThat(e.fields()).containsEntry("reason", reason.logName()));
  }
}
