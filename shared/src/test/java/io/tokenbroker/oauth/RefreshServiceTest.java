package io.tokenbroker.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.SignedJWT;
import io.tokenbroker.adapters.http.Form;
import io.tokenbroker.auth.AuthMethod;
import io.tokenbroker.auth.AuthenticatedClient;
import io.tokenbroker.clients.Client;
import io.tokenbroker.discovery.BrokerEndpoints;
import io.tokenbroker.errors.OAuthError;
import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.errors.ServiceFailure;
import io.tokenbroker.jose.Confirmation;
import io.tokenbroker.keys.KeyState;
import io.tokenbroker.keys.PublishedKeys;
import io.tokenbroker.keys.SigningKey;
import io.tokenbroker.refresh.RefreshFamily;
import io.tokenbroker.refresh.RefreshTokenRecord;
import io.tokenbroker.refresh.RefreshTokenStore;
import io.tokenbroker.refresh.RefreshTokens;
import io.tokenbroker.revocation.CachedRevocations;
import io.tokenbroker.testing.Clients;
import io.tokenbroker.testing.InMemoryClientRepository;
import io.tokenbroker.testing.InMemoryIssuanceRepository;
import io.tokenbroker.testing.InMemoryKeyRepository;
import io.tokenbroker.testing.InMemoryRefreshTokenStore;
import io.tokenbroker.testing.InMemoryRevocations;
import io.tokenbroker.testing.LocalKeys;
import io.tokenbroker.testing.MutableClock;
import io.tokenbroker.testing.RecordingTelemetry;
import io.tokenbroker.tokens.AccessTokenMinter;
import io.tokenbroker.tokens.Issuance;
import io.tokenbroker.tokens.IssuedToken;
import io.tokenbroker.tokens.RequestOrigin;
import io.tokenbroker.tokens.TokenRequest;
import io.tokenbroker.verify.AccessTokenVerifier;
import io.tokenbroker.verify.CachingKeyResolver;
import io.tokenbroker.verify.VerifierPolicy;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RefreshServiceTest {

  private static final String ISSUER = "https://broker.example.com";

  private final MutableClock clock = MutableClock.at("2026-11-28T12:00:00Z");
  private final InMemoryKeyRepository keyTable = new InMemoryKeyRepository();
  private final LocalKeys kms = new LocalKeys();
  private final InMemoryIssuanceRepository issuances = new InMemoryIssuanceRepository();
  private final InMemoryRevocations revocations = new InMemoryRevocations();
  private final InMemoryRefreshTokenStore store =
      new InMemoryRefreshTokenStore(issuances, revocations);
  private final RecordingTelemetry telemetry = new RecordingTelemetry();
  private final RequestOrigin origin = new RequestOrigin("203.0.113.5", "agent/1");
  private TokenService tokens;
  private AccessTokenMinter minter;
  private RefreshService refreshes;
  private AuthenticatedClient agent;
  private AuthenticatedClient other;

  @BeforeEach
  void setUp() {
    SigningKey key =
        SigningKey.created(
            kms.create(JWSAlgorithm.RS256, "test-creation"), KeyState.ACTIVE, clock.instant());
    keyTable.create(key);
    minter =
        new AccessTokenMinter(
            new PublishedKeys(keyTable, clock, Duration.ZERO),
            kms,
            new BrokerEndpoints(URI.create(ISSUER)),
            clock,
            new SecureRandom());
    tokens =
        new TokenService(
            minter,
            issuances,
            store,
            Duration.ofMinutes(15),
            Duration.ofDays(1),
            new SecureRandom(),
            telemetry);
    refreshes =
        new RefreshService(
            minter,
            store,
            revocations,
            Duration.ofMinutes(15),
            Duration.ofDays(1),
            clock,
            new SecureRandom(),
            telemetry);
    agent = caller(withRefresh("agent"));
    other = caller(withRefresh("other"));
  }

  static Client withRefresh(String id) {
    Map<String, Object> json = Clients.json(id);
    json.put("iam_roles", List.of("arn:aws:iam::123456789012:role/" + id));
    json.put(
        "refresh_tokens",
        Map.of("enabled", true, "absolute_lifetime_seconds", 86400, "idle_lifetime_seconds", 3600));
    return Clients.parse(json);
  }

  static AuthenticatedClient caller(Client client) {
    return new AuthenticatedClient(
        client, AuthMethod.AWS_IAM, "arn:aws:iam::123456789012:role/" + client.clientId());
  }

  private IssuedToken start(String form) {
    return tokens.issue(
        agent, TokenRequest.from(Form.parse("grant_type=client_credentials" + form)), origin);
  }

  private IssuedToken refresh(AuthenticatedClient who, String refreshToken, String extra) {
    return refreshes.refresh(
        who,
        TokenRequest.from(
            Form.parse("grant_type=refresh_token&refresh_token=" + refreshToken + extra)),
        origin);
  }

  private static String reason(Throwable e) {
    return ((RequestRejected) e).reason();
  }

  private static final Confirmation.DpopKey KEY = new Confirmation.DpopKey("A".repeat(43));
  private static final Confirmation.DpopKey OTHER_KEY =
      new Confirmation.DpopKey("B".repeat(42) + "A");

  private IssuedToken refreshWith(String refreshToken, Optional<Confirmation> proof) {
    return refreshes.refresh(
        agent,
        TokenRequest.from(Form.parse("grant_type=refresh_token&refresh_token=" + refreshToken)),
        origin,
        proof);
  }

  /**
   * RFC 9449 5 binds a public client's refresh token to its DPoP key; the broker's clients are
   * confidential, and it binds anyway: the family of a DPoP-bound start refreshes only with a proof
   * of that key, and a refused refresh spends nothing (the right key still works after).
   */
  @Test
  void aFamilyStartedWithADpopKeyRefreshesOnlyWithAProofOfThatKey() {
    IssuedToken first =
        tokens.issue(
            agent,
            TokenRequest.from(Form.parse("grant_type=client_credentials")),
            origin,
            Optional.of(KEY));
    String refreshToken = first.refreshToken().orElseThrow();

    assertThatThrownBy(() -> refreshWith(refreshToken, Optional.empty()))
        .isInstanceOfSatisfying(
            RequestRejected.class,
            e -> {
              assertThat(e.error()).isEqualTo(OAuthError.INVALID_DPOP_PROOF);
              assertThat(e.reason()).isEqualTo("dpop_proof_missing");
            });
    assertThatThrownBy(() -> refreshWith(refreshToken, Optional.of(OTHER_KEY)))
        .isInstanceOfSatisfying(
            RequestRejected.class, e -> assertThat(e.reason()).isEqualTo("dpop_key_mismatch"));
    IssuedToken refreshed = refreshWith(refreshToken, Optional.of(KEY));

    assertThat(refreshed.record().confirmation()).contains(KEY);
    assertThat(refreshed.tokenType()).isEqualTo("DPoP");
    assertThat(store.family(first.record().sessionId().orElseThrow()).orElseThrow().dpopKey())
        .contains(KEY);
  }

  @Test
  void aBearerFamilyRefreshedWithAProofBindsOnlyTheNewAccessToken() {
    IssuedToken first = start("");

    IssuedToken bound = refreshWith(first.refreshToken().orElseThrow(), Optional.of(KEY));
    IssuedToken bearer = refreshWith(bound.refreshToken().orElseThrow(), Optional.empty());

    assertThat(bound.tokenType()).isEqualTo("DPoP");
    assertThat(bearer.tokenType()).isEqualTo("Bearer");
    assertThat(bearer.record().confirmation()).isEmpty();
  }

  @Test
  void issuesARecognisableRefreshTokenAndTiesTheAccessTokenToItsFamily() throws Exception {
    IssuedToken first = start("&scope=orders:read+orders:write");

    String refreshToken = first.refreshToken().orElseThrow();
    assertThat(refreshToken).startsWith("tbr_").hasSize(4 + 43 + 8);
    assertThat(RefreshTokens.isWellFormed(refreshToken)).isTrue();
    String sid = SignedJWT.parse(first.accessToken()).getJWTClaimsSet().getStringClaim("sid");
    assertThat(sid).isNotBlank().isEqualTo(first.record().sessionId().orElseThrow());
    assertThat(store.find(RefreshTokens.hash(refreshToken))).isPresent();
    assertThat(store.find(refreshToken)).isEmpty(); // stored by hash only
  }

  /** RFC 8705 3: the refreshed access token is bound to the certificate of the refresh request. */
  @Test
  void bindsTheRefreshedAccessTokenToTheCertificateItIsGiven() throws Exception {
    IssuedToken first = start("&scope=orders:read");
    Confirmation.ClientCertificate certificate =
        new Confirmation.ClientCertificate("bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg0");

    IssuedToken bound =
        refreshes.refresh(
            agent,
            TokenRequest.from(
                Form.parse(
                    "grant_type=refresh_token&refresh_token="
                        + first.refreshToken().orElseThrow())),
            origin,
            Optional.of(certificate));

    assertThat(SignedJWT.parse(bound.accessToken()).getJWTClaimsSet().getJSONObjectClaim("cnf"))
        .isEqualTo(Map.of("x5t#S256", certificate.thumbprint()));
    assertThat(bound.record().confirmation()).contains(certificate);
  }

  @Test
  void issuesNoRefreshTokenToAClientWhosePolicyDoesNotAllowIt() {
    IssuedToken token =
        tokens.issue(
            caller(Clients.withRole("plain", "arn:aws:iam::123456789012:role/plain")),
            TokenRequest.from(Form.parse("grant_type=client_credentials")),
            origin);

    assertThat(token.refreshToken()).isEmpty();
    assertThat(token.record().sessionId()).isEmpty();
  }

  @Test
  void rotatesOnEveryUseAndNarrowsScopesOnRequest() throws Exception {
    IssuedToken first = start("&scope=orders:read+orders:write");
    clock.advance(Duration.ofMinutes(10));

    IssuedToken second = refresh(agent, first.refreshToken().orElseThrow(), "&scope=orders:read");
    IssuedToken third = refresh(agent, second.refreshToken().orElseThrow(), "");

    assertThat(second.refreshToken()).isNotEqualTo(first.refreshToken());
    assertThat(second.scope()).isEqualTo("orders:read");
    assertThat(third.scope()).isEqualTo("orders:read orders:write");
    assertThat(SignedJWT.parse(third.accessToken()).getJWTClaimsSet().getStringClaim("sid"))
        .isEqualTo(first.record().sessionId().orElseThrow());
    assertThat(issuances.find(third.record().jti())).isPresent();
  }

  @Test
  void refusesToWidenTheOriginalGrant() {
    IssuedToken first = start("&scope=orders:read");

    assertThatThrownBy(
            () -> refresh(agent, first.refreshToken().orElseThrow(), "&scope=orders:write"))
        .satisfies(e -> assertThat(reason(e)).isEqualTo("scope_not_allowed"));
  }

  @Test
  void revokesTheWholeFamilyWhenASpentTokenComesBack() {
    IssuedToken first = start("");
    IssuedToken second = refresh(agent, first.refreshToken().orElseThrow(), "");
    IssuedToken third = refresh(agent, second.refreshToken().orElseThrow(), "");
    String sid = first.record().sessionId().orElseThrow();

    assertThatThrownBy(() -> refresh(agent, first.refreshToken().orElseThrow(), ""))
        .satisfies(e -> assertThat(reason(e)).isEqualTo("refresh_token_reused"));

    // The newest refresh token dies with the family ...
    assertThatThrownBy(() -> refresh(agent, third.refreshToken().orElseThrow(), ""))
        .satisfies(e -> assertThat(reason(e)).isEqualTo("refresh_family_revoked"));
    // ... and so do the access tokens already issued from it, at every verifier.
    assertThat(revocations.familyRevoked(sid)).isTrue();
    AccessTokenVerifier verifier =
        new AccessTokenVerifier(
            VerifierPolicy.anyAudience(
                ISSUER, Set.of(JWSAlgorithm.RS256), Duration.ofSeconds(60), Duration.ofHours(1)),
            new CachingKeyResolver(
                () -> keyTable.findAll().stream().map(SigningKey::publicJwk).toList(),
                clock,
                Duration.ofMinutes(5),
                Duration.ofSeconds(30)),
            new CachedRevocations(revocations, clock, Duration.ZERO, 10),
            clock);
    for (IssuedToken issued : List.of(first, second, third)) {
      assertThatThrownBy(() -> verifier.verify(issued.accessToken()))
          .satisfies(e -> assertThat(reason(e)).isEqualTo("refresh_family_revoked"));
    }
    assertThat(telemetry.named("refresh.family_revoked").getFirst().fields())
        .containsEntry("reason", "refresh_token_reused")
        .containsEntry("sid", sid)
        .doesNotContainValue(first.refreshToken().orElseThrow());
  }

  @Test
  void letsExactlyOneOfTwoConcurrentRefreshesWin() throws Exception {
    IssuedToken first = start("");
    String token = first.refreshToken().orElseThrow();
    CountDownLatch go = new CountDownLatch(1);
    Callable<Object> attempt =
        () -> {
          go.await();
          try {
            return refresh(agent, token, "");
          } catch (RequestRejected e) {
            return e.reason();
          }
        };
    ExecutorService pool = Executors.newFixedThreadPool(2);
    Future<Object> a = pool.submit(attempt);
    Future<Object> b = pool.submit(attempt);
    go.countDown();
    List<Object> outcomes = List.of(a.get(), b.get());
    pool.shutdown();

    assertThat(outcomes).filteredOn(o -> o instanceof IssuedToken).hasSize(1);
    assertThat(outcomes).contains("refresh_token_reused");
    // The loser's use counts as reuse: the family, the winner's new token included, is revoked.
    assertThat(revocations.familyRevoked(first.record().sessionId().orElseThrow())).isTrue();
  }

  @Test
  void revokesTheFamilyWhenAnotherClientPresentsTheToken() {
    IssuedToken first = start("");

    assertThatThrownBy(() -> refresh(other, first.refreshToken().orElseThrow(), ""))
        .satisfies(e -> assertThat(reason(e)).isEqualTo("refresh_token_other_client"));
    assertThat(revocations.familyRevoked(first.record().sessionId().orElseThrow())).isTrue();
  }

  /**
   * Issue 16: a decoy presented by another client costs the same family-revocation write as a live
   * token presented by another client, so its answer time does not tell it apart; the write keeps
   * the honeytoken mark.
   */
  @Test
  void aDecoyPresentedByAnotherClientCostsTheSameWriteAsALiveTokenAndStaysAHoneytoken() {
    InMemoryClientRepository clients = new InMemoryClientRepository();
    Map<String, Object> json = Clients.json("decoy");
    json.put("iam_roles", List.of("arn:aws:iam::123456789012:role/decoy"));
    json.put("decoy", true);
    clients.add(Clients.parse(json));
    HoneytokenMinter.Minted decoy =
        new HoneytokenMinter(
                clients,
                minter,
                issuances,
                store,
                revocations,
                Duration.ofMinutes(15),
                Duration.ofDays(1),
                new SecureRandom())
            .mint(
                "decoy",
                HoneytokenMinter.Kind.REFRESH,
                Duration.ofDays(30),
                "arn:aws:sts::123456789012:assumed-role/ops/s1",
                origin);
    String live = start("").refreshToken().orElseThrow();

    int before = revocations.writes();
    assertThatThrownBy(() -> refresh(other, live, ""))
        .satisfies(e -> assertThat(reason(e)).isEqualTo("refresh_token_other_client"));
    int liveWrites = revocations.writes() - before;
    before = revocations.writes();
    assertThatThrownBy(() -> refresh(other, decoy.refreshToken().orElseThrow(), ""))
        .isInstanceOfSatisfying(
            RequestRejected.class,
            e -> {
              assertThat(e.reason()).isEqualTo("honeytoken_used");
              assertThat(e.description()).isEqualTo("the refresh token is not valid");
            });
    int decoyWrites = revocations.writes() - before;

    assertThat(liveWrites).isEqualTo(1);
    assertThat(decoyWrites).isEqualTo(liveWrites);
    assertThat(revocations.familyStatus("decoy", decoy.familyId().orElseThrow()).honeytoken())
        .isTrue();
    // and it still alerts the next time
    assertThatThrownBy(() -> refresh(other, decoy.refreshToken().orElseThrow(), ""))
        .satisfies(e -> assertThat(reason(e)).isEqualTo("honeytoken_used"));
  }

  /**
   * A thief that holds a DPoP-bound family's refresh token but not its key must not be able to get
   * the family revoked: the key is checked before the other-client rule, and nothing is revoked.
   */
  @Test
  void anotherClientWithoutTheFamilysDpopKeyRevokesNothing() {
    IssuedToken first =
        tokens.issue(
            agent,
            TokenRequest.from(Form.parse("grant_type=client_credentials")),
            origin,
            Optional.of(KEY));
    String refreshToken = first.refreshToken().orElseThrow();
    TokenRequest request =
        TokenRequest.from(Form.parse("grant_type=refresh_token&refresh_token=" + refreshToken));

    for (Optional<Confirmation> proof :
        List.<Optional<Confirmation>>of(Optional.empty(), Optional.of(OTHER_KEY))) {
      assertThatThrownBy(() -> refreshes.refresh(other, request, origin, proof))
          .isInstanceOfSatisfying(
              RequestRejected.class,
              e -> assertThat(e.error()).isEqualTo(OAuthError.INVALID_DPOP_PROOF));
    }
    assertThat(revocations.familyRevoked(first.record().sessionId().orElseThrow())).isFalse();
    assertThatThrownBy(() -> refreshes.refresh(other, request, origin, Optional.of(KEY)))
        .satisfies(e -> assertThat(reason(e)).isEqualTo("refresh_token_other_client"));
    assertThat(revocations.familyRevoked(first.record().sessionId().orElseThrow())).isTrue();
  }

  @Test
  void expiresAfterTheIdleAndTheAbsoluteLifetime() {
    IssuedToken first = start("");
    clock.advance(Duration.ofMinutes(61));
    assertThatThrownBy(() -> refresh(agent, first.refreshToken().orElseThrow(), ""))
        .satisfies(e -> assertThat(reason(e)).isEqualTo("refresh_token_expired"));

    IssuedToken again = start("");
    String token = again.refreshToken().orElseThrow();
    for (int i = 0; i < 24; i++) {
      clock.advance(Duration.ofMinutes(59));
      token = refresh(agent, token, "").refreshToken().orElseThrow();
    }
    clock.advance(Duration.ofMinutes(59));
    String last = token;
    assertThatThrownBy(() -> refresh(agent, last, ""))
        .satisfies(e -> assertThat(reason(e)).isEqualTo("refresh_token_expired"));
  }

  @Test
  void refusesMalformedAndUnknownTokensWithoutSideEffects() {
    start("");
    String forged = "tbr_" + "A".repeat(43) + "00000000";

    assertThatThrownBy(() -> refresh(agent, "not-a-refresh-token", ""))
        .satisfies(e -> assertThat(reason(e)).isEqualTo("refresh_token_malformed"));
    assertThatThrownBy(() -> refresh(agent, forged, ""))
        .satisfies(e -> assertThat(reason(e)).isEqualTo("refresh_token_malformed"));
    String unknown = RefreshTokens.generate(new SecureRandom());
    assertThatThrownBy(() -> refresh(agent, unknown, ""))
        .satisfies(e -> assertThat(reason(e)).isEqualTo("refresh_token_unknown"));
  }

  @Test
  void refusesAFamilyStartedBeforeItsClientsTokensWereRevoked() {
    IssuedToken first = start("");
    clock.advance(Duration.ofSeconds(5));
    revocations.revokeClientTokensBefore(
        "agent", clock.instant(), clock.instant().plusSeconds(3600));

    assertThatThrownBy(() -> refresh(agent, first.refreshToken().orElseThrow(), ""))
        .satisfies(e -> assertThat(reason(e)).isEqualTo("client_tokens_revoked"));
  }

  /**
   * The revocations table is the one source of truth: a family revoked only there (an operator's
   * revocation by sid, another instance's reuse detection) is refused, and so is every family of a
   * client revoked by watermark.
   */
  @Test
  void refusesAFamilyRevokedOnlyInTheRevocationsTable() {
    IssuedToken first = start("");
    String refreshToken = first.refreshToken().orElseThrow();
    revocations.revokeFamily(
        first.record().sessionId().orElseThrow(), clock.instant().plusSeconds(90_000), "test");

    assertThatThrownBy(() -> refresh(agent, refreshToken, ""))
        .satisfies(e -> assertThat(reason(e)).isEqualTo("refresh_family_revoked"));
    assertThat(store.find(RefreshTokens.hash(refreshToken)).orElseThrow().used()).isFalse();
    assertThat(issuances.all()).hasSize(1);
  }

  /** A revocation that lands between refresh's read and its rotation stops the rotation. */
  @Test
  void refusesARotationWhoseFamilyIsRevokedAfterItWasReadWithoutCallingItReuse() {
    IssuedToken first = start("");
    clock.advance(Duration.ofSeconds(5));
    RefreshTokenStore revokedMidway =
        new RefreshTokenStore() {
          @Override
          public void startFamily(
              RefreshFamily family, RefreshTokenRecord first, Issuance accessToken) {
            store.startFamily(family, first, accessToken);
          }

          @Override
          public Optional<RefreshTokenRecord> find(String hash) {
            return store.find(hash);
          }

          @Override
          public Optional<RefreshFamily> family(String familyId) {
            return store.family(familyId);
          }

          @Override
          public void rotate(
              RefreshFamily family,
              RefreshTokenRecord used,
              RefreshTokenRecord next,
              Issuance accessToken) {
            revocations.revokeClientTokensBefore(
                "agent", clock.instant(), clock.instant().plusSeconds(3600));
            store.rotate(family, used, next, accessToken);
          }
        };
    RefreshService racing =
        new RefreshService(
            minter,
            revokedMidway,
            revocations,
            Duration.ofMinutes(15),
            Duration.ofDays(1),
            clock,
            new SecureRandom(),
            telemetry);
    String refreshToken = first.refreshToken().orElseThrow();

    assertThatThrownBy(
            () ->
                racing.refresh(
                    agent,
                    TokenRequest.from(
                        Form.parse("grant_type=refresh_token&refresh_token=" + refreshToken)),
                    origin))
        .satisfies(e -> assertThat(reason(e)).isEqualTo("refresh_family_revoked"));
    assertThat(store.find(RefreshTokens.hash(refreshToken)).orElseThrow().used()).isFalse();
    assertThat(telemetry.named("refresh.family_revoked")).isEmpty();
  }

  @Test
  void leavesTheTokenUsableWhenTheStoreFailsDuringRotation() {
    IssuedToken first = start("");
    store.failing(true);

    assertThatThrownBy(() -> refresh(agent, first.refreshToken().orElseThrow(), ""))
        .isInstanceOf(ServiceFailure.class);

    store.failing(false);
    assertThat(refresh(agent, first.refreshToken().orElseThrow(), "").refreshToken()).isPresent();
  }

  @Test
  void neverLogsARefreshToken() {
    IssuedToken first = start("");
    refresh(agent, first.refreshToken().orElseThrow(), "");

    assertThat(telemetry.everything()).doesNotContain("tbr_").doesNotContain(first.accessToken());
  }
}
