package io.tokenbroker.functions.revocation;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.ECKey;
import io.tokenbroker.auth.ClientAuthenticator;
import io.tokenbroker.clients.Client;
import io.tokenbroker.discovery.BrokerEndpoints;
import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.http.Form;
import io.tokenbroker.json.Json;
import io.tokenbroker.keys.SigningKey;
import io.tokenbroker.refresh.RefreshFamily;
import io.tokenbroker.revocation.OperatorRevocations;
import io.tokenbroker.revocation.RevocationService;
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
import java.net.URI;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Hostile revocation requests (the hardening issue): the form body of {@code POST /revoke} and
 * {@code /revoke/iam} (RFC 7009: {@code token}, {@code token_type_hint}, client authentication),
 * and of the operators' {@code POST /admin/revocations} ({@code jti}, {@code client_id} or {@code
 * kid}), through the real {@link RevocationHandler} over in-memory stores. Every run starts from
 * the same state (a copy of the minted fixture). Allowed outcomes: 200, or a 4xx OAuth error; never
 * a 500, never an unexpected exception. A client only ever revokes its own tokens; an operator
 * request changes state only if it is valid, and then exactly what it names.
 *
 * <p>Clients {@code alice} and {@code bob} each have an EC key, an IAM role ({@code
 * arn:aws:iam::123456789012:role/<id>}) and one grant: an access token and a refresh token. The
 * clock stands at epoch 1800000000. Input ({@link FuzzInput}): the mode byte picks the route and
 * caller, the rest is the form body. Placeholders: {@code $ALICE_ACCESS}, {@code $ALICE_REFRESH},
 * {@code $BOB_ACCESS}, {@code $BOB_REFRESH} (the tokens), {@code $ALICE_ASSERTION}, {@code
 * $BOB_ASSERTION} (valid client assertions), {@code $ALICE_JTI}, {@code $BOB_JTI} (the access
 * tokens' jti) and {@code $KID} (the broker's signing key).
 */
class RevocationHandlerFuzzTest {

  static final Instant NOW = Instant.ofEpochSecond(1_800_000_000L);
  static final String OPERATOR = "arn:aws:sts::123456789012:assumed-role/broker-operator/ops";

  /** The standard OAuth errors (and our 403) the revocation endpoints may answer with. */
  static final Set<String> ERRORS =
      Set.of(
          "invalid_request",
          "invalid_client",
          "unauthorized_client",
          "unsupported_token_type",
          "access_denied");

  /** What a well-formed operator request names: as the verifier reads tokens and keys. */
  static final int MAX_JTI_LENGTH = 256;

  static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");
  static final Pattern KID = Pattern.compile("[A-Za-z0-9_-]{1,128}");

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
          ClientAssertions.sign(
              id.equals("alice") ? ALICE_KEY : BOB_KEY,
              JWSAlgorithm.ES256,
              ClientAssertions.claims(id, BrokerKit.ISSUER + "/token", NOW).build());
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
  record Run(BrokerKit kit, RecordingTelemetry telemetry, RevocationHandler handler) {

    static Run start() {
      BrokerKit kit = MINTED.copy();
      RecordingTelemetry telemetry = new RecordingTelemetry();
      ClientAuthenticator authenticator =
          new ClientAuthenticator(
              CLIENTS,
              new InMemoryReplayGuard(),
              new BrokerEndpoints(URI.create(BrokerKit.ISSUER)),
              kit.clock,
              Duration.ofMinutes(5),
              Duration.ofSeconds(60));
      RevocationService revocations =
          new RevocationService(
              kit.anyAudience,
              kit.refreshTokens,
              kit.refreshes,
              kit.revocations,
              BrokerKit.SKEW,
              telemetry);
      OperatorRevocations operators =
          new OperatorRevocations(
              kit.issuances,
              kit.revocations,
              BrokerKit.MAX_LIFETIME,
              BrokerKit.SKEW,
              kit.clock,
              telemetry);
      return new Run(
          kit, telemetry, new RevocationHandler(authenticator, revocations, operators, telemetry));
    }

    /** The response: status and body, after checking what every response must be. */
    Map<String, Object> post(String route, Optional<String> callerArn, String body) {
      Map<String, Object> response =
          EventFiles.invoke(
              (in, out) -> handler.handleRequest(in, out, null),
              EventFiles.formPost(route, callerArn, body));
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

    /** Refresh families the store marks revoked. */
    Set<String> revokedFamilies() {
      Set<String> revoked = new HashSet<>();
      for (IssuedToken grant : GRANTS.values()) {
        String family = grant.record().sessionId().orElseThrow();
        if (kit.refreshTokens.family(family).map(RefreshFamily::revoked).orElse(false)) {
          revoked.add(family);
        }
      }
      return revoked;
    }
  }

  /**
   * RFC 7009 revocation by a client. Mode: 0, {@code /revoke} (client assertion in the form); 1,
   * {@code /revoke/iam} as alice's role; 2, the same as bob's; 3, {@code /revoke/iam} without an
   * IAM identity.
   */
  @FuzzTest(maxDuration = "2m")
  void revoke(byte[] data) {
    FuzzInput input = FuzzInput.of(data, 4);
    String body = FuzzInput.substitute(input.text(), PLACEHOLDERS);
    Optional<String> caller =
        switch (input.mode()) {
          case 1 -> Optional.of("alice");
          case 2 -> Optional.of("bob");
          case 3 -> Optional.empty();
          default -> parameter(body, "client_assertion").map(ASSERTIONS::get);
        };
    Run run = Run.start();
    InMemoryRevocations.State before = run.kit().revocations.state();
    Set<String> familiesBefore = run.revokedFamilies();

    Map<String, Object> response =
        run.post(
            input.mode() == 0 ? "/revoke" : RevocationHandler.REVOKE_IAM,
            input.mode() == 1 || input.mode() == 2
                ? caller.map(RevocationHandlerFuzzTest::callerArn)
                : Optional.empty(),
            body);

    InMemoryRevocations.State after = run.kit().revocations.state();
    if ((Long) response.get("statusCode") != 200) {
      assertThat(after).as("a refused request changed state").isEqualTo(before);
      assertThat(run.revokedFamilies()).isEqualTo(familiesBefore);
      return;
    }
    assertThat(response.get("body")).isEqualTo("");
    assertThat(caller).as("revocation accepted without client authentication").isPresent();
    IssuedToken own = GRANTS.get(caller.get());
    String ownFamily = own.record().sessionId().orElseThrow();
    // Whatever changed belongs to the caller: another client's token is never revoked.
    assertThat(difference(after.tokens(), before.tokens())).isSubsetOf(own.record().jti());
    assertThat(difference(after.families(), before.families())).isSubsetOf(ownFamily);
    assertThat(difference(run.revokedFamilies(), familiesBefore)).isSubsetOf(ownFamily);
    assertThat(after.keys()).isEqualTo(before.keys());
    assertThat(after.watermarks()).isEqualTo(before.watermarks());
    // And the caller's own token, if that is what it sent, is revoked now.
    Optional<String> token = parameter(body, "token");
    if (token.equals(Optional.of(own.accessToken()))) {
      assertThat(after.tokens()).contains(own.record().jti());
    }
    if (token.equals(own.refreshToken())) {
      assertThat(after.families()).contains(ownFamily);
      assertThat(run.revokedFamilies()).contains(ownFamily);
    }
  }

  /**
   * Operator revocation. Mode: 0, {@code /admin/revocations} with an operator's IAM identity; 1,
   * without one.
   */
  @FuzzTest(maxDuration = "2m")
  void adminRevocation(byte[] data) throws ParseException {
    FuzzInput input = FuzzInput.of(data, 2);
    String body = FuzzInput.substitute(input.text(), PLACEHOLDERS);
    Run run = Run.start();
    InMemoryRevocations.State before = run.kit().revocations.state();
    Set<String> familiesBefore = run.revokedFamilies();

    Map<String, Object> response =
        run.post(
            RevocationHandler.ADMIN,
            input.mode() == 0 ? Optional.of(OPERATOR) : Optional.empty(),
            body);

    InMemoryRevocations.State after = run.kit().revocations.state();
    assertThat(run.revokedFamilies()).isEqualTo(familiesBefore);
    if ((Long) response.get("statusCode") != 200) {
      assertThat(after).as("a refused request changed state").isEqualTo(before);
      return;
    }
    assertThat(input.mode()).as("revocation accepted without an operator identity").isZero();
    Form form = Form.parse(body);
    Optional<String> jti = form.single("jti");
    Optional<String> clientId = form.single("client_id");
    Optional<String> kid = form.single("kid");
    assertThat(List.of(jti, clientId, kid)).filteredOn(Optional::isPresent).hasSize(1);
    Map<?, ?> revoked = (Map<?, ?>) Json.object((String) response.get("body")).get("revoked");
    // Exactly what the request named, and only something a token could carry.
    Set<String> tokens = new HashSet<>(before.tokens());
    Set<String> keys = new HashSet<>(before.keys());
    Set<String> watermarked = new HashSet<>(before.watermarks().keySet());
    if (jti.isPresent()) {
      assertThat(jti.get()).hasSizeLessThanOrEqualTo(MAX_JTI_LENGTH);
      assertThat(revoked.get("jti")).isEqualTo(jti.get());
      tokens.add(jti.get());
    } else if (clientId.isPresent()) {
      assertThat(clientId.get()).matches(CLIENT_ID);
      assertThat(revoked.get("client_id")).isEqualTo(clientId.get());
      watermarked.add(clientId.get());
    } else {
      assertThat(kid.get()).matches(KID);
      assertThat(revoked.get("kid")).isEqualTo(kid.get());
      keys.add(kid.get());
    }
    assertThat(after.tokens()).isEqualTo(tokens);
    assertThat(after.keys()).isEqualTo(keys);
    assertThat(after.watermarks().keySet()).isEqualTo(watermarked);
    assertThat(after.families()).isEqualTo(before.families());
  }

  /** A single form parameter as the handler reads it; empty if absent or the form is invalid. */
  static Optional<String> parameter(String body, String name) {
    try {
      return Form.parse(body).single(name);
    } catch (RequestRejected invalid) {
      return Optional.empty();
    }
  }

  static Set<String> difference(Set<String> after, Set<String> before) {
    Set<String> added = new HashSet<>(after);
    added.removeAll(before);
    return added;
  }
}
