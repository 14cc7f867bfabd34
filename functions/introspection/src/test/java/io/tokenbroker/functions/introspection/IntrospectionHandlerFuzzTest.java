package io.tokenbroker.functions.introspection;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.ECKey;
import io.tokenbroker.auth.AuthenticatedClient;
import io.tokenbroker.auth.ClientAuthenticator;
import io.tokenbroker.clients.Client;
import io.tokenbroker.discovery.BrokerEndpoints;
import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.http.Form;
import io.tokenbroker.introspection.IntrospectionService;
import io.tokenbroker.refresh.RefreshFamily;
import io.tokenbroker.testing.BrokerKit;
import io.tokenbroker.testing.ClientAssertions;
import io.tokenbroker.testing.Clients;
import io.tokenbroker.testing.EventFiles;
import io.tokenbroker.testing.FuzzInput;
import io.tokenbroker.testing.InMemoryClientRepository;
import io.tokenbroker.testing.InMemoryReplayGuard;
import io.tokenbroker.testing.InMemoryRevocations;
import io.tokenbroker.testing.RecordingTelemetry;
import io.tokenbroker.testing.TestKeys;
import io.tokenbroker.tokens.IssuedToken;
import io.tokenbroker.tokens.TokenRequest;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Hostile introspection requests (the hardening issue): the form body of {@code POST /introspect}
 * and {@code /introspect/iam} (RFC 7662: {@code token}, {@code token_type_hint}, client
 * authentication) through the real {@link IntrospectionHandler} over in-memory stores. Allowed
 * outcomes: 200, or a 4xx OAuth error; never a 500 or an unexpected exception, never a change of
 * state. A 200 goes only to the client allowed to introspect, and says {@code {"active":false}},
 * exactly, for anything but a valid unrevoked token the fixture minted (a refresh token only to the
 * client it was issued to).
 *
 * <p>Client {@code rs} may introspect, {@code alice} may not; both have an EC key, an IAM role
 * ({@code arn:aws:iam::123456789012:role/<id>}) and refresh tokens. The clock stands at epoch
 * 1800000000. Input ({@link FuzzInput}): the mode byte picks the route and caller, the rest is the
 * form body. Placeholders, active: {@code $ALICE_ACCESS}, {@code $RS_ACCESS}, {@code $RS_REFRESH};
 * inactive: {@code $ALICE_REFRESH} (for rs: another client's), {@code $REVOKED_ACCESS}, {@code
 * $EXPIRED_ACCESS}, {@code $FAMILY_REVOKED_ACCESS}, {@code $FAMILY_REVOKED_REFRESH}, {@code
 * $USED_REFRESH}; and valid client assertions {@code $RS_ASSERTION}, {@code $ALICE_ASSERTION}.
 */
class IntrospectionHandlerFuzzTest {

  static final Instant NOW = Instant.ofEpochSecond(1_800_000_000L);
  static final String INACTIVE = "{\"active\":false}";
  static final Set<String> ERRORS = Set.of("invalid_request", "invalid_client", "access_denied");

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
    MINTED.refreshes.revokeFamily(family, "fixture", MINTED.origin);
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
          ClientAssertions.sign(
              client == RS ? RS_KEY : ALICE_KEY,
              JWSAlgorithm.ES256,
              ClientAssertions.claims(client.clientId(), BrokerKit.ISSUER + "/token", NOW).build());
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

  /**
   * Mode: 0, {@code /introspect} (client assertion in the form); 1, {@code /introspect/iam} as rs's
   * role; 2, the same as alice's; 3, {@code /introspect/iam} without an IAM identity.
   */
  @FuzzTest(maxDuration = "2m")
  void introspect(byte[] data) {
    FuzzInput input = FuzzInput.of(data, 4);
    String body = FuzzInput.substitute(input.text(), PLACEHOLDERS);
    Optional<String> caller =
        switch (input.mode()) {
          case 1 -> Optional.of("rs");
          case 2 -> Optional.of("alice");
          case 3 -> Optional.empty();
          default -> parameter(body, "client_assertion").map(ASSERTIONS::get);
        };
    BrokerKit kit = MINTED.copy();
    RecordingTelemetry telemetry = new RecordingTelemetry();
    IntrospectionHandler handler =
        new IntrospectionHandler(
            new ClientAuthenticator(
                CLIENTS,
                new InMemoryReplayGuard(),
                new BrokerEndpoints(URI.create(BrokerKit.ISSUER)),
                kit.clock,
                Duration.ofMinutes(5),
                Duration.ofSeconds(60)),
            new IntrospectionService(
                kit.anyAudience, kit.refreshTokens, BrokerKit.ISSUER, kit.clock),
            telemetry);
    InMemoryRevocations.State before = kit.revocations.state();
    int refreshTokens = kit.refreshTokens.tokenCount();

    Map<String, Object> response =
        EventFiles.invoke(
            (in, out) -> handler.handleRequest(in, out, null),
            EventFiles.formPost(
                input.mode() == 0 ? "/introspect" : IntrospectionHandler.INTROSPECT_IAM,
                input.mode() == 1 || input.mode() == 2
                    ? caller.map(id -> "arn:aws:sts::123456789012:assumed-role/" + id + "/s1")
                    : Optional.empty(),
                body));

    assertThat(telemetry.named("unexpected.failure")).isEmpty();
    assertThat(telemetry.named("dependency.failed")).isEmpty();
    assertThat(EventFiles.headers(response)).containsEntry("Cache-Control", "no-store");
    assertThat(kit.revocations.state()).as("introspection changed state").isEqualTo(before);
    assertThat(kit.refreshTokens.tokenCount()).isEqualTo(refreshTokens);
    long status = (Long) response.get("statusCode");
    if (status != 200) {
      assertThat(status).isBetween(400L, 499L);
      Map<String, Object> error = EventFiles.body(response);
      assertThat(error.get("error")).isIn(ERRORS);
      assertThat(error.get("error_description")).isInstanceOf(String.class);
      return;
    }
    assertThat(caller).as("introspection answered a client not allowed to").contains("rs");
    List<String> expected = parameter(body, "token").map(ACTIVE::get).orElse(null);
    if (expected == null) {
      assertThat(response.get("body")).isEqualTo(INACTIVE);
      return;
    }
    Map<String, Object> answer = EventFiles.body(response);
    assertThat(answer).containsEntry("active", true).containsEntry("client_id", expected.get(0));
    assertThat(List.of(answer.getOrDefault("jti", ""), answer.getOrDefault("sid", "")))
        .contains(expected.get(1));
  }

  /** A single form parameter as the handler reads it; empty if absent or the form is invalid. */
  static Optional<String> parameter(String body, String name) {
    try {
      return Form.parse(body).single(name);
    } catch (RequestRejected invalid) {
      return Optional.empty();
    }
  }
}
