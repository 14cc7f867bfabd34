package io.tokenbroker.tokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import io.tokenbroker.adapters.http.Form;
import io.tokenbroker.clients.Client;
import io.tokenbroker.discovery.BrokerEndpoints;
import io.tokenbroker.errors.ServiceFailure;
import io.tokenbroker.errors.SigningKeyRefused;
import io.tokenbroker.jose.Confirmation;
import io.tokenbroker.keys.KeyRotationService;
import io.tokenbroker.keys.KeyState;
import io.tokenbroker.keys.PublishedKeys;
import io.tokenbroker.keys.RotationPolicy;
import io.tokenbroker.keys.SigningKey;
import io.tokenbroker.testing.BrokerKit;
import io.tokenbroker.testing.InMemoryKeyRepository;
import io.tokenbroker.testing.InMemoryRevocations;
import io.tokenbroker.testing.InMemoryRotationLock;
import io.tokenbroker.testing.LocalKeys;
import io.tokenbroker.testing.MutableClock;
import io.tokenbroker.testing.RecordingTelemetry;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Which key signs after {@code keys compromise}: the key table is cached for a minute here, yet no
 * token leaves signed by the withdrawn key once the key manager refuses it, nor later than the
 * signing-key check (1 s) after the table withdrew it.
 */
class AccessTokenMinterTest {

  private static final Duration CACHE = Duration.ofSeconds(60);
  private static final Duration CHECK = Duration.ofSeconds(1);

  private final MutableClock clock = MutableClock.at("2026-11-28T12:00:00Z");
  private final InMemoryKeyRepository keyTable = new InMemoryKeyRepository();
  private final LocalKeys kms = new LocalKeys();
  private final KeyRotationService rotation =
      new KeyRotationService(
          keyTable,
          new io.tokenbroker.testing.InMemoryKeyCreations(),
          kms,
          new InMemoryRotationLock(),
          new InMemoryRevocations(),
          new RotationPolicy(
              Duration.ofDays(30),
              Duration.ofMinutes(15),
              CACHE,
              Duration.ofMinutes(15),
              Duration.ofSeconds(60),
              Duration.ofDays(1),
              30,
              JWSAlgorithm.RS256),
          clock,
          new RecordingTelemetry());
  private final AccessTokenMinter minter =
      new AccessTokenMinter(
          new PublishedKeys(keyTable, clock, CACHE, CHECK),
          kms,
          new BrokerEndpoints(URI.create(BrokerKit.ISSUER)),
          clock,
          new SecureRandom());
  private final Client client = BrokerKit.client("alice", false, false);
  private SigningKey first;

  @BeforeEach
  void firstKeySigns() {
    rotation.rotate(false);
    first = active();
    assertThat(mint().kid()).isEqualTo(first.kid());
  }

  private SigningKey active() {
    return keyTable.findAll().stream()
        .filter(k -> k.state() == KeyState.ACTIVE)
        .findFirst()
        .orElseThrow();
  }

  private AccessTokenMinter.MintedToken mint() {
    return minter.mint(
        client,
        Grant.decide(
            client,
            TokenRequest.from(Form.parse("grant_type=client_credentials")),
            Duration.ofMinutes(15)),
        Optional.empty(),
        Optional.empty());
  }

  private static boolean signedBy(AccessTokenMinter.MintedToken token, SigningKey key)
      throws Exception {
    return SignedJWT.parse(token.serialized()).verify(new RSASSAVerifier((RSAKey) key.publicJwk()));
  }

  /**
   * The minter assembles the compact JWS itself from the port's signature bytes: the result is the
   * very string Nimbus's own signing and serialization make of the same header and claims (RS256
   * signatures are deterministic), and the verifier's first check, the canonical compact form,
   * accepts it.
   */
  @Test
  void mintsExactlyTheCompactJwsNimbusWouldSerialize() throws Exception {
    String token = mint().serialized();
    SignedJWT parsed = SignedJWT.parse(token);

    SignedJWT bySigner = new SignedJWT(parsed.getHeader(), parsed.getJWTClaimsSet());
    bySigner.sign(io.tokenbroker.testing.KeySignerJws.jwsSigner(kms, first));

    assertThat(bySigner.serialize()).isEqualTo(token);
    assertThat(io.tokenbroker.jose.CompactJws.parse(token, 8192).signature())
        .isEqualTo(bySigner.getSignature().decode());
  }

  @Test
  void carriesTheBindingOfASenderConstrainedTokenAsItsCnfClaim() throws Exception {
    Confirmation binding = new Confirmation.DpopKey("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
    AccessTokenMinter.MintedToken token =
        minter.mint(
            client,
            Grant.decide(
                client,
                TokenRequest.from(Form.parse("grant_type=client_credentials")),
                Duration.ofMinutes(15)),
            Optional.empty(),
            Optional.of(binding));

    assertThat(SignedJWT.parse(token.serialized()).getJWTClaimsSet().getJSONObjectClaim("cnf"))
        .containsExactly(Map.entry("jkt", binding.thumbprint()));
    assertThat(token.confirmation()).contains(binding);
    assertThat(mint().confirmation()).isEmpty();
    assertThat(SignedJWT.parse(mint().serialized()).getJWTClaimsSet().getClaim("cnf")).isNull();
  }

  @Test
  void switchesToTheSuccessorOnTheFirstRefusedSignatureInsteadOfFailingForTheCachePeriod()
      throws Exception {
    rotation.compromise(first.kid()); // withdraws, activates a successor, disables in the "KMS"
    SigningKey successor = active();
    int reads = keyTable.reads();

    AccessTokenMinter.MintedToken token = mint(); // at once: cache and check both still fresh

    assertThat(token.kid()).isEqualTo(successor.kid()).isNotEqualTo(first.kid());
    assertThat(signedBy(token, successor)).isTrue();
    assertThat(keyTable.reads() - reads).as("one re-read of the key table").isEqualTo(1);
    assertThat(mint().kid()).isEqualTo(successor.kid());
    assertThat(keyTable.reads() - reads).as("and then the cache again").isEqualTo(1);
  }

  @Test
  void stopsSigningWithAKeyTheTableWithdrewWithinTheCheckEvenIfTheKeyManagerStillSigns()
      throws Exception {
    rotation.compromise(first.kid());
    kms.disabled.clear(); // like moto, or KMS before its DisableKey has taken effect
    SigningKey successor = active();

    clock.advance(CHECK.plusMillis(1)); // the key table's cache (60 s) is still fresh
    AccessTokenMinter.MintedToken token = mint();

    assertThat(token.kid()).isEqualTo(successor.kid());
    assertThat(signedBy(token, successor)).isTrue();
  }

  @Test
  void reconfirmsTheSigningKeyAtMostOncePerCheckWithOneRowRead() {
    int reads = keyTable.reads();
    for (int i = 0; i < 5; i++) {
      mint();
    }
    assertThat(keyTable.reads() - reads).as("within the check: no reads").isZero();

    clock.advance(CHECK.plusMillis(1));
    for (int i = 0; i < 5; i++) {
      mint();
    }
    assertThat(keyTable.reads() - reads).as("one confirmation").isEqualTo(1);
  }

  @Test
  void failsWithoutLoopingWhenTheKeyManagerRefusesTheKeyTheTableStillCallsActive() {
    kms.disable(first.keyReference());

    // Retryable (503): the table still names the refused key ACTIVE, which a rotation or a KMS
    // that has caught up will change; not a bug (500).
    assertThatThrownBy(this::mint)
        .isInstanceOfSatisfying(
            ServiceFailure.class,
            e -> {
              assertThat(e.retryable()).isTrue();
              assertThat(e.getCause()).isInstanceOf(SigningKeyRefused.class);
            });
  }
}
