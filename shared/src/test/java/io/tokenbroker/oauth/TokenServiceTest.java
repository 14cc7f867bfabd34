package io.tokenbroker.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jwk.AsymmetricJWK;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.tokenbroker.adapters.http.Form;
import io.tokenbroker.auth.AuthMethod;
import io.tokenbroker.auth.AuthenticatedClient;
import io.tokenbroker.clients.Client;
import io.tokenbroker.discovery.BrokerEndpoints;
import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.errors.ServiceFailure;
import io.tokenbroker.keys.KeyState;
import io.tokenbroker.keys.PublishedKeys;
import io.tokenbroker.keys.SigningKey;
import io.tokenbroker.testing.Clients;
import io.tokenbroker.testing.InMemoryIssuanceRepository;
import io.tokenbroker.testing.InMemoryKeyRepository;
import io.tokenbroker.testing.LocalKeys;
import io.tokenbroker.testing.MutableClock;
import io.tokenbroker.testing.RecordingTelemetry;
import io.tokenbroker.tokens.AccessTokenMinter;
import io.tokenbroker.tokens.Issuance;
import io.tokenbroker.tokens.IssuedToken;
import io.tokenbroker.tokens.RequestOrigin;
import io.tokenbroker.tokens.TokenDigest;
import io.tokenbroker.tokens.TokenRequest;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TokenServiceTest {

  private static final String ISSUER = "https://broker.example.com/prod";

  private final MutableClock clock = MutableClock.at("2026-11-28T12:00:00Z");
  private final InMemoryKeyRepository keyTable = new InMemoryKeyRepository();
  private final LocalKeys kms = new LocalKeys();
  private final InMemoryIssuanceRepository issuances = new InMemoryIssuanceRepository();
  private final RecordingTelemetry telemetry = new RecordingTelemetry();
  private final Client client = Clients.withRole("ci", "arn:aws:iam::123456789012:role/ci");
  private final AuthenticatedClient caller =
      new AuthenticatedClient(client, AuthMethod.AWS_IAM, "arn:aws:iam::123456789012:role/ci");
  private final RequestOrigin origin = new RequestOrigin("203.0.113.9", "sdk/1.0");

  private SigningKey addKey(JWSAlgorithm alg, KeyState state) {
    SigningKey key = SigningKey.created(kms.create(alg, "test-creation"), state, clock.instant());
    keyTable.create(key);
    return key;
  }

  private TokenService service() {
    return new TokenService(
        new AccessTokenMinter(
            new PublishedKeys(keyTable, clock, Duration.ZERO),
            kms,
            new BrokerEndpoints(URI.create(ISSUER)),
            clock,
            new SecureRandom()),
        issuances,
        new io.tokenbroker.testing.InMemoryRefreshTokenStore(
            issuances, new io.tokenbroker.testing.InMemoryRevocations()),
        Duration.ofMinutes(15),
        Duration.ofDays(90),
        new SecureRandom(),
        telemetry);
  }

  private IssuedToken issue(String form) {
    return service().issue(caller, TokenRequest.from(Form.parse(form)), origin);
  }

  @ParameterizedTest
  @ValueSource(strings = {"RS256", "ES256"})
  void signsAnRfc9068TokenWithTheActiveKey(String alg) throws Exception {
    addKey(JWSAlgorithm.parse(alg), KeyState.RETIRED);
    SigningKey active = addKey(JWSAlgorithm.parse(alg), KeyState.ACTIVE);
    addKey(JWSAlgorithm.parse(alg), KeyState.PENDING);

    IssuedToken token =
        issue("grant_type=client_credentials&scope=orders:write+orders:read&expires_in=120");

    SignedJWT jwt = SignedJWT.parse(token.accessToken());
    assertThat(jwt.getHeader().getAlgorithm().getName()).isEqualTo(alg);
    assertThat(jwt.getHeader().getType().getType()).isEqualTo("at+jwt");
    assertThat(jwt.getHeader().getKeyID()).isEqualTo(active.kid());
    assertThat(
            jwt.verify(
                new DefaultJWSVerifierFactory()
                    .createJWSVerifier(
                        jwt.getHeader(), ((AsymmetricJWK) active.publicJwk()).toPublicKey())))
        .isTrue();
    JWTClaimsSet claims = jwt.getJWTClaimsSet();
    assertThat(claims.getClaims().keySet())
        .containsExactlyInAnyOrder(
            "iss", "sub", "aud", "client_id", "scope", "iat", "nbf", "exp", "jti");
    assertThat(claims.getIssuer()).isEqualTo(ISSUER);
    assertThat(claims.getSubject()).isEqualTo("ci");
    assertThat(claims.getStringClaim("client_id")).isEqualTo("ci");
    assertThat(claims.getStringClaim("scope")).isEqualTo("orders:read orders:write");
    assertThat(claims.getAudience()).containsExactly("https://orders.example.com");
    assertThat(claims.getIssueTime().toInstant()).isEqualTo(clock.instant());
    assertThat(claims.getExpirationTime().toInstant()).isEqualTo(clock.instant().plusSeconds(120));
    assertThat(claims.getJWTID()).matches("[A-Za-z0-9_-]{22}");
    assertThat(token.expiresInSeconds()).isEqualTo(120);
  }

  @Test
  void recordsTheIssuanceWithTheTokensHashBeforeReturningIt() {
    SigningKey active = addKey(JWSAlgorithm.RS256, KeyState.ACTIVE);

    IssuedToken token = issue("grant_type=client_credentials");

    Issuance record = issuances.find(token.record().jti()).orElseThrow();
    assertThat(record.tokenSha256()).isEqualTo(TokenDigest.sha256(token.accessToken()));
    assertThat(record.clientId()).isEqualTo("ci");
    assertThat(record.kid()).isEqualTo(active.kid());
    assertThat(record.authMethod()).isEqualTo(AuthMethod.AWS_IAM);
    assertThat(record.callerIdentity()).isEqualTo("arn:aws:iam::123456789012:role/ci");
    assertThat(record.sourceIp()).isEqualTo("203.0.113.9");
    assertThat(record.userAgent()).isEqualTo("sdk/1.0");
    assertThat(record.scopes()).containsExactly("orders:read");
    assertThat(record.retainUntil()).isEqualTo(record.expiresAt().plus(Duration.ofDays(90)));
  }

  @Test
  void returnsNoTokenWhenTheRecordCannotBeWritten() {
    addKey(JWSAlgorithm.RS256, KeyState.ACTIVE);
    issuances.failing(true);

    assertThatThrownBy(() -> issue("grant_type=client_credentials"))
        .isInstanceOf(ServiceFailure.class)
        .satisfies(e -> assertThat(((ServiceFailure) e).retryable()).isTrue());
    assertThat(telemetry.named("token.issued")).isEmpty();
  }

  @Test
  void failsRetryablyWithoutAnActiveKey() {
    addKey(JWSAlgorithm.RS256, KeyState.PENDING);

    assertThatThrownBy(() -> issue("grant_type=client_credentials"))
        .isInstanceOf(ServiceFailure.class)
        .satisfies(e -> assertThat(((ServiceFailure) e).retryable()).isTrue());
    assertThat(issuances.all()).isEmpty();
  }

  @Test
  void givesEveryTokenAnotherJti() {
    addKey(JWSAlgorithm.ES256, KeyState.ACTIVE);
    Set<String> jtis = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      jtis.add(issue("grant_type=client_credentials").record().jti());
    }
    assertThat(jtis).hasSize(200);
  }

  @Test
  void refusesATokenTooLargeForKmsToSign() {
    addKey(JWSAlgorithm.RS256, KeyState.ACTIVE);
    var json = Clients.json("big");
    List<String> scopes = new java.util.ArrayList<>();
    for (int i = 0; i < 60; i++) {
      scopes.add("scope-" + i + "-" + "x".repeat(80));
    }
    json.put("scopes", scopes);
    json.put("default_scopes", scopes);
    json.put("iam_roles", List.of("arn:aws:iam::123456789012:role/big"));
    AuthenticatedClient big =
        new AuthenticatedClient(
            Clients.parse(json), AuthMethod.AWS_IAM, "arn:aws:iam::123456789012:role/big");

    assertThatThrownBy(
            () ->
                service()
                    .issue(
                        big,
                        TokenRequest.from(Form.parse("grant_type=client_credentials")),
                        origin))
        .isInstanceOf(RequestRejected.class)
        .satisfies(e -> assertThat(((RequestRejected) e).reason()).isEqualTo("token_too_large"));
  }

  @Test
  void logsTheIssuanceWithoutTheToken() {
    addKey(JWSAlgorithm.RS256, KeyState.ACTIVE);

    IssuedToken token = issue("grant_type=client_credentials");

    assertThat(telemetry.named("token.issued")).hasSize(1);
    assertThat(telemetry.everything())
        .contains(token.record().jti())
        .doesNotContain(token.accessToken())
        .doesNotContain(token.accessToken().split("\\.")[2]);
  }
}
