package io.tokenbroker.functions.introspection;

import com.nimbusds.jose.jwk.ECKey;
import io.tokenbroker.adapters.http.ClientAuthentication;
import io.tokenbroker.adapters.http.Form;
import io.tokenbroker.auth.AuthenticatedClient;
import io.tokenbroker.auth.ClientAssertionVerifier;
import io.tokenbroker.auth.IamAuthenticator;
import io.tokenbroker.clients.Client;
import io.tokenbroker.discovery.BrokerEndpoints;
import io.tokenbroker.oauth.IntrospectionService;
import io.tokenbroker.refresh.RefreshFamily;
import io.tokenbroker.revocation.RevocationReason;
import io.tokenbroker.telemetry.Telemetry;
import io.tokenbroker.testing.BrokerKit;
import io.tokenbroker.testing.ClientAssertions;
import io.tokenbroker.testing.Clients;
import io.tokenbroker.testing.InMemoryClientRepository;
import io.tokenbroker.testing.InMemoryReplayGuard;
import io.tokenbroker.testing.TestKeys;
import io.tokenbroker.tokens.IssuedToken;
import io.tokenbroker.tokens.TokenRequest;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The introspection handler over in-memory stores, for the fuzz target and the limit tests: client
 * {@code rs} may introspect, {@code alice} may not; both have an EC key, an IAM role ({@code
 * arn:aws:iam::123456789012:role/<id>}) and refresh tokens. Tokens active, revoked, expired, of a
 * revoked family and a used refresh token are minted once; each run works on a copy of that state.
 * The clock stands at epoch 1800000000.
 */
final class IntrospectionFixture {

  static final Instant NOW = Instant.ofEpochSecond(1_800_000_000L);

  private IntrospectionFixture() {}

  static final ECKey RS_KEY = TestKeys.ec();
  static final ECKey ALICE_KEY = TestKeys.ec();
  static final Client RS = client("rs", RS_KEY, true);
  static final Client ALICE = client("alice", ALICE_KEY, false);
  static final InMemoryClientRepository CLIENTS = new InMemoryClientRepository();
  static final BrokerKit MINTED = new BrokerKit();
  static final Map<String, String> PLACEHOLDERS = new HashMap<>();
  static final Map<String, String> ASSERTIONS = new HashMap<>();

  /** The tokens rs may see as active, with the client and the id (jti or sid) it must be told. */
  static final Map<String, List<String>> ACTIVE = new HashMap<>();

  static {
    CLIENTS.add(RS);
    CLIENTS.add(ALICE);
    AuthenticatedClient rs = BrokerKit.caller(RS);
    AuthenticatedClient alice = BrokerKit.caller(ALICE);

    MINTED.clock.set(NOW.minus(Duration.ofHours(1)));
    placeholder("$EXPIRED_ACCESS", MINTED.issue(alice, "").accessToken());
    MINTED.clock.set(NOW);

    IssuedToken aliceGrant = MINTED.issue(alice, "");
    active("$ALICE_ACCESS", aliceGrant.accessToken(), "alice", aliceGrant.record().jti());
    placeholder("$ALICE_REFRESH", aliceGrant.refreshToken().orElseThrow());
    IssuedToken rsGrant = MINTED.issue(rs, "");
    active("$RS_ACCESS", rsGrant.accessToken(), "rs", rsGrant.record().jti());
    active(
        "$RS_REFRESH",
        rsGrant.refreshToken().orElseThrow(),
        "rs",
        rsGrant.record().sessionId().orElseThrow());

    IssuedToken revoked = MINTED.issue(alice, "");
    MINTED.revocations.revokeToken(revoked.record().jti(), NOW.plusSeconds(3600), "fixture");
    placeholder("$REVOKED_ACCESS", revoked.accessToken());

    IssuedToken familyRevoked = MINTED.issue(rs, "");
    RefreshFamily family =
        MINTED.refreshTokens.family(familyRevoked.record().sessionId().orElseThrow()).orElseThrow();
    MINTED.familyRevocation.revoke(family, RevocationReason.REVOKED_BY_CLIENT, MINTED.origin);
    placeholder("$FAMILY_REVOKED_ACCESS", familyRevoked.accessToken());
    placeholder("$FAMILY_REVOKED_REFRESH", familyRevoked.refreshToken().orElseThrow());

    IssuedToken rotated = MINTED.issue(rs, "");
    MINTED.refreshes.refresh(
        rs,
        TokenRequest.from(
            Form.parse(
                "grant_type=refresh_token&refresh_token=" + rotated.refreshToken().orElseThrow())),
        MINTED.origin);
    placeholder("$USED_REFRESH", rotated.refreshToken().orElseThrow());

    for (var client : List.of(RS, ALICE)) {
      String assertion =
          ClientAssertions.signed(
              client == RS ? RS_KEY : ALICE_KEY,
              client.clientId(),
              BrokerKit.ISSUER + "/token",
              NOW);
      ASSERTIONS.put(assertion, client.clientId());
      placeholder(
          "$" + client.clientId().toUpperCase(java.util.Locale.ROOT) + "_ASSERTION", assertion);
    }
  }

  static void placeholder(String name, String value) {
    PLACEHOLDERS.put(name, value);
  }

  static void active(String name, String token, String clientId, String id) {
    placeholder(name, token);
    ACTIVE.put(token, List.of(clientId, id));
  }

  static Client client(String id, ECKey key, boolean introspect) {
    Map<String, Object> json = Clients.withKeys(Clients.json(id), key);
    json.put("iam_roles", List.of("arn:aws:iam::123456789012:role/" + id));
    json.put("refresh_tokens", Map.of("enabled", true));
    json.put("introspection", introspect);
    return Clients.parse(json);
  }

  /** The handler over {@code kit}'s stores. */
  static IntrospectionHandler handler(BrokerKit kit, Telemetry telemetry) {
    return new IntrospectionHandler(
        new ClientAuthentication(
            new IamAuthenticator(CLIENTS),
            new ClientAssertionVerifier(
                CLIENTS,
                new InMemoryReplayGuard(),
                new BrokerEndpoints(URI.create(BrokerKit.ISSUER)),
                kit.clock,
                Duration.ofMinutes(5),
                Duration.ofSeconds(60)),
            BrokerKit.ISSUER),
        new IntrospectionService(
            kit.anyAudience, kit.refreshTokens, kit.revocations, BrokerKit.ISSUER, kit.clock),
        telemetry);
  }

  static String callerArn(String clientId) {
    return "arn:aws:sts::123456789012:assumed-role/" + clientId + "/s1";
  }
}
