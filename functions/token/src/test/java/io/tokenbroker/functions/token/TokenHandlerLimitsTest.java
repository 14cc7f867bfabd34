package io.tokenbroker.functions.token;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenbroker.adapters.http.ClientAuthentication;
import io.tokenbroker.adapters.http.HeaderLimits;
import io.tokenbroker.auth.ClientAssertionVerifier;
import io.tokenbroker.auth.IamAuthenticator;
import io.tokenbroker.discovery.BrokerEndpoints;
import io.tokenbroker.testing.BrokerKit;
import io.tokenbroker.testing.EventFiles;
import io.tokenbroker.testing.FormBodies;
import io.tokenbroker.testing.InMemoryClientRepository;
import io.tokenbroker.testing.InMemoryReplayGuard;
import io.tokenbroker.testing.RecordingTelemetry;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The request limits at the token endpoint, over in-memory stores: a request at a limit gets a
 * token, one over is refused with {@code invalid_request} and nothing is issued or recorded.
 */
class TokenHandlerLimitsTest {

  private static final String BODY = "grant_type=client_credentials";

  private final BrokerKit kit = new BrokerKit();
  private final TokenHandler handler = handler(kit);
  private final Optional<String> caller =
      Optional.of("arn:aws:sts::123456789012:assumed-role/workload/s1");

  private static TokenHandler handler(BrokerKit kit) {
    InMemoryClientRepository clients = new InMemoryClientRepository();
    clients.add(BrokerKit.client("workload", false, false));
    return new TokenHandler(
        new ClientAuthentication(
            new IamAuthenticator(clients),
            new ClientAssertionVerifier(
                clients,
                new InMemoryReplayGuard(),
                new BrokerEndpoints(URI.create(BrokerKit.ISSUER)),
                kit.clock,
                Duration.ofMinutes(5),
                Duration.ofSeconds(60)),
            BrokerKit.ISSUER),
        kit.tokens,
        kit.refreshes,
        null, // no token exchange is sent
        kit.dpop,
        new RecordingTelemetry());
  }

  private Map<String, Object> invoke(Map<String, Object> event) {
    return EventFiles.invoke((in, out) -> handler.handleRequest(in, out, null), event);
  }

  private Map<String, Object> post(String body) {
    return invoke(EventFiles.formPost(TokenHandler.TOKEN_IAM, caller, body));
  }

  private void assertRefusedAndNothingIssued(Map<String, Object> response, long status) {
    assertThat(response.get("statusCode")).isEqualTo(status);
    assertThat(EventFiles.body(response))
        .containsEntry("error", "invalid_request")
        .doesNotContainKey("access_token");
    assertThat(kit.issuances.all()).isEmpty();
  }

  @Test
  void refusesABodyOneCharacterOverTheLimitWith413() {
    assertRefusedAndNothingIssued(
        post(FormBodies.padded(BODY, TokenHandler.MAX_BODY_CHARS + 1)), 413);

    Map<String, Object> atLimit = post(FormBodies.padded(BODY, TokenHandler.MAX_BODY_CHARS));

    assertThat(atLimit.get("statusCode")).isEqualTo(200L);
    assertThat(EventFiles.body(atLimit)).containsKey("access_token");
    assertThat(kit.issuances.all()).hasSize(1);
  }

  @Test
  void refusesAHeaderValueOneCharacterOverTheLimit() {
    Map<String, Object> over = EventFiles.formPost(TokenHandler.TOKEN_IAM, caller, BODY);
    over.put(
        "headers",
        Map.of(
            "Content-Type",
            "application/x-www-form-urlencoded",
            "X-Pad",
            "p".repeat(HeaderLimits.MAX_VALUE_CHARS + 1)));
    Map<String, Object> atLimit = EventFiles.formPost(TokenHandler.TOKEN_IAM, caller, BODY);
    atLimit.put(
        "headers",
        Map.of(
            "Content-Type",
            "application/x-www-form-urlencoded",
            "X-Pad",
            "p".repeat(HeaderLimits.MAX_VALUE_CHARS)));

    assertRefusedAndNothingIssued(invoke(over), 400);
    assertThat(invoke(atLimit).get("statusCode")).isEqualTo(200L);
  }

  @Test
  void refusesAClientIdNoClientCanHaveWithoutLookingItUp() {
    Map<String, Object> response = post(BODY + "&client_id=" + "w".repeat(129));

    assertThat(response.get("statusCode")).isEqualTo(401L);
    assertThat(EventFiles.body(response)).containsEntry("error", "invalid_client");
    assertThat(kit.issuances.all()).isEmpty();
  }
}
