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
import io.tokenbroker.jose.Confirmation;
import io.tokenbroker.keys.KeySigner;
import io.tokenbroker.keys.KeyState;
import io.tokenbroker.keys.PublishedKeys;
import io.tokenbroker.keys.SigningKey;
import io.tokenbroker.telemetry.TelemetryEvent;
import io.tokenbroker.testing.Clients;
import io.tokenbroker.testing.InMemoryIssuanceRepository;
import io.tokenbroker.testing.InMemoryKeyRepository;
import io.tokenbroker.testing.InMemoryRefreshTokenStore;
import io.tokenbroker.testing.InMemoryRevocations;
import io.tokenbroker.testing.LocalKeys;
import io.tokenbroker.testing.MutableClock;
import io.tokenbroker.testing.RecordingTelemetry;
import io.tokenbroker.tokens.AccessTokenMinter;
import io.tokenbroker.tokens.IssuedToken;
import io.tokenbroker.tokens.RequestOrigin;
import io.tokenbroker.tokens.TokenRequest;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Token reuse (TOKEN_REUSE_SECONDS) in the token service, on in-memory ports with real crypto: what
 * is reused, what never is, and what makes a reuse fall back to a new token.
 */
class TokenReuseTest {

  private static final Duration WINDOW = Duration.ofSeconds(60);
  private static final String ROLE = "arn:aws:iam::123456789012:role/ci";

  private final MutableClock clock = MutableClock.at("2026-11-28T12:00:00Z");
  private final InMemoryKeyRepository keyTable = new InMemoryKeyRepository();
  private final LocalKeys kms = new LocalKeys();
  private final AtomicInteger signatures = new AtomicInteger();
  private final KeySigner countingSigner =
      (key, input) -> {
        signatures.incrementAndGet();
        return kms.sign(key, input);
      };
  private final InMemoryIssuanceRepository issuances = new InMemoryIssuanceRepository();
  private final InMemoryRevocations revocations = new InMemoryRevocations();
  private final RecordingTelemetry telemetry = new RecordingTelemetry();
  private final Client client = Clients.withRole("ci", ROLE);
  private final AuthenticatedClient caller =
      new AuthenticatedClient(client, AuthMethod.AWS_IAM, ROLE);
  private final RequestOrigin origin = new RequestOrigin("203.0.113.9", "sdk/1.0");
  private SigningKey active;
  private TokenService service;

  @BeforeEach
  void setUp() {
    active = addKey(KeyState.ACTIVE);
    service = service(Optional.of(reuse(WINDOW)));
  }

  private SigningKey addKey(KeyState state) {
    SigningKey key =
        SigningKey.created(kms.create(JWSAlgorithm.ES256, "creation"), state, clock.instant());
    keyTable.create(key);
    return key;
  }

  private AccessTokenMinter minter() {
    // maxAge zero: every mint reads the key table, so a withdrawn key is seen at once.
    return new AccessTokenMinter(
        new PublishedKeys(keyTable, clock, Duration.ZERO),
        countingSigner,
        new BrokerEndpoints(URI.create("https://broker.example.com/prod")),
        clock,
        new SecureRandom());
  }

  private TokenReuse reuse(Duration window) {
    return new TokenReuse(window, minter()::signingKid, revocations, issuances, clock, telemetry);
  }

  private TokenService service(Optional<TokenReuse> reuse) {
    return new TokenService(
        minter(),
        issuances,
        new InMemoryRefreshTokenStore(issuances, revocations),
        Duration.ofMinutes(15),
        Duration.ofDays(90),
        new SecureRandom(),
        telemetry,
        reuse);
  }

  private IssuedToken issue(String form) {
    return issue(caller, form, origin, Optional.empty());
  }

  private IssuedToken issue(
      AuthenticatedClient who, String form, RequestOrigin from, Optional<Confirmation> binding) {
    return service.issue(who, TokenRequest.from(Form.parse(form)), from, binding);
  }

  @Test
  void anIdenticalRequestWithinTheWindowGetsTheSameTokenWithoutANewSignature() throws Exception {
    IssuedToken first = issue("grant_type=client_credentials&scope=orders:read");
    clock.advance(Duration.ofSeconds(10));

    IssuedToken second = issue("grant_type=client_credentials&scope=orders:read");

    assertThat(second.accessToken()).isEqualTo(first.accessToken());
    assertThat(signatures).hasValue(1);
    assertThat(issuances.all()).hasSize(1);
    assertThat(issuances.deliveries(first.record().jti())).isEqualTo(2);
    // what is left of its lifetime, not the original
    assertThat(first.expiresInSeconds()).isEqualTo(300);
    assertThat(second.expiresInSeconds()).isEqualTo(290);
    assertThat(second.reusedAt()).contains(clock.instant());
    assertThat(SignedJWT.parse(second.accessToken()).getJWTClaimsSet().getExpirationTime())
        .isEqualTo(java.util.Date.from(first.record().expiresAt()));
    List<TelemetryEvent> lines = telemetry.named("token.issued");
    assertThat(lines).extracting(e -> e.fields().get("reused")).containsExactly(false, true);
    assertThat(lines.get(1).fields().get("jti")).isEqualTo(first.record().jti());
    assertThat(telemetry.everything()).doesNotContain(first.accessToken());
  }

  @Test
  void aNewTokenOnceTheWindowHasPassed() {
    IssuedToken first = issue("grant_type=client_credentials");
    clock.advance(WINDOW);
    assertThat(issue("grant_type=client_credentials").accessToken()).isEqualTo(first.accessToken());

    clock.advance(Duration.ofSeconds(1));
    IssuedToken later = issue("grant_type=client_credentials");

    assertThat(later.accessToken()).isNotEqualTo(first.accessToken());
    assertThat(later.expiresInSeconds()).isEqualTo(300);
    assertThat(signatures).hasValue(2);
  }

  @Test
  void theWindowIsAtMostAQuarterOfTheTokensOwnLifetime() {
    service = service(Optional.of(reuse(Duration.ofMinutes(5))));
    IssuedToken first = issue("grant_type=client_credentials&expires_in=120");
    clock.advance(Duration.ofSeconds(30));
    assertThat(issue("grant_type=client_credentials&expires_in=120").accessToken())
        .isEqualTo(first.accessToken());

    clock.advance(Duration.ofSeconds(1));

    assertThat(issue("grant_type=client_credentials&expires_in=120").accessToken())
        .isNotEqualTo(first.accessToken());
  }

  @Test
  void aRevokedTokenIsNotHandedOutAgain() {
    IssuedToken first = issue("grant_type=client_credentials");
    revocations.revokeToken(first.record().jti(), first.record().expiresAt(), "test");

    IssuedToken next = issue("grant_type=client_credentials");

    assertThat(next.accessToken()).isNotEqualTo(first.accessToken());
    assertThat(issuances.deliveries(first.record().jti())).isEqualTo(1);
    // and the new token is reused from now on
    assertThat(issue("grant_type=client_credentials").accessToken()).isEqualTo(next.accessToken());
  }

  @Test
  void aContainedClientsEarlierTokenIsNotHandedOutAgain() {
    IssuedToken first = issue("grant_type=client_credentials");
    clock.advance(Duration.ofSeconds(5));
    revocations.revokeClientTokensBefore("ci", clock.instant(), clock.instant().plusSeconds(900));

    assertThat(issue("grant_type=client_credentials").accessToken())
        .isNotEqualTo(first.accessToken());
  }

  @Test
  void aTokenOfARevokedKeyIsNotHandedOutAgain() {
    IssuedToken first = issue("grant_type=client_credentials");
    revocations.revokeKey(active.kid(), clock.instant().plusSeconds(900), "test");

    assertThat(issue("grant_type=client_credentials").accessToken())
        .isNotEqualTo(first.accessToken());
  }

  @Test
  void aTokenOfAKeyNoLongerActiveIsNotHandedOutAgain() throws Exception {
    IssuedToken first = issue("grant_type=client_credentials");
    clock.advance(Duration.ofSeconds(2));
    SigningKey successor = addKey(KeyState.ACTIVE);
    keyTable.update(active.moveTo(KeyState.RETIRED, clock.instant()));

    IssuedToken next = issue("grant_type=client_credentials");

    assertThat(next.accessToken()).isNotEqualTo(first.accessToken());
    assertThat(SignedJWT.parse(next.accessToken()).getHeader().getKeyID())
        .isEqualTo(successor.kid());
  }

  private static final String BASE =
      "grant_type=client_credentials&audience=https%3A%2F%2Forders.example.com";

  static Stream<Arguments> differentRequests() {
    AuthenticatedClient otherRole =
        new AuthenticatedClient(
            Clients.withRole("ci", "arn:aws:iam::123456789012:role/other"),
            AuthMethod.AWS_IAM,
            "arn:aws:iam::123456789012:role/other");
    AuthenticatedClient byKey =
        new AuthenticatedClient(
            Clients.withRole("ci", ROLE), AuthMethod.PRIVATE_KEY_JWT, "jwk:abc");
    AuthenticatedClient changedPolicy =
        new AuthenticatedClient(
            Clients.withRole("ci", ROLE).atVersion(7), AuthMethod.AWS_IAM, ROLE);
    RequestOrigin same = new RequestOrigin("203.0.113.9", "sdk/1.0");
    String base = BASE;
    return Stream.of(
        Arguments.of("scope", null, base + "&scope=orders:write", same),
        Arguments.of("scope set", null, base + "&scope=orders:read+orders:write", same),
        Arguments.of("lifetime", null, base + "&expires_in=200", same),
        Arguments.of(
            "audience",
            null,
            "grant_type=client_credentials&audience=https%3A%2F%2Fbilling.example.com",
            same),
        Arguments.of("IAM principal", otherRole, base, same),
        Arguments.of("authentication path", byKey, base, same),
        Arguments.of("client registration changed", changedPolicy, base, same),
        Arguments.of("source address", null, base, new RequestOrigin("198.51.100.1", "sdk/1.0")),
        Arguments.of("user agent", null, base, new RequestOrigin("203.0.113.9", "sdk/2.0")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("differentRequests")
  void aRequestThatDiffersGetsItsOwnToken(
      String difference, AuthenticatedClient who, String form, RequestOrigin from) {
    AuthenticatedClient asker = who == null ? callerForAllAudiences() : who;
    IssuedToken first = issue(callerForAllAudiences(), BASE, origin, Optional.empty());

    IssuedToken other = issue(asker, form, from, Optional.empty());

    assertThat(other.accessToken()).as(difference).isNotEqualTo(first.accessToken());
    assertThat(signatures).hasValue(2);
  }

  /** The caller, its client allowed a second audience (for the audience row). */
  private static AuthenticatedClient callerForAllAudiences() {
    Map<String, Object> json = Clients.json("ci");
    json.put("iam_roles", List.of(ROLE));
    json.put("audiences", List.of("https://orders.example.com", "https://billing.example.com"));
    return new AuthenticatedClient(Clients.parse(json), AuthMethod.AWS_IAM, ROLE);
  }

  @Test
  void senderConstrainedTokensAreNeverReused() {
    Optional<Confirmation> dpop =
        Optional.of(new Confirmation.DpopKey("0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"));
    Optional<Confirmation> mtls =
        Optional.of(
            new Confirmation.ClientCertificate("bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg0"));

    for (Optional<Confirmation> binding : List.of(dpop, mtls)) {
      IssuedToken first = issue(caller, "grant_type=client_credentials", origin, binding);
      IssuedToken second = issue(caller, "grant_type=client_credentials", origin, binding);
      assertThat(second.accessToken()).isNotEqualTo(first.accessToken());
    }
    assertThat(signatures).hasValue(4);
  }

  @Test
  void aClientWithRefreshTokensNeverGetsATokenAgain() {
    Map<String, Object> json = Clients.json("refreshing");
    json.put("iam_roles", List.of(ROLE));
    json.put("refresh_tokens", Map.of("enabled", true));
    AuthenticatedClient refreshing =
        new AuthenticatedClient(Clients.parse(json), AuthMethod.AWS_IAM, ROLE);

    IssuedToken first =
        issue(refreshing, "grant_type=client_credentials", origin, Optional.empty());
    IssuedToken second =
        issue(refreshing, "grant_type=client_credentials", origin, Optional.empty());

    assertThat(first.refreshToken()).isPresent();
    assertThat(second.accessToken()).isNotEqualTo(first.accessToken());
    assertThat(second.refreshToken()).isNotEqualTo(first.refreshToken());
  }

  @Test
  void anExchangeIsNeverServedATokenAgain() {
    for (int i = 0; i < 2; i++) {
      issue("grant_type=client_credentials");
    }
    io.tokenbroker.tokens.ExchangedFrom from =
        new io.tokenbroker.tokens.ExchangedFrom(
            Optional.empty(), Optional.of("parent-jti"), Optional.empty());
    TokenRequest request = TokenRequest.from(Form.parse("grant_type=client_credentials"));

    List<String> exchanged = new java.util.ArrayList<>();
    for (int i = 0; i < 2; i++) {
      exchanged.add(
          service
              .issueExchanged(
                  caller,
                  request,
                  origin,
                  Optional.empty(),
                  io.tokenbroker.tokens.GrantLimits.NONE,
                  from,
                  io.tokenbroker.federation.FederatedAuthentication.SingleUse.NONE)
              .accessToken());
    }

    assertThat(exchanged.get(1)).isNotEqualTo(exchanged.get(0));
    assertThat(signatures).hasValue(3); // one client_credentials token, reused once; two exchanges
  }

  @Test
  void onlyPrivateKeyJwtAndIamCallersAreReused() {
    for (AuthMethod method :
        List.of(
            AuthMethod.TLS_CLIENT_AUTH,
            AuthMethod.SELF_SIGNED_TLS_CLIENT_AUTH,
            AuthMethod.FEDERATED)) {
      AuthenticatedClient other = new AuthenticatedClient(client, method, "x");
      IssuedToken first = issue(other, "grant_type=client_credentials", origin, Optional.empty());
      IssuedToken second = issue(other, "grant_type=client_credentials", origin, Optional.empty());
      assertThat(second.accessToken()).as(method.name()).isNotEqualTo(first.accessToken());
    }
  }

  @Test
  void aFailedRevocationReadMeansANewToken() {
    IssuedToken first = issue("grant_type=client_credentials");
    revocations.failing(true);

    IssuedToken next = issue("grant_type=client_credentials");

    assertThat(next.accessToken()).isNotEqualTo(first.accessToken());
    assertThat(issuances.deliveries(first.record().jti())).isEqualTo(1);
    assertThat(telemetry.named("token.reuse_skipped")).hasSize(1);
  }

  @Test
  void aFailedDeliveryWriteMeansANewToken() {
    IssuedToken first = issue("grant_type=client_credentials");
    issuances.failingDeliveries(true);

    IssuedToken next = issue("grant_type=client_credentials");

    assertThat(next.accessToken()).isNotEqualTo(first.accessToken());
    assertThat(issuances.deliveries(first.record().jti())).isEqualTo(1);
    assertThat(issuances.find(next.record().jti())).isPresent();
  }

  @Test
  void withoutReuseEveryRequestGetsANewToken() {
    service = service(Optional.empty());

    IssuedToken first = issue("grant_type=client_credentials");
    IssuedToken second = issue("grant_type=client_credentials");

    assertThat(second.accessToken()).isNotEqualTo(first.accessToken());
    assertThat(signatures).hasValue(2);
  }

  @Test
  void holdsAtMostItsCapacityDroppingTheLeastRecentlyUsed() {
    IssuedToken eldest = issue("grant_type=client_credentials");
    for (int i = 0; i < TokenReuse.CAPACITY; i++) {
      issue(
          caller,
          "grant_type=client_credentials",
          new RequestOrigin("ip-" + i, ""),
          Optional.empty());
    }

    assertThat(issue("grant_type=client_credentials").accessToken())
        .isNotEqualTo(eldest.accessToken());
  }

  @Test
  void refusesAWindowThatIsNotPositive() {
    assertThatThrownBy(() -> reuse(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
  }
}
