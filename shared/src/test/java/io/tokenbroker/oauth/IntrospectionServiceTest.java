package io.tokenbroker.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenbroker.auth.AuthenticatedClient;
import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.jose.Confirmation;
import io.tokenbroker.testing.BrokerKit;
import io.tokenbroker.tokens.IssuedToken;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class IntrospectionServiceTest {

  private final BrokerKit kit = new BrokerKit();
  private final IntrospectionService introspection =
      new IntrospectionService(
          kit.anyAudience, kit.refreshTokens, kit.revocations, BrokerKit.ISSUER, kit.clock);
  private final AuthenticatedClient resourceServer =
      BrokerKit.caller(BrokerKit.client("orders-api", false, true));
  private final AuthenticatedClient workload =
      BrokerKit.caller(BrokerKit.client("workload", true, true));
  private final AuthenticatedClient watermarked =
      BrokerKit.caller(BrokerKit.client("watermarked", true, true));
  private final AuthenticatedClient stranger =
      BrokerKit.caller(BrokerKit.client("stranger", false, false));

  @Test
  void describesAnActiveAccessToken() {
    IssuedToken token = kit.issue(workload, "&scope=orders:read");

    Map<String, Object> answer = introspection.introspect(resourceServer, token.accessToken());

    assertThat(answer)
        .containsEntry("active", true)
        .containsEntry("token_type", "Bearer")
        .containsEntry("scope", "orders:read")
        .containsEntry("client_id", "workload")
        .containsEntry("sub", "workload")
        .containsEntry("aud", "https://orders.example.com")
        .containsEntry("iss", BrokerKit.ISSUER)
        .containsEntry("jti", token.record().jti())
        .containsEntry("exp", token.record().expiresAt().getEpochSecond())
        .containsEntry("iat", token.record().issuedAt().getEpochSecond())
        .containsEntry("sid", token.record().sessionId().orElseThrow());
  }

  @Test
  void showsTheActChainOfADelegatedTokenAndItsRevocationWithTheParent() {
    IssuedToken parent = kit.issue(workload, "&scope=orders:read");
    io.tokenbroker.jose.Actor act =
        new io.tokenbroker.jose.Actor(
            "agent-2",
            Optional.of("agent-2"),
            Optional.empty(),
            Optional.of(
                new io.tokenbroker.jose.Actor(
                    "agent-1", Optional.of("agent-1"), Optional.empty(), Optional.empty())));
    String delegated =
        kit.minter
            .mint(
                BrokerKit.client("agent-2", false, false),
                new io.tokenbroker.tokens.Grant(
                    new java.util.TreeSet<>(java.util.List.of("orders:read")),
                    java.util.List.of("https://orders.example.com"),
                    java.time.Duration.ofMinutes(1)),
                Optional.empty(),
                Optional.empty(),
                Optional.of(
                    new io.tokenbroker.tokens.TokenChain(
                        "workload",
                        Optional.of(act),
                        java.util.List.of(
                            new io.tokenbroker.jose.Ancestor(
                                parent.record().jti(),
                                "workload",
                                parent.record().issuedAt(),
                                parent.record().kid(),
                                Optional.empty())),
                        parent.record().expiresAt())))
            .serialized();

    assertThat(introspection.introspect(resourceServer, delegated))
        .containsEntry("active", true)
        .containsEntry("sub", "workload")
        .containsEntry("client_id", "agent-2")
        .containsEntry(
            "act",
            Map.of(
                "sub",
                "agent-2",
                "client_id",
                "agent-2",
                "act",
                Map.of("sub", "agent-1", "client_id", "agent-1")));
    assertThat(introspection.introspect(resourceServer, parent.accessToken()))
        .doesNotContainKey("act");

    kit.revocations.revokeToken(parent.record().jti(), Instant.MAX, "test");
    assertThat(introspection.introspect(resourceServer, delegated))
        .isEqualTo(Map.of("active", false));
  }

  @Test
  void showsWhatABoundTokenIsBoundTo() {
    String jkt = "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs";
    IssuedToken dpop =
        kit.issue(workload, "&scope=orders:read", Optional.of(new Confirmation.DpopKey(jkt)));
    IssuedToken mtls =
        kit.issue(
            workload, "&scope=orders:read", Optional.of(new Confirmation.ClientCertificate(jkt)));

    assertThat(introspection.introspect(resourceServer, dpop.accessToken()))
        .containsEntry("token_type", "DPoP")
        .containsEntry("cnf", Map.of("jkt", jkt));
    assertThat(introspection.introspect(resourceServer, mtls.accessToken()))
        .containsEntry("token_type", "Bearer")
        .containsEntry("cnf", Map.of("x5t#S256", jkt));
    assertThat(
            introspection.introspect(
                resourceServer, kit.issue(workload, "&scope=orders:read").accessToken()))
        .doesNotContainKey("cnf");
    assertThat(dpop.record().confirmation()).contains(new Confirmation.DpopKey(jkt));
  }

  @Test
  void saysOnlyInactiveForEveryTokenThatIsNotActive() {
    IssuedToken revoked = kit.issue(workload, "");
    kit.revocations.revokeToken(revoked.record().jti(), Instant.MAX, "test");
    IssuedToken spent = kit.issue(workload, "");
    kit.refreshes.refresh(
        workload,
        io.tokenbroker.tokens.TokenRequest.from(
            io.tokenbroker.adapters.http.Form.parse(
                "grant_type=refresh_token&refresh_token=" + spent.refreshToken().orElseThrow())),
        kit.origin);
    IssuedToken expiring = kit.issue(workload, "");
    String[] tampered = expiring.accessToken().split("\\.");

    for (String token :
        new String[] {
          revoked.accessToken(),
          spent.refreshToken().orElseThrow(),
          tampered[0] + "." + tampered[1] + ".AAAA",
          "not a token",
          "",
          "tbr_" + "A".repeat(51)
        }) {
      assertThat(introspection.introspect(workload, token)).isEqualTo(Map.of("active", false));
    }
    kit.clock.advance(Duration.ofHours(1));
    assertThat(introspection.introspect(resourceServer, expiring.accessToken()))
        .isEqualTo(Map.of("active", false));
  }

  @Test
  void showsARefreshTokenOnlyToItsOwnClient() {
    IssuedToken token = kit.issue(workload, "");

    assertThat(introspection.introspect(workload, token.refreshToken().orElseThrow()))
        .containsEntry("active", true)
        .containsEntry("token_type", "refresh_token")
        .containsEntry("client_id", "workload");
    assertThat(introspection.introspect(resourceServer, token.refreshToken().orElseThrow()))
        .isEqualTo(Map.of("active", false));
  }

  /**
   * Introspection decides from the revocations table, as refresh and authorizers do: a refresh
   * token is inactive once its family is revoked there (by sid), or its client revoked by watermark
   * after the family began.
   */
  @Test
  void saysInactiveForARefreshTokenWhoseFamilyOrClientTheRevocationsTableRevoked() {
    IssuedToken bySid = kit.issue(workload, "");
    IssuedToken byWatermark = kit.issue(watermarked, "");
    IssuedToken after = kit.issue(workload, "");
    kit.revocations.revokeFamily(
        bySid.record().sessionId().orElseThrow(), kit.clock.instant().plusSeconds(90_000), "test");
    kit.clock.advance(Duration.ofSeconds(2));
    kit.revocations.revokeClientTokensBefore(
        "watermarked", kit.clock.instant(), kit.clock.instant().plus(Duration.ofDays(31)));

    assertThat(introspection.introspect(workload, bySid.refreshToken().orElseThrow()))
        .isEqualTo(Map.of("active", false));
    assertThat(introspection.introspect(watermarked, byWatermark.refreshToken().orElseThrow()))
        .isEqualTo(Map.of("active", false));
    assertThat(introspection.introspect(workload, after.refreshToken().orElseThrow()))
        .containsEntry("active", true);
  }

  @Test
  void refusesAClientThatMayNotIntrospect() {
    IssuedToken token = kit.issue(workload, "");

    assertThatThrownBy(() -> introspection.introspect(stranger, token.accessToken()))
        .isInstanceOf(RequestRejected.class)
        .satisfies(e -> assertThat(((RequestRejected) e).status()).isEqualTo(403));
  }
}
