package io.tokenbroker.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenbroker.auth.AuthMethod;
import io.tokenbroker.auth.ClientAuthenticationReason;
import io.tokenbroker.clients.Client;
import io.tokenbroker.errors.OAuthError;
import io.tokenbroker.errors.RejectionReason;
import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.testing.Clients;
import io.tokenbroker.testing.InMemoryClientRepository;
import io.tokenbroker.testing.InMemoryOutsideTokenReplayGuard;
import io.tokenbroker.testing.MutableClock;
import io.tokenbroker.testing.OutsideTokens;
import io.tokenbroker.testing.RecordingTelemetry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The client side of federation: which client, and what its matching policy caps. */
class TrustPolicyAuthenticationTest {

  final InMemoryClientRepository clients = new InMemoryClientRepository();
  final MutableClock clock = new MutableClock(OutsideTokenVerifierTest.NOW);
  final InMemoryOutsideTokenReplayGuard replays = new InMemoryOutsideTokenReplayGuard();
  final TrustPolicyAuthentication authentication =
      new TrustPolicyAuthentication(
          clients,
          new OutsideTokenVerifier(
              new OutsideTokens.Keys().with(OutsideTokens.GITHUB, OutsideTokens.rsaKey()),
              replays,
              clock,
              Duration.ofSeconds(60),
              new RecordingTelemetry()));

  Client deployer() {
    Map<String, Object> policy = OutsideTokenVerifierTest.githubPolicy();
    policy.put("scopes", List.of("orders:write"));
    policy.put("max_lifetime_seconds", 120);
    Map<String, Object> json = Clients.json("deployer");
    json.put("trust_policies", List.of(policy));
    return Clients.parse(json);
  }

  String token() {
    return OutsideTokens.sign(OutsideTokenVerifierTest.claims());
  }

  @Test
  void authenticatesTheClientAsFederatedWithThePolicysCaps() {
    clients.add(deployer());

    var federated = authentication.authenticate("deployer", token());

    assertThat(federated.client().client().clientId()).isEqualTo("deployer");
    assertThat(federated.client().method()).isEqualTo(AuthMethod.FEDERATED);
    assertThat(federated.client().callerIdentity())
        .isEqualTo(OutsideTokens.GITHUB + " repo:acme/deployer:ref:refs/heads/main");
    assertThat(federated.limits().scopes())
        .hasValueSatisfying(s -> assertThat(s).containsExactly("orders:write"));
    assertThat(federated.limits().maxLifetime()).contains(Duration.ofSeconds(120));
    assertThat(federated.identity().subject()).isEqualTo("repo:acme/deployer:ref:refs/heads/main");
  }

  @Test
  void theTokensSingleUseIsLeftToSpendAndSpendsOnce() {
    clients.add(deployer());
    String token = token();

    var first = authentication.authenticate("deployer", token);
    var second = authentication.authenticate("deployer", token);
    assertThat(replays.writes()).isZero();
    first.singleUse().spend();

    assertThatThrownBy(() -> second.singleUse().spend())
        .isInstanceOfSatisfying(
            RequestRejected.class,
            rejected -> {
              assertThat(rejected.error()).isEqualTo(OAuthError.INVALID_REQUEST);
              assertThat(rejected.rejectionReason()).isEqualTo(FederationReason.REPLAYED);
            });
  }

  @Test
  void anActorTokensRefusalNamesActorToken() {
    clients.add(deployer());
    Map<String, Object> claims = OutsideTokenVerifierTest.claims();
    claims.put("sub", "repo:evil/deployer:ref:refs/heads/main");

    assertThatThrownBy(
            () ->
                authentication.authenticate("deployer", OutsideTokens.sign(claims), "actor_token"))
        .isInstanceOfSatisfying(
            RequestRejected.class,
            rejected ->
                assertThat(rejected.description()).isEqualTo("actor_token is not acceptable"));
    assertThatThrownBy(() -> authentication.authenticate("deployer", OutsideTokens.sign(claims)))
        .isInstanceOfSatisfying(
            RequestRejected.class,
            rejected ->
                assertThat(rejected.description()).isEqualTo("subject_token is not acceptable"));
  }

  @Test
  void anUnknownDisabledOrPolicylessClientIsInvalidClientAlike() {
    clients.add(deployer().withEnabled(false));
    clients.add(Clients.withRole("plain", "arn:aws:iam::123456789012:role/plain"));

    assertInvalidClient("nobody", ClientAuthenticationReason.UNKNOWN_CLIENT);
    assertInvalidClient("deployer", ClientAuthenticationReason.CLIENT_DISABLED);
    assertInvalidClient("plain", FederationReason.CLIENT_HAS_NO_TRUST_POLICY);
    assertInvalidClient("x".repeat(3000), ClientAuthenticationReason.CLIENT_ID_MALFORMED);
  }

  void assertInvalidClient(String clientId, RejectionReason reason) {
    assertThatThrownBy(() -> authentication.authenticate(clientId, token()))
        .isInstanceOfSatisfying(
            RequestRejected.class,
            rejected -> {
              assertThat(rejected.error()).isEqualTo(OAuthError.INVALID_CLIENT);
              assertThat(rejected.rejectionReason()).isEqualTo(reason);
              assertThat(rejected.description()).isEqualTo(ClientAuthenticationReason.UNDISCLOSED);
            });
  }
}
