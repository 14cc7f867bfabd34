package io.tokenbroker.adapters.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyOperation;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetSequenceKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import io.tokenbroker.config.FederationConfig;
import io.tokenbroker.devsupport.TestOidcIssuer;
import io.tokenbroker.devsupport.TestOidcIssuer.Fault;
import io.tokenbroker.errors.ServiceFailure;
import io.tokenbroker.federation.IssuerKeys.TrustedIssuer;
import io.tokenbroker.testing.MutableClock;
import io.tokenbroker.testing.RecordingTelemetry;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Discovery, the key cache's refresh bounds and outage tolerance, against the test issuer over real
 * HTTPS on a fake clock: the issuer's request counts are the oracle for how often keys are fetched.
 */
class RemoteIssuerKeysTest {

  private static final Duration TTL = Duration.ofMinutes(5);
  private static final Duration INTERVAL = Duration.ofMinutes(1);
  private static final Duration OUTAGE = Duration.ofMinutes(15);
  private static final FederationConfig CONFIG =
      new FederationConfig(
          Duration.ofSeconds(1),
          Duration.ofMillis(500),
          Duration.ofSeconds(3),
          64 * 1024,
          TTL,
          INTERVAL,
          OUTAGE);

  private final MutableClock clock = MutableClock.at("2026-11-30T12:00:00Z");
  private final RecordingTelemetry telemetry = new RecordingTelemetry();
  // one issuer for the class (its keys take a while to make); each test gets fresh caches
  private static final TestOidcIssuer SHARED = TestOidcIssuer.start();
  private TestOidcIssuer issuer = SHARED;
  private RemoteIssuerKeys keys;
  private TrustedIssuer trusted;

  @BeforeEach
  void start() {
    issuer.heal();
    issuer.up();
    issuer.resetCounts();
    keys = RemoteIssuerKeys.forLocalDevelopment(CONFIG, clock, telemetry, issuer.clientContext());
    trusted = new TrustedIssuer(issuer.issuer(), Optional.empty());
  }

  @AfterAll
  static void stop() {
    SHARED.close();
  }

  private int jwksFetches() {
    return issuer.requests(TestOidcIssuer.JWKS);
  }

  private static ServiceFailure failure(Callable<?> call) {
    try {
      call.call();
    } catch (ServiceFailure e) {
      return e;
    } catch (Exception e) {
      throw new AssertionError("expected ServiceFailure, got " + e, e);
    }
    throw new AssertionError("expected ServiceFailure, got an answer");
  }

  @Test
  void findsRsaAndEcKeysThroughDiscovery() {
    assertThat(keys.key(trusted, issuer.rsaKid())).get().isInstanceOf(RSAKey.class);
    assertThat(keys.key(trusted, issuer.ecKid()))
        .get()
        .extracting(JWK::getKeyID)
        .isEqualTo(issuer.ecKid());

    assertThat(issuer.requests(TestOidcIssuer.DISCOVERY)).isEqualTo(1);
    assertThat(jwksFetches()).isEqualTo(1);
    assertThat(keys.key(trusted, issuer.rsaKid()).orElseThrow().isPrivate()).isFalse();
  }

  @Test
  void aTokenWithoutKidNamesNoKeyAndFetchesNothing() {
    assertThat(keys.key(trusted, null)).isEmpty();
    assertThat(keys.key(trusted, "")).isEmpty();
    assertThat(issuer.requests(TestOidcIssuer.DISCOVERY)).isZero();
  }

  @Test
  void aPinnedJwksUriSkipsDiscovery() {
    TrustedIssuer pinned = new TrustedIssuer(issuer.issuer(), Optional.of(issuer.jwksUri()));

    assertThat(keys.key(pinned, issuer.rsaKid())).isPresent();
    assertThat(issuer.requests(TestOidcIssuer.DISCOVERY)).isZero();
  }

  @Test
  void anIssuerWithAPathIsDiscoveredUnderIt() {
    try (TestOidcIssuer eks = TestOidcIssuer.start(clock, "/id/5A0B1C")) {
      RemoteIssuerKeys eksKeys =
          RemoteIssuerKeys.forLocalDevelopment(CONFIG, clock, telemetry, eks.clientContext());

      assertThat(eksKeys.key(new TrustedIssuer(eks.issuer(), Optional.empty()), eks.rsaKid()))
          .isPresent();
    }
  }

  @Test
  void refusesDiscoveryNamingAnotherIssuer() {
    issuer.discoveryIssuer("https://token.actions.githubusercontent.com");

    ServiceFailure refused = failure(() -> keys.key(trusted, issuer.rsaKid()));

    assertThat(refused.getMessage()).contains("names another issuer");
    assertThat(refused.retryable()).isFalse();
    assertThat(jwksFetches()).isZero();
  }

  @Test
  void refusesDiscoveryNamingTheIssuerWithATrailingSlash() {
    issuer.discoveryIssuer(issuer.issuer() + "/");

    assertThat(failure(() -> keys.key(trusted, issuer.rsaKid())).getMessage())
        .contains("names another issuer");
  }

  @Test
  void refusesAJwksUriThatIsNotHttps() {
    issuer.discoveryJwksUri("http://localhost:" + issuer.port() + TestOidcIssuer.JWKS);

    assertThat(failure(() -> keys.key(trusted, issuer.rsaKid())).getMessage())
        .contains("jwks_uri is not an https URL");
    assertThat(jwksFetches()).isZero();
  }

  @Test
  void refusesAJwksUriOnAPrivateAddress() {
    issuer.discoveryJwksUri("https://10.0.0.7/jwks");

    ServiceFailure refused = failure(() -> keys.key(trusted, issuer.rsaKid()));

    assertThat(refused.getMessage()).contains("10.0.0.7, a private address; refused");
    assertThat(refused.retryable()).isFalse();
  }

  @Test
  void anUnknownKidRefreshesAtMostOncePerIntervalUnderABurst() throws Exception {
    assertThat(keys.key(trusted, issuer.rsaKid())).isPresent();
    clock.advance(INTERVAL);

    try (ExecutorService burst = Executors.newFixedThreadPool(16)) {
      List<Future<Optional<JWK>>> answers =
          burst.invokeAll(
              java.util.stream.IntStream.range(0, 200)
                  .<Callable<Optional<JWK>>>mapToObj(i -> () -> keys.key(trusted, "forged-" + i))
                  .toList());
      for (Future<Optional<JWK>> answer : answers) {
        assertThat(answer.get()).isEmpty();
      }
    }

    assertThat(jwksFetches()).isEqualTo(2);
    clock.advance(INTERVAL.minusSeconds(1));
    assertThat(keys.key(trusted, "forged-again")).isEmpty();
    assertThat(jwksFetches()).isEqualTo(2);
  }

  @Test
  void aRotatedKeyIsFoundAfterTheInterval() {
    assertThat(keys.key(trusted, issuer.rsaKid())).isPresent();
    clock.advance(Duration.ofSeconds(10));
    String rotated = issuer.rotate();

    assertThat(keys.key(trusted, rotated)).as("within the interval of the last fetch").isEmpty();
    clock.advance(INTERVAL);
    assertThat(keys.key(trusted, rotated)).isPresent();
    assertThat(jwksFetches()).isEqualTo(2);
  }

  @Test
  void aKnownKeyIsServedFromTheCacheUntilTheTtl() {
    keys.key(trusted, issuer.rsaKid());
    clock.advance(TTL.minusSeconds(1));
    keys.key(trusted, issuer.rsaKid());
    assertThat(jwksFetches()).isEqualTo(1);

    clock.advance(Duration.ofSeconds(1));
    keys.key(trusted, issuer.rsaKid());
    assertThat(jwksFetches()).isEqualTo(2);
  }

  @Test
  void aRetiredKeyIsGoneAfterTheTtl() {
    String old = issuer.rsaKid();
    keys.key(trusted, old);
    issuer.rotate();
    issuer.retire(old);

    clock.advance(TTL);
    assertThat(keys.key(trusted, old)).isEmpty();
  }

  @Test
  void duringAnOutageTheLastSetServesForTheBoundThenFailsRetryably() {
    keys.key(trusted, issuer.rsaKid());
    issuer.down();

    clock.advance(TTL.plus(OUTAGE).minusSeconds(1));
    assertThat(keys.key(trusted, issuer.rsaKid())).isPresent();
    assertThat(telemetry.named("issuer_keys.refresh_failed")).hasSize(1);
    assertThat(telemetry.named("issuer_keys.stale")).hasSize(1);

    assertThat(keys.key(trusted, issuer.rsaKid())).isPresent();
    assertThat(telemetry.named("issuer_keys.stale")).as("once per failed refresh").hasSize(1);

    clock.advance(Duration.ofSeconds(1));
    ServiceFailure failed = failure(() -> keys.key(trusted, issuer.rsaKid()));
    assertThat(failed.retryable()).isTrue();
    assertThat(failed.dependency()).isEqualTo("issuer-keys");
    assertThat(failed.getMessage()).contains("cannot connect");

    issuer.up();
    clock.advance(INTERVAL);
    assertThat(keys.key(trusted, issuer.rsaKid())).isPresent();
  }

  @Test
  void aServerErrorWithNoSetIsARetryableFailureAndIsNotRetriedWithinTheInterval() {
    issuer.fail(TestOidcIssuer.JWKS, new Fault.Status(502));

    assertThat(failure(() -> keys.key(trusted, issuer.rsaKid())).retryable()).isTrue();
    issuer.heal();
    assertThat(failure(() -> keys.key(trusted, issuer.rsaKid())).getMessage()).contains("HTTP 502");
    assertThat(jwksFetches()).isEqualTo(1);

    clock.advance(INTERVAL);
    assertThat(keys.key(trusted, issuer.rsaKid())).isPresent();
  }

  @Test
  void aSlowIssuerTimesOutRetryably() {
    issuer.fail(TestOidcIssuer.JWKS, new Fault.Slow(Duration.ofSeconds(1)));

    ServiceFailure failed = failure(() -> keys.key(trusted, issuer.rsaKid()));

    assertThat(failed.retryable()).isTrue();
    assertThat(failed.getMessage()).contains("timed out");
  }

  @Test
  void aRedirectOrAnOversizedSetIsRefused() {
    issuer.fail(TestOidcIssuer.JWKS, new Fault.Redirect("https://attacker.example/jwks"));
    assertThat(failure(() -> keys.key(trusted, issuer.rsaKid())).getMessage())
        .contains("not followed");

    clock.advance(INTERVAL);
    issuer.fail(TestOidcIssuer.JWKS, new Fault.Oversized(100_000, false));
    assertThat(failure(() -> keys.key(trusted, issuer.rsaKid())).getMessage())
        .contains("larger than 65536 bytes");
  }

  @Test
  void oneCachePerIssuerAndPinnedUrl() {
    TrustedIssuer pinned = new TrustedIssuer(issuer.issuer(), Optional.of(issuer.jwksUri()));
    keys.key(trusted, issuer.rsaKid());
    keys.key(pinned, issuer.rsaKid());

    assertThat(jwksFetches()).isEqualTo(2);
  }

  @Test
  void anIssuerSpelledInAnotherCaseHasACacheOfItsOwn() {
    TrustedIssuer shouting =
        new TrustedIssuer(
            URI.create(issuer.issuer().toString().replace("localhost", "LOCALHOST")),
            Optional.empty());

    // Its discovery names the real spelling: refused, and that refusal poisons no other cache.
    assertThat(failure(() -> keys.key(shouting, issuer.rsaKid())).retryable()).isFalse();
    assertThat(keys.key(trusted, issuer.rsaKid())).isPresent();
    assertThat(failure(() -> keys.key(shouting, issuer.rsaKid())).retryable()).isFalse();
  }

  @Test
  void theProductionVariantRefusesTheLoopbackIssuer() {
    RemoteIssuerKeys production = RemoteIssuerKeys.from(CONFIG, clock, telemetry);

    ServiceFailure refused = failure(() -> production.key(trusted, issuer.rsaKid()));

    assertThat(refused.getMessage()).contains("loopback address; refused");
    assertThat(issuer.requests(TestOidcIssuer.DISCOVERY)).isZero();
  }

  @Test
  void keepsOnlyPublicSigningKeysStrongEnoughAndAddressable() throws Exception {
    issuer = TestOidcIssuer.start();
    keys = RemoteIssuerKeys.forLocalDevelopment(CONFIG, clock, telemetry, issuer.clientContext());
    trusted = new TrustedIssuer(issuer.issuer(), Optional.empty());
    RSAKey weak = new RSAKeyGenerator(1024, true).keyID("weak").generate();
    RSAKey privateKey = new RSAKeyGenerator(2048).keyID("private").generate();
    RSAKey encryption = new RSAKeyGenerator(2048).keyUse(KeyUse.ENCRYPTION).keyID("enc").generate();
    RSAKey signOnly =
        new RSAKeyGenerator(2048).keyOperations(Set.of(KeyOperation.SIGN)).keyID("ops").generate();
    RSAKey noKid = new RSAKeyGenerator(2048).generate();
    OctetSequenceKey secret = new OctetSequenceKeyGenerator(256).keyID("hmac").generate();
    // secp256k1's generator point: a valid key on a curve this JDK cannot even generate on
    JWK secp256k1 =
        JWK.parse(
            "{\"kty\":\"EC\",\"crv\":\"secp256k1\",\"kid\":\"k1\","
                + "\"x\":\"eb5mfvncu6xVoGKVzocLBwKb_NstzijZWfKBWxb4F5g\","
                + "\"y\":\"SDradyajxGVdpPv8DhEIqP0XtEimhVQZnEfQj_sQ1Lg\"}");
    // RFC 8037's Ed25519 public key: a valid key of a type this broker does not verify with
    JWK ed25519 =
        JWK.parse(
            "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"kid\":\"ed\","
                + "\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"}");
    JWK p384 = new ECKeyGenerator(Curve.P_384).keyID("p384").generate();
    JWK twinA = new RSAKeyGenerator(2048).keyID("twin").generate();
    JWK twinB = new ECKeyGenerator(Curve.P_256).keyID("twin").generate();
    JWK algOnly =
        new RSAKeyGenerator(2048).algorithm(JWSAlgorithm.RS256).keyID("alg-only").generate();
    issuer.publish(weak.toPublicJWK());
    issuer.publish(privateKey);
    issuer.publish(encryption.toPublicJWK());
    issuer.publish(signOnly.toPublicJWK());
    issuer.publish(noKid.toPublicJWK());
    issuer.publish(secret);
    issuer.publish(secp256k1.toPublicJWK());
    issuer.publish(ed25519);
    issuer.publish(p384.toPublicJWK());
    issuer.publish(twinA.toPublicJWK());
    issuer.publish(twinB.toPublicJWK());
    issuer.publish(algOnly.toPublicJWK());

    for (String refused : List.of("weak", "private", "enc", "ops", "hmac", "k1", "ed", "twin")) {
      assertThat(keys.key(trusted, refused)).as(refused).isEmpty();
    }
    assertThat(keys.key(trusted, "p384")).isPresent();
    assertThat(keys.key(trusted, "alg-only")).isPresent();
    assertThat(keys.key(trusted, issuer.rsaKid())).isPresent();
    assertThat(jwksFetches()).isEqualTo(1);
    issuer.close();
  }

  @Test
  void aMalformedKeyIsSkippedAloneAndAMalformedSetIsRefused() throws Exception {
    JWK good = issuer.publishedKeys().getFirst();
    String body =
        "{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"bad\",\"n\":\"!!\",\"e\":\"AQAB\"},{\"kty\":\"NEW\"},"
            + good.toJSONString()
            + "]}";

    assertThat(RemoteIssuerKeys.keys(body, "x")).containsOnlyKeys(good.getKeyID());
    assertThatThrownBy(() -> RemoteIssuerKeys.keys("{\"keys\":{}}", "x"))
        .hasMessageContaining("not a JWK set");
    assertThatThrownBy(() -> RemoteIssuerKeys.keys("[1]", "x"))
        .hasMessageContaining("not a JSON object");
  }

  @Test
  void noTokenUrlSecretOrBodyInTheFailure() {
    TrustedIssuer secretive =
        new TrustedIssuer(
            issuer.issuer(),
            Optional.of(
                URI.create("https://u:hunter2@localhost:" + issuer.port() + "/k?sig=s3cr3t")));

    ServiceFailure refused = failure(() -> keys.key(secretive, "kid"));

    assertThat(refused.getMessage()).doesNotContain("hunter2", "s3cr3t");
    assertThat(telemetry.everything()).doesNotContain("hunter2", "s3cr3t");
  }
}
