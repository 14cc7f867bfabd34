package io.tokenbroker.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.Test;

/**
 * No outside token, GitHub request token, broker token or assertion in a log line, an exception
 * message or a toString, through federated exchanges, down-scoping and delegation, even when the
 * server echoes the tokens it got in its error_description.
 */
class FederatedNoSecretsShownIT {

  private static final String GITHUB_REQUEST_TOKEN = "ghs-request-token-do-not-show-0123456789";
  private static final String API = "https://api.example.com";

  @Test
  void nothingShownHoldsAnOutsideOrABrokerToken() throws Exception {
    List<String> shown = new ArrayList<>();
    Logger logger = Logger.getLogger(TokenClient.class.getName());
    SimpleFormatter formatter = new SimpleFormatter();
    Handler capture =
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            synchronized (shown) {
              shown.add(formatter.format(record));
            }
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    logger.addHandler(capture);
    Level level = logger.getLevel();
    logger.setLevel(Level.ALL);
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    try (ExchangeTestServer server = new ExchangeTestServer()) {
      FederatedCredentials github =
          FederatedCredentials.githubActions(
              "deployer",
              "https://broker.example.com",
              Map.of(
                      "ACTIONS_ID_TOKEN_REQUEST_URL",
                      server.githubRequestUrl(),
                      "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
                      GITHUB_REQUEST_TOKEN)
                  ::get,
              HttpClient.newHttpClient());
      TokenClient client =
          TokenClient.builder(server.uri(), github).clock(clock).sleeper(clock.sleeper()).build();
      Set<String> read = Set.of("demo:read");
      // GitHub's endpoint failing (logged), the broker's 503 (logged), then a token.
      server.answerGitHub(1, new ExchangeTestServer.Canned(500, Map.of(), f -> "{}"));
      server.answerBroker(1, new ExchangeTestServer.Canned(503, Map.of(), echoing("busy")));
      AccessToken token = client.token(read, API);
      shown.add(token.toString());
      // A refusal echoing the outside token (an exception).
      server.answerBroker(
          1, new ExchangeTestServer.Canned(400, Map.of(), echoing("invalid_request")));
      Throwable refused = catchThrowable(() -> client.token(Set.of("demo:admin"), API));
      assertThat(refused).isInstanceOf(TokenRequestRejected.class);
      shown.add(refused.getMessage());
      shown.add(refused.toString());
      shown.add(((TokenRequestRejected) refused).errorDescription().orElseThrow());
      // Delegation refused, echoing the subject and the (outside) actor token.
      server.answerBroker(
          1, new ExchangeTestServer.Canned(400, Map.of(), echoing("invalid_request")));
      String userToken = ExchangeTestServer.jwt(server.uri().toString(), "alice");
      Throwable acting = catchThrowable(() -> client.actFor(userToken, read, API));
      // A private_key_jwt client's down-scoping, refused with its assertion echoed.
      TokenClient keyClient =
          TokenClient.builder(
                  server.uri(),
                  PrivateKeyJwt.signedBy(
                      "orders",
                      new ECDSASigner(new ECKeyGenerator(Curve.P_256).generate()),
                      JWSAlgorithm.ES256,
                      "k"))
              .build();
      server.answerBroker(
          1, new ExchangeTestServer.Canned(401, Map.of(), echoing("invalid_client")));
      Throwable keyRefused = catchThrowable(() -> keyClient.downscope(token, read, API));
      // A failed renewal while the token is valid (logged), then once it is not (an exception).
      clock.advance(Duration.ofSeconds(230));
      server.answerBroker(1000, new ExchangeTestServer.Canned(502, Map.of(), echoing("bad")));
      assertThat(client.token(read, API).value()).isEqualTo(token.value());
      clock.advance(Duration.ofSeconds(60));
      Throwable unavailable = catchThrowable(() -> client.token(read, API));
      for (Throwable t : List.of(refused, acting, unavailable, keyRefused)) {
        assertThat(t).isInstanceOf(TokenBrokerException.class);
        for (Throwable c = t; c != null; c = c.getCause()) {
          shown.add(c.toString());
        }
      }
      shown.add(client.toString());
      shown.add(github.toString());
      shown.add(keyClient.toString());

      List<String> secrets = new ArrayList<>(server.githubTokens());
      secrets.add(GITHUB_REQUEST_TOKEN);
      secrets.add(userToken);
      secrets.addAll(server.issued());
      for (ExchangeTestServer.Seen seen : server.brokerRequests()) {
        for (String name : List.of("subject_token", "actor_token", "client_assertion")) {
          if (seen.form().containsKey(name)) {
            secrets.add(seen.form().get(name));
          }
        }
      }
      assertThat(secrets).hasSizeGreaterThan(8).doesNotContainNull();
      assertThat(shown).anySatisfy(line -> assertThat(line).contains("invalid_request"));
      assertThat(shown).anySatisfy(line -> assertThat(line).contains("[redacted]"));
      assertThat(shown).anySatisfy(line -> assertThat(line).contains("answered 500"));
      for (String line : shown) {
        for (String secret : secrets) {
          assertThat(line).doesNotContain(secret);
        }
        assertThat(line).doesNotContainPattern("eyJ[\\w-]{8,}\\.");
      }
    } finally {
      logger.removeHandler(capture);
      logger.setLevel(level);
    }
  }

  /** An error answer whose description repeats every token the request carried. */
  private static java.util.function.Function<Map<String, String>, String> echoing(String error) {
    return form ->
        "{\"error\":\""
            + error
            + "\",\"error_description\":\"got "
            + form.getOrDefault("subject_token", "-")
            + " with "
            + form.getOrDefault("actor_token", "-")
            + " and "
            + form.getOrDefault("client_assertion", "-")
            + "\"}";
  }
}
