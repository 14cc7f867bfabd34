package io.tokenbroker.testing;

import com.nimbusds.jose.JWSAlgorithm;
import io.tokenbroker.adapters.http.Form;
import io.tokenbroker.auth.AuthMethod;
import io.tokenbroker.auth.AuthenticatedClient;
import io.tokenbroker.clients.Client;
import io.tokenbroker.discovery.BrokerEndpoints;
import io.tokenbroker.jose.Confirmation;
import io.tokenbroker.keys.KeyState;
import io.tokenbroker.keys.PublishedKeys;
import io.tokenbroker.keys.SigningKey;
import io.tokenbroker.oauth.RefreshService;
import io.tokenbroker.oauth.TokenService;
import io.tokenbroker.refresh.FamilyRevocation;
import io.tokenbroker.revocation.CachedRevocations;
import io.tokenbroker.tokens.AccessTokenMinter;
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

/**
 * The broker's domain services wired over in-memory ports and a real key pair: for unit tests of
 * the services that work on issued tokens (revocation, introspection, refresh).
 */
public final class BrokerKit {

  public static final String ISSUER = "https://broker.example.com";
  public static final Duration MAX_LIFETIME = Duration.ofMinutes(15);
  public static final Duration SKEW = Duration.ofSeconds(60);

  public final MutableClock clock;
  public final InMemoryKeyRepository keyTable;
  public final LocalKeys kms;
  public final InMemoryIssuanceRepository issuances;
  public final InMemoryRefreshTokenStore refreshTokens;
  public final InMemoryRevocations revocations;
  public final RecordingTelemetry telemetry = new RecordingTelemetry();
  public final RequestOrigin origin = new RequestOrigin("203.0.113.5", "agent/1");
  public final AccessTokenMinter minter;
  public final TokenService tokens;
  public final RefreshService refreshes;
  public final FamilyRevocation familyRevocation;
  public final AccessTokenVerifier anyAudience;

  public BrokerKit() {
    this(
        MutableClock.at("2026-11-28T12:00:00Z"),
        new InMemoryKeyRepository(),
        new LocalKeys(),
        new InMemoryIssuanceRepository(),
        null,
        new InMemoryRevocations());
    keyTable.create(
        SigningKey.created(
            kms.create(JWSAlgorithm.RS256, "test-creation"), KeyState.ACTIVE, clock.instant()));
  }

  /**
   * A kit over copies of this kit's stores (issuances, refresh tokens, revocations), sharing its
   * clock and keys: the tokens it issued work there, and what one changes the other does not see.
   * Fuzz targets start every run from the same state this way, without signing anew.
   */
  public BrokerKit copy() {
    InMemoryIssuanceRepository issuanceCopy = issuances.copy();
    InMemoryRevocations revocationsCopy = revocations.copy();
    return new BrokerKit(
        clock,
        keyTable,
        kms,
        issuanceCopy,
        refreshTokens.copy(issuanceCopy, revocationsCopy),
        revocationsCopy);
  }

  private BrokerKit(
      MutableClock clock,
      InMemoryKeyRepository keyTable,
      LocalKeys kms,
      InMemoryIssuanceRepository issuances,
      InMemoryRefreshTokenStore refreshTokenStore,
      InMemoryRevocations revocations) {
    this.clock = clock;
    this.keyTable = keyTable;
    this.kms = kms;
    this.issuances = issuances;
    this.refreshTokens =
        refreshTokenStore == null
            ? new InMemoryRefreshTokenStore(issuances, revocations)
            : refreshTokenStore;
    this.revocations = revocations;
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
            refreshTokens,
            MAX_LIFETIME,
            Duration.ofDays(1),
            new SecureRandom(),
            telemetry);
    familyRevocation = new FamilyRevocation(revocations, MAX_LIFETIME, telemetry);
    refreshes =
        new RefreshService(
            minter,
            refreshTokens,
            revocations,
            MAX_LIFETIME,
            Duration.ofDays(1),
            clock,
            new SecureRandom(),
            telemetry);
    anyAudience =
        new AccessTokenVerifier(
            VerifierPolicy.anyAudience(
                ISSUER, Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256), SKEW, Duration.ofHours(1)),
            new CachingKeyResolver(
                () ->
                    keyTable.findAll().stream()
                        .filter(SigningKey::isPublished)
                        .map(SigningKey::publicJwk)
                        .toList(),
                clock,
                Duration.ZERO,
                Duration.ZERO),
            new CachedRevocations(revocations, clock, Duration.ZERO, 100),
            clock);
  }

  /** A client with refresh tokens on; {@code introspect} lets it call introspection. */
  public static Client client(String id, boolean refresh, boolean introspect) {
    Map<String, Object> json = Clients.json(id);
    json.put("iam_roles", List.of("arn:aws:iam::123456789012:role/" + id));
    json.put("introspection", introspect);
    if (refresh) {
      json.put("refresh_tokens", Map.of("enabled", true));
    }
    return Clients.parse(json);
  }

  public static AuthenticatedClient caller(Client client) {
    return new AuthenticatedClient(
        client, AuthMethod.AWS_IAM, "arn:aws:iam::123456789012:role/" + client.clientId());
  }

  public IssuedToken issue(AuthenticatedClient caller, String form) {
    return issue(caller, form, Optional.empty());
  }

  /** A token bound to {@code binding} (its {@code cnf}), as after a checked DPoP proof or mTLS. */
  public IssuedToken issue(
      AuthenticatedClient caller, String form, Optional<Confirmation> binding) {
    return tokens.issue(
        caller,
        TokenRequest.from(Form.parse("grant_type=client_credentials" + form)),
        origin,
        binding);
  }
}
