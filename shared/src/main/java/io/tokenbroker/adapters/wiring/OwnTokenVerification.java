package io.tokenbroker.adapters.wiring;

import com.nimbusds.jose.JWSAlgorithm;
import io.tokenbroker.adapters.dynamodb.BrokerTables;
import io.tokenbroker.adapters.lifecycle.PrimingEvents;
import io.tokenbroker.config.BrokerConfig;
import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.keys.ConfirmedKeys;
import io.tokenbroker.keys.PublishedKeys;
import io.tokenbroker.keys.SigningKey;
import io.tokenbroker.revocation.CachedRevocations;
import io.tokenbroker.revocation.RevocationStore;
import io.tokenbroker.telemetry.Telemetry;
import io.tokenbroker.verify.AccessTokenVerifier;
import io.tokenbroker.verify.CachingKeyResolver;
import io.tokenbroker.verify.FailClosedOnUncheckedKeys;
import io.tokenbroker.verify.VerifierPolicy;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Verifies the broker's own access tokens for any audience, with fresh revocation state, trusting
 * only published keys KMS confirms: for the revocation and introspection functions.
 */
final class OwnTokenVerification {

  private final PublishedKeys publishedKeys;
  private final CachingKeyResolver keys;
  private final CachedRevocations revocations;
  private final AccessTokenVerifier verifier;
  private final String issuer;

  OwnTokenVerification(
      BrokerAdapters adapters,
      BrokerConfig config,
      BrokerTables tables,
      RevocationStore revocationStore,
      Clock clock,
      Telemetry telemetry) {
    this.publishedKeys =
        new PublishedKeys(adapters.keys(tables.keys()), clock, config.keyTableCache());
    ConfirmedKeys confirmedKeys = new ConfirmedKeys(adapters.publishedKeyCheck(), clock, telemetry);
    this.issuer = config.endpoints().issuerId();
    this.keys =
        new CachingKeyResolver(
            () ->
                confirmedKeys.confirm(publishedKeys.current()).keys().stream()
                    .map(SigningKey::publicJwk)
                    .toList(),
            clock,
            Duration.ZERO,
            Duration.ZERO);
    this.revocations = new CachedRevocations(revocationStore, clock, Duration.ZERO, 1);
    this.verifier =
        new AccessTokenVerifier(
            VerifierPolicy.anyAudience(
                issuer,
                Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256),
                config.clockSkew(),
                config.maxTokenLifetime()),
            new FailClosedOnUncheckedKeys(keys, confirmedKeys::couldNotCheck),
            revocations,
            clock);
  }

  AccessTokenVerifier verifier() {
    return verifier;
  }

  /**
   * Reads the published keys, refuses a token with a forged signature (key lookup and signature
   * check run) and reads one revocation state.
   */
  void prime() {
    List<SigningKey> published = publishedKeys.current();
    if (published.isEmpty()) {
      return; // no key has been created yet
    }
    SigningKey key = published.getFirst();
    try {
      verifier.verify(
          PrimingEvents.forgedAccessToken(
              issuer, key.kid(), key.publicJwk().getAlgorithm().getName()));
    } catch (RequestRejected expected) {
      // bad signature: key lookup and signature check ran
    }
    revocations.status(
        PrimingEvents.CLIENT_ID, PrimingEvents.CLIENT_ID, key.kid(), Optional.empty());
  }

  /** Forgets every read (keys, revocation states): the next request reads them afresh. */
  void forget() {
    publishedKeys.clear();
    keys.clear();
    revocations.clear();
  }
}
