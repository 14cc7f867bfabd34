package io.tokenbroker.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import io.tokenbroker.auth.AuthenticatedClient;
import io.tokenbroker.clients.RefreshPolicy;
import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.errors.ServiceFailure;
import io.tokenbroker.keys.KeyState;
import io.tokenbroker.keys.SigningKey;
import io.tokenbroker.operator.OperatorRevocations;
import io.tokenbroker.testing.BrokerKit;
import io.tokenbroker.testing.InMemoryRevocations;
import io.tokenbroker.tokens.IssuedToken;
import io.tokenbroker.verify.VerifierPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RevocationServiceTest {

  private final BrokerKit kit = new BrokerKit();
  private final RevocationService revocation =
      new RevocationService(
          kit.anyAudience, kit.refreshTokens, kit.familyRevocation, kit.revocations, kit.telemetry);
  private final OperatorRevocations operator =
      new OperatorRevocations(
          kit.issuances,
          kit.revocations,
          kit.keyTable::find,
          BrokerKit.MAX_LIFETIME,
          kit.clock,
          kit.telemetry);
  private final AuthenticatedClient alice =
      BrokerKit.caller(BrokerKit.client("alice", true, false));
  private final AuthenticatedClient bob = BrokerKit.caller(BrokerKit.client("bob", true, false));

  private String reason(Throwable e) {
    return ((RequestRejected) e).reason();
  }

  @Test
  void revokesTheCallersOwnAccessToken() {
    IssuedToken token = kit.issue(alice, "");

    revocation.revokeOwnToken(alice, token.accessToken(), kit.origin);

    assertThat(kit.revocations.tokenRevoked(token.record().jti())).isTrue();
    assertThatThrownBy(() -> kit.anyAudience.verify(token.accessToken()))
        .satisfies(e -> assertThat(reason(e)).isEqualTo("token_revoked"));
  }

  @Test
  void revokingARefreshTokenRevokesItsWholeGrant() {
    IssuedToken token = kit.issue(alice, "");

    revocation.revokeOwnToken(alice, token.refreshToken().orElseThrow(), kit.origin);

    assertThat(kit.revocations.familyRevoked(token.record().sessionId().orElseThrow())).isTrue();
    assertThatThrownBy(() -> kit.anyAudience.verify(token.accessToken()))
        .satisfies(e -> assertThat(reason(e)).isEqualTo("refresh_family_revoked"));
  }

  @Test
  void refusesToRevokeAnotherClientsToken() {
    IssuedToken token = kit.issue(alice, "");

    assertThatThrownBy(() -> revocation.revokeOwnToken(bob, token.accessToken(), kit.origin))
        .satisfies(e -> assertThat(reason(e)).isEqualTo("token_of_other_client"));
    assertThatThrownBy(
            () -> revocation.revokeOwnToken(bob, token.refreshToken().orElseThrow(), kit.origin))
        .satisfies(e -> assertThat(reason(e)).isEqualTo("token_of_other_client"));
    assertThat(kit.revocations.tokenRevoked(token.record().jti())).isFalse();
    assertThat(kit.anyAudience.verify(token.accessToken())).isNotNull();
  }

  @Test
  void acceptsUnknownExpiredAndAlreadyRevokedTokensWithoutDoingAnything() {
    IssuedToken token = kit.issue(alice, "");
    revocation.revokeOwnToken(alice, token.accessToken(), kit.origin);

    revocation.revokeOwnToken(alice, token.accessToken(), kit.origin);
    revocation.revokeOwnToken(alice, "garbage", kit.origin);
    revocation.revokeOwnToken(alice, "tbr_" + "x".repeat(51), kit.origin);
    IssuedToken expired = kit.issue(alice, "");
    kit.clock.advance(Duration.ofHours(1));
    revocation.revokeOwnToken(alice, expired.accessToken(), kit.origin);

    assertThat(kit.revocations.tokenRevoked(expired.record().jti())).isFalse();
  }

  @Test
  void revokesEveryTokenOfAClientIssuedBeforeNowButNotAfter() {
    IssuedToken before = kit.issue(alice, "");
    IssuedToken other = kit.issue(bob, "");
    kit.clock.advance(Duration.ofMillis(300));

    operator.revokeClient("alice");
    kit.clock.advance(Duration.ofSeconds(2));
    IssuedToken after = kit.issue(alice, "");

    assertThatThrownBy(() -> kit.anyAudience.verify(before.accessToken()))
        .satisfies(e -> assertThat(reason(e)).isEqualTo("client_tokens_revoked"));
    assertThat(kit.anyAudience.verify(other.accessToken())).isNotNull();
    assertThat(kit.anyAudience.verify(after.accessToken())).isNotNull();
    // Its refresh tokens from before the watermark no longer work either.
    assertThatThrownBy(
            () ->
                kit.refreshes.refresh(
                    alice,
                    io.tokenbroker.tokens.TokenRequest.from(
                        io.tokenbroker.adapters.http.Form.parse(
                            "grant_type=refresh_token&refresh_token="
                                + before.refreshToken().orElseThrow())),
                    kit.origin))
        .satisfies(e -> assertThat(reason(e)).isEqualTo("client_tokens_revoked"));
  }

  @Test
  void revokesEveryTokenASigningKeySigned() {
    IssuedToken token = kit.issue(alice, "");
    retireTheKeyThatSigned(token);

    operator.revokeKey(token.record().kid());

    assertThatThrownBy(() -> kit.anyAudience.verify(token.accessToken()))
        .satisfies(e -> assertThat(reason(e)).isEqualTo("signing_key_revoked"));
  }

  /** A successor takes over, so the key that signed {@code token} may be revoked by kid. */
  private void retireTheKeyThatSigned(IssuedToken token) {
    SigningKey signer = kit.keyTable.find(token.record().kid()).orElseThrow();
    kit.keyTable.write(
        List.of(
            SigningKey.created(
                kit.kms.create(JWSAlgorithm.RS256, "test-creation"),
                KeyState.ACTIVE,
                kit.clock.instant())),
        List.of(signer.moveTo(KeyState.RETIRED, kit.clock.instant())));
  }

  /**
   * Revoking the ACTIVE key's tokens would leave the broker minting tokens every verifier refuses:
   * refused with a pointer to the compromise procedure, and nothing written; so is the PENDING
   * key's (there are none yet) may be revoked.
   */
  @Test
  void refusesToRevokeTheActiveKeyAndPointsAtTheCompromiseProcedure() {
    IssuedToken token = kit.issue(alice, "");
    SigningKey pending =
        SigningKey.created(
            kit.kms.create(JWSAlgorithm.RS256, "test-creation"),
            KeyState.PENDING,
            kit.clock.instant());
    kit.keyTable.create(pending);
    InMemoryRevocations.State before = kit.revocations.state();

    assertThatThrownBy(() -> operator.revokeKey(token.record().kid()))
        .isInstanceOfSatisfying(
            RequestRejected.class,
            e -> {
              assertThat(e.error()).isEqualTo(io.tokenbroker.errors.OAuthError.INVALID_REQUEST);
              assertThat(e.reason()).isEqualTo("key_active");
              assertThat(e.description()).contains("brokerctl keys compromise");
            });
    assertThat(kit.revocations.state()).isEqualTo(before);
    assertThat(kit.anyAudience.verify(token.accessToken())).isNotNull();

    // A PENDING key signs once rotation activates it: revoking it would make the broker mint
    // tokens every verifier refuses just the same.
    assertThatThrownBy(() -> operator.revokeKey(pending.kid()))
        .isInstanceOfSatisfying(
            RequestRejected.class,
            e -> {
              assertThat(e.reason()).isEqualTo("key_pending");
              assertThat(e.description()).contains("brokerctl keys compromise");
            });
    assertThat(kit.revocations.state()).isEqualTo(before);
  }

  @Test
  void revokesOneTokenByJtiForAnOperator() {
    IssuedToken token = kit.issue(alice, "");

    operator.revokeToken(token.record().jti());

    assertThatThrownBy(() -> kit.anyAudience.verify(token.accessToken()))
        .satisfies(e -> assertThat(reason(e)).isEqualTo("token_revoked"));
  }

  /** Found by RevocationHandlerFuzzTest#adminRevocation (input kid-not-a-kid). */
  @ParameterizedTest
  @CsvSource({
    "token, ''",
    "token, 257 characters",
    "client, ' alice'",
    "client, alice bob",
    "client, -alice",
    "client, 129 characters",
    "key, :KID",
    "key, a.b",
    "key, 129 characters",
  })
  void refusesAnOperatorRevocationOfWhatNoTokenCanCarryAndWritesNothing(String kind, String id) {
    String identifier =
        id.endsWith(" characters") ? "a".repeat(Integer.parseInt(id.split(" ")[0])) : id;
    InMemoryRevocations.State before = kit.revocations.state();

    assertThatThrownBy(
            () -> {
              switch (kind) {
                case "token" -> operator.revokeToken(identifier);
                case "client" -> operator.revokeClient(identifier);
                default -> operator.revokeKey(identifier);
              }
            })
        .isInstanceOfSatisfying(
            RequestRejected.class,
            e -> assertThat(e.error()).isEqualTo(io.tokenbroker.errors.OAuthError.INVALID_REQUEST));
    assertThat(kit.revocations.state()).isEqualTo(before);
  }

  @Test
  void acceptsOperatorIdentifiersUpToTheLongestATokenCarries() {
    operator.revokeToken("j".repeat(256));
    operator.revokeClient("c".repeat(128));
    operator.revokeKey("k".repeat(128));

    assertThat(kit.revocations.state().tokens()).containsExactly("j".repeat(256));
    assertThat(kit.revocations.state().watermarks()).containsKey("c".repeat(128));
    assertThat(kit.revocations.state().keys()).containsExactly("k".repeat(128));
  }

  /**
   * Each revocation lasts until no verifier accepts its tokens: exp plus the largest skew a
   * verifier may be configured with (not the broker's own), and a client's watermark until every
   * refresh family it covers has ended. Records of earlier revocations, expired but not yet
   * deleted, are extended rather than taken for the new revocation.
   */
  @Test
  void keepsEveryRevocationUntilNoVerifierAcceptsWhatItCoversEvenOverExpiredRecords() {
    IssuedToken token = kit.issue(alice, "");
    IssuedToken own = kit.issue(alice, "");
    String family = own.record().sessionId().orElseThrow();
    Instant expired = kit.clock.instant().minus(Duration.ofDays(2));
    kit.revocations.revokeToken(token.record().jti(), expired, "earlier");
    kit.revocations.revokeKey(token.record().kid(), expired, "earlier");
    kit.revocations.revokeFamily(family, expired, "earlier");
    kit.revocations.revokeClientTokensBefore("alice", expired.minusSeconds(60), expired);
    Instant familyEnd = kit.refreshTokens.family(family).orElseThrow().expiresAt();
    retireTheKeyThatSigned(token);

    operator.revokeToken(token.record().jti());
    revocation.revokeOwnToken(alice, own.refreshToken().orElseThrow(), kit.origin);
    operator.revokeKey(token.record().kid());
    Instant watermark = operator.revokeClient("alice");

    Duration skew = VerifierPolicy.MAX_CLOCK_SKEW;
    assertThat(kit.revocations.keptUntil("jti#" + token.record().jti()))
        .contains(token.record().expiresAt().plus(skew));
    assertThat(kit.revocations.keptUntil("family#" + family))
        .contains(familyEnd.plus(BrokerKit.MAX_LIFETIME).plus(skew));
    assertThat(kit.revocations.keptUntil("key#" + token.record().kid()))
        .contains(kit.clock.instant().plus(BrokerKit.MAX_LIFETIME).plus(skew));
    assertThat(kit.revocations.keptUntil("client#alice"))
        .hasValueSatisfying(
            until ->
                assertThat(until)
                    .isAfterOrEqualTo(
                        watermark.plus(RefreshPolicy.MAX_ABSOLUTE_LIFETIME).plus(skew)));
    assertThat(kit.revocations.clientWatermark("alice")).contains(watermark);
  }

  @Test
  void acknowledgesNothingWhenTheStoreFails() {
    IssuedToken token = kit.issue(alice, "");
    kit.revocations.failing(true);

    assertThatThrownBy(() -> revocation.revokeOwnToken(alice, token.accessToken(), kit.origin))
        .isInstanceOf(ServiceFailure.class);
    assertThatThrownBy(() -> operator.revokeClient("alice")).isInstanceOf(ServiceFailure.class);
  }
}
