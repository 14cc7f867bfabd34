package io.tokenbroker.functions.revocation;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.ECKey;
import io.tokenbroker.adapters.http.ClientAuthentication;
import io.tokenbroker.auth.ClientAssertionVerifier;
import io.tokenbroker.auth.IamAuthenticator;
import io.tokenbroker.clients.Client;
import io.tokenbroker.discovery.BrokerEndpoints;
import io.tokenbroker.keys.SigningKey;
import io.tokenbroker.oauth.RevocationService;
import io.tokenbroker.operator.AuditEntry;
import io.tokenbroker.operator.AuditTrail;
import io.tokenbroker.operator.OperatorPrincipals;
import io.tokenbroker.operator.OperatorRevocations;
import io.tokenbroker.testing.BrokerKit;
import io.tokenbroker.testing.ClientAssertions;
import io.tokenbroker.testing.Clients;
import io.tokenbroker.testing.EventFiles;
import io.tokenbroker.testing.InMemoryClientRepository;
import io.tokenbroker.testing.InMemoryOperatorAudit;
import io.tokenbroker.testing.InMemoryReplayGuard;
import io.tokenbroker.testing.RecordingTelemetry;
import io.tokenbroker.testing.TestKeys;
import io.tokenbroker.tokens.IssuedToken;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The revocation handler over in-memory stores, for the fuzz target and the limit tests: clients
 * {@code alice} and {@code bob}, each with an EC key, an IAM role ({@code
 * arn:aws:iam::123456789012:role/<id>}) and one grant (an access and a refresh token), minted once;
 * every {@link Run} starts from a copy of that state. The clock stands at epoch 1800000000.
 */
final class RevocationFixture {

  private RevocationFixture() {}

  static final Instant NOW = Instant.ofEpochSecond(1_800_000_000L);
  static final String OPERATOR = "arn:aws:sts::123456789012:assumed-role/broker-operator/ops";
  static final String OPERATOR_ROLE = "arn:aws:iam::123456789012:role/broker-operator";

  /** The standard OAuth errors (and our 403) the revocation endpoints may answer with. */
  static final Set<String> ERRORS =
      Set.of(
          "invalid_request",
          "invalid_client",
          "unauthorized_client",
          "unsupported_token_type",
          "access_denied");

  static final ECKey ALICE_KEY = TestKeys.ec();
  static final ECKey BOB_KEY = TestKeys.ec();
  static final InMemoryClientRepository CLIENTS = new InMemoryClientRepository();
  static final BrokerKit MINTED = new BrokerKit();
  static final Map<String, IssuedToken> GRANTS = new HashMap<>();
  static final Map<String, String> PLACEHOLDERS = new HashMap<>();
  static final Map<String, String> ASSERTIONS = new HashMap<>();

  static {
    MINTED.clock.set(NOW);
    for (var client : List.of(client("alice", ALICE_KEY), client("bob", BOB_KEY))) {
      CLIENTS.add(client);
      String id = client.clientId();
      String upper = id.toUpperCase(java.util.Locale.ROOT);
      IssuedToken grant = MINTED.issue(BrokerKit.caller(client), "");
      GRANTS.put(id, grant);
      String assertion =
          ClientAssertions.signed(
              id.equals("alice") ? ALICE_KEY : BOB_KEY, id, BrokerKit.ISSUER + "/token", NOW);
      ASSERTIONS.put(assertion, id);
      PLACEHOLDERS.put("$" + upper + "_ACCESS", grant.accessToken());
      PLACEHOLDERS.put("$" + upper + "_REFRESH", grant.refreshToken().orElseThrow());
      PLACEHOLDERS.put("$" + upper + "_ASSERTION", assertion);
      PLACEHOLDERS.put("$" + upper + "_JTI", grant.record().jti());
    }
    PLACEHOLDERS.put(
        "$KID", MINTED.keyTable.findAll().stream().map(SigningKey::kid).findFirst().orElseThrow());
  }

  static Client client(String id, ECKey key) {
    Map<String, Object> json = Clients.withKeys(Clients.json(id), key);
    json.put("iam_roles", List.of("arn:aws:iam::123456789012:role/" + id));
    json.put("refresh_tokens", Map.of("enabled", true));
    return Clients.parse(json);
  }

  static String callerArn(String clientId) {
    return "arn:aws:sts::123456789012:assumed-role/" + clientId + "/session-1";
  }

  /** The handler over a fresh copy of the minted state. */
  record Run(
      BrokerKit kit,
      RecordingTelemetry telemetry,
      RevocationHandler handler,
      InMemoryOperatorAudit audit) {

    static Run start() {
      BrokerKit kit = MINTED.copy();
      RecordingTelemetry telemetry = new RecordingTelemetry();
      ClientAuthentication authenticator =
          new ClientAuthentication(
              new IamAuthenticator(CLIENTS),
              new ClientAssertionVerifier(
                  CLIENTS,
                  new InMemoryReplayGuard(),
                  new BrokerEndpoints(URI.create(BrokerKit.ISSUER)),
                  kit.clock,
                  Duration.ofMinutes(5),
                  Duration.ofSeconds(60)),
              BrokerKit.ISSUER);
      RevocationService revocations =
          new RevocationService(
              kit.anyAudience, kit.refreshTokens, kit.familyRevocation, kit.revocations, telemetry);
      OperatorRevocations operators =
          new OperatorRevocations(
              kit.issuances,
              kit.revocations,
              kit.keyTable::find,
              BrokerKit.MAX_LIFETIME,
              kit.clock,
              telemetry);
      InMemoryOperatorAudit audit = new InMemoryOperatorAudit(kit.clock);
      return new Run(
          kit,
          telemetry,
          new RevocationHandler(
              authenticator,
              revocations,
              operators,
              new AuditTrail(audit, AuditEntry.ADMIN_ROUTE, kit.clock),
              OperatorPrincipals.parse(OPERATOR_ROLE),
              telemetry),
          audit);
    }

    /** The response: status and body, after checking what every response must be. */
    Map<String, Object> post(String route, Optional<String> callerArn, String body) {
      return invoke(EventFiles.formPost(route, callerArn, body));
    }

    /** The response to an event, after checking what every response must be. */
    Map<String, Object> invoke(Map<String, Object> event) {
      return invokeRaw(com.nimbusds.jose.util.JSONObjectUtils.toJSONString(event));
    }

    /** The response to input that may not even be an event. */
    Map<String, Object> invokeRaw(String input) {
      Map<String, Object> response =
          EventFiles.invokeRaw((in, out) -> handler.handleRequest(in, out, null), input);
      assertThat(telemetry.named("unexpected.failure")).isEmpty();
      assertThat(telemetry.named("dependency.failed")).isEmpty();
      assertThat(EventFiles.headers(response)).containsEntry("Cache-Control", "no-store");
      long status = (Long) response.get("statusCode");
      if (status != 200) {
        assertThat(status).isBetween(400L, 499L);
        Map<String, Object> error = EventFiles.body(response);
        assertThat(error.get("error")).isIn(ERRORS);
        assertThat(error.get("error_description")).isInstanceOf(String.class);
      }
      return response;
    }

    /** Refresh families the revocations table revokes (by sid). */
    Set<String> revokedFamilies() {
      Set<String> revoked = new HashSet<>();
      for (IssuedToken grant : GRANTS.values()) {
        String family = grant.record().sessionId().orElseThrow();
        if (kit.revocations.familyRevoked(family)) {
          revoked.add(family);
        }
      }
      return revoked;
    }
  }
}
