package io.tokenbroker.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
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
 * No token, refresh token or assertion in a log line, an exception message or a toString, even when
 * a server echoes one back in its error_description: every secret that crossed the proxy is looked
 * for in everything the client showed.
 */
class NoSecretsShownIT {

  @Test
  void nothingTheClientShowsHoldsASecret() throws Exception {
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
    ECKey key = new ECKeyGenerator(Curve.P_256).keyID("k").generate();
    String clientId = TestBroker.registerClient(key.toPublicJWK().toJSONString());
    PrivateKeyJwt authentication =
        PrivateKeyJwt.signedBy(clientId, new ECDSASigner(key), JWSAlgorithm.ES256, "k");
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    List<String> tokens = new ArrayList<>();
    try (RecordingProxy proxy = new RecordingProxy(TestBroker.issuer())) {
      TokenClient client =
          TokenClient.builder(TestBroker.issuer(), authentication)
              .endpointBase(proxy.uri())
              .clock(clock)
              .sleeper(clock.sleeper())
              .build();
      Set<String> read = Set.of("demo:read");
      // A retry (logged), a token, a refresh refused with the secrets echoed (logged, then the
      // fallback), a refusal echoing the assertion (an exception), a failed renewal (logged).
      proxy.answerNext(1, new RecordingProxy.Canned(503, Map.of("Retry-After", "1"), f -> "{}"));
      AccessToken first = client.token(read, TestBroker.demoAudience());
      tokens.add(first.value());
      shown.add(first.toString());
      clock.advance(Duration.ofSeconds(230));
      proxy.answerNext(1, echoing(400, "invalid_grant"));
      AccessToken second = client.token(read, TestBroker.demoAudience());
      tokens.add(second.value());
      shown.add(second.toString());
      proxy.answerNext(1, echoing(401, "invalid_client"));
      Throwable refused = catchThrowable(() -> client.token(Set.of("demo:write")));
      assertThat(refused).isInstanceOf(TokenRequestRejected.class);
      shown.add(refused.getMessage());
      shown.add(refused.toString());
      shown.add(((TokenRequestRejected) refused).errorDescription().orElseThrow());
      clock.advance(Duration.ofSeconds(230));
      // A refusal whose error code is the refresh token itself (logged; the token kept).
      proxy.answerNext(
          1,
          new RecordingProxy.Canned(
              400, Map.of(), form -> "{\"error\":\"" + form.get("refresh_token") + "\"}"));
      assertThat(client.token(read, TestBroker.demoAudience()).value()).isEqualTo(second.value());
      proxy.answerNext(1000, echoing(503, "temporarily_unavailable"));
      assertThat(client.token(read, TestBroker.demoAudience()).value()).isEqualTo(second.value());
      clock.advance(Duration.ofSeconds(60));
      Throwable unavailable = catchThrowable(() -> client.token(read, TestBroker.demoAudience()));
      assertThat(unavailable).isInstanceOf(TokenUnavailable.class);
      shown.add(unavailable.getMessage());
      shown.add(client.toString());
      shown.add(authentication.toString());

      List<String> secrets = new ArrayList<>(tokens);
      for (RecordingProxy.Seen seen : proxy.seen()) {
        secrets.add(seen.form().get("client_assertion"));
        if (seen.form().containsKey("refresh_token")) {
          secrets.add(seen.form().get("refresh_token"));
        }
      }
      assertThat(secrets).hasSizeGreaterThan(5).doesNotContainNull();
      assertThat(shown).anySatisfy(line -> assertThat(line).contains("invalid_grant"));
      assertThat(shown).anySatisfy(line -> assertThat(line).contains("[redacted]"));
      for (String line : shown) {
        for (String secret : secrets) {
          assertThat(line).doesNotContain(secret);
        }
        // Not even a part: a JWS's signature or a refresh token's random part.
        assertThat(line).doesNotContain("tbr_").doesNotContainPattern("eyJ[\\w-]{8,}\\.");
      }
    } finally {
      logger.removeHandler(capture);
      logger.setLevel(level);
    }
  }

  /**
   * An error answer whose description repeats the request's secrets, as a careless server's might.
   */
  private static RecordingProxy.Canned echoing(int status, String error) {
    return new RecordingProxy.Canned(
        status,
        Map.of(),
        form ->
            "{\"error\":\""
                + error
                + "\",\"error_description\":\"got "
                + form.getOrDefault("refresh_token", "-")
                + " and "
                + form.get("client_assertion")
                + "\"}");
  }
}
