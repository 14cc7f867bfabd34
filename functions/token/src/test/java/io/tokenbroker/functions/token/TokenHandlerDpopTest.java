package io.tokenbroker.functions.token;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenbroker.adapters.http.ClientAuthentication;
import io.tokenbroker.auth.ClientAssertionVerifier;
import io.tokenbroker.auth.IamAuthenticator;
import io.tokenbroker.discovery.BrokerEndpoints;
import io.tokenbroker.dpop.DpopPolicy;
import io.tokenbroker.dpop.DpopProofVerifier;
import io.tokenbroker.dpop.SlotNonces;
import io.tokenbroker.errors.ServiceFailure;
import io.tokenbroker.oauth.DpopTokenBinding;
import io.tokenbroker.testing.BrokerKit;
import io.tokenbroker.testing.DpopProofs;
import io.tokenbroker.testing.EventFiles;
import io.tokenbroker.testing.InMemoryClientRepository;
import io.tokenbroker.testing.InMemoryReplayGuard;
import io.tokenbroker.testing.RecordingTelemetry;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * DPoP at the token endpoint, around client authentication: an anonymous request with a valid proof
 * writes nothing (the proof's single use is recorded only after authentication), and a nonce key
 * that fails after issuance cannot turn a success into an error.
 */
class TokenHandlerDpopTest {

  private static final String BODY = "grant_type=client_credentials";
  private static final String URL = BrokerKit.ISSUER + TokenHandler.TOKEN_IAM;
  private static final Optional<String> CALLER =
      Optional.of("arn:aws:sts::123456789012:assumed-role/workload/s1");

  private final BrokerKit kit = new BrokerKit();

  private TokenHandler handler(DpopTokenBinding dpop) {
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
        dpop,
        new RecordingTelemetry());
  }

  private static Map<String, Object> post(
      TokenHandler handler, Optional<String> caller, String proof) {
    Map<String, Object> event = EventFiles.formPost(TokenHandler.TOKEN_IAM, caller, BODY);
    event.put(
        "headers", Map.of("Content-Type", "application/x-www-form-urlencoded", "DPoP", proof));
    return EventFiles.invoke((in, out) -> handler.handleRequest(in, out, null), event);
  }

  @Test
  void anUnauthenticatedRequestWithAValidProofWritesNothing() {
    TokenHandler handler = handler(kit.dpop);
    DpopProofs proof = DpopProofs.by(DpopProofs.ecKey(), "POST", URL, kit.clock.instant());

    Map<String, Object> anonymous = post(handler, Optional.empty(), proof.sign());

    assertThat(anonymous.get("statusCode")).isNotEqualTo(200L);
    assertThat(kit.dpopReplay.writes()).isZero();
    Map<String, Object> authenticated = post(handler, CALLER, proof.sign());
    assertThat(authenticated.get("statusCode")).isEqualTo(200L);
    assertThat(EventFiles.body(authenticated)).containsEntry("token_type", "DPoP");
    assertThat(kit.dpopReplay.writes()).isEqualTo(1);
  }

  @Test
  void aNonceKeyFailingAfterTheCheckLeavesTheNonceOutAndKeepsTheSuccess() {
    AtomicBoolean macDown = new AtomicBoolean();
    SlotNonces nonces =
        new SlotNonces(
            message -> {
              if (macDown.get()) {
                throw new ServiceFailure("kms", "GenerateMac failed", true, null);
              }
              return message.clone();
            },
            kit.clock,
            Duration.ofMinutes(5),
            SlotNonces.Server.AUTHORIZATION);
    DpopTokenBinding dpop =
        new DpopTokenBinding(
            new DpopProofVerifier(
                new DpopPolicy(Duration.ofSeconds(60), Duration.ofSeconds(5), Optional.of(nonces)),
                kit.dpopReplay,
                kit.clock),
            new BrokerEndpoints(URI.create(BrokerKit.ISSUER)));
    String nonce = nonces.current();
    // The next slot: the proof's nonce (the previous slot's) is still good and known, but the
    // answer's new nonce needs the key, which is down.
    kit.clock.advance(Duration.ofMinutes(5));
    macDown.set(true);
    DpopProofs proof =
        DpopProofs.by(DpopProofs.ecKey(), "POST", URL, kit.clock.instant()).claim("nonce", nonce);

    Map<String, Object> response = post(handler(dpop), CALLER, proof.sign());

    assertThat(response.get("statusCode")).isEqualTo(200L);
    assertThat(EventFiles.body(response)).containsKey("access_token");
    assertThat(EventFiles.headers(response)).doesNotContainKey("DPoP-Nonce");
    assertThat(kit.issuances.all()).hasSize(1);
  }
}
