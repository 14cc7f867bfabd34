package io.tokenbroker.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.nimbusds.jwt.SignedJWT;
import io.tokenbroker.adapters.http.Form;
import io.tokenbroker.auth.AuthMethod;
import io.tokenbroker.auth.AuthenticatedClient;
import io.tokenbroker.auth.ClientAuthenticationRules;
import io.tokenbroker.auth.DecoyClientPresented;
import io.tokenbroker.clients.Client;
import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.federation.FederatedAuthentication;
import io.tokenbroker.jose.Actor;
import io.tokenbroker.jose.Ancestor;
import io.tokenbroker.jose.Confirmation;
import io.tokenbroker.testing.BrokerKit;
import io.tokenbroker.testing.Clients;
import io.tokenbroker.testing.InMemoryClientRepository;
import io.tokenbroker.tokens.ExchangeRequest;
import io.tokenbroker.tokens.ExchangedFrom;
import io.tokenbroker.tokens.GrantLimits;
import io.tokenbroker.tokens.IssuedToken;
import io.tokenbroker.tokens.TokenRequest;
import io.tokenbroker.verify.VerifiedToken;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Down-scoping and delegation of broker tokens (RFC 8693) over in-memory ports and real keys: every
 * narrowing rule and every refusal, judged by verifying what was minted.
 */
class OwnTokenExchangeTest {

  private static final String A = "https://orders.example.com";
  private static final String B = "https://billing.example.com";
  private static final String JKT = "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs";

  private final BrokerKit kit = new BrokerKit();
  private final InMemoryClientRepository clients = new InMemoryClientRepository();
  private final AtomicReference<FederatedAuthentication.FederatedClient> outside =
      new AtomicReference<>();
  private final List<String> federatedCalls = new java.util.ArrayList<>();
  private final FederatedAuthentication federation =
      new FederatedAuthentication() {
        @Override
        public FederatedClient authenticate(String clientId, String token) {
          return authenticate(clientId, token, "subject_token");
        }

        @Override
        public FederatedClient authenticate(String clientId, String token, String parameter) {
          federatedCalls.add(clientId + " " + token + " as " + parameter);
          // As TrustPolicyAuthentication: the client must exist, be enabled and be no decoy.
          ClientAuthenticationRules.enabledClient(clients, clientId, c -> false);
          FederatedClient federated = outside.get();
          if (federated == null || !federated.client().client().clientId().equals(clientId)) {
            throw RequestRejected.invalidRequest(
                ExchangeReason.NOT_SUPPORTED, parameter + " is not acceptable");
          }
          return federated;
        }
      };
  private final TokenExchangeService exchanges =
      new TokenExchangeService(
          BrokerKit.ISSUER,
          federation,
          new OwnTokenExchange(BrokerKit.ISSUER, kit.anyAudience, clients, kit.tokens, kit.clock),
          kit.tokens);

  private Client user =
      client(
          "user",
          List.of("orders:read", "orders:write", "reports:read"),
          List.of(A, B),
          2,
          "agent-1");
  private Client agent1 =
      client("agent-1", List.of("orders:read", "orders:write"), List.of(A), 2, "agent-2");
  private Client agent2 = client("agent-2", List.of("orders:read", "reports:read"), List.of(A), 2);
  private final Client stranger = client("stranger", List.of("orders:read"), List.of(A), 2);

  private Client client(
      String id, List<String> scopes, List<String> audiences, int depth, String... mayAct) {
    Map<String, Object> json = Clients.json(id);
    json.put("iam_roles", List.of("arn:aws:iam::123456789012:role/" + id));
    json.put("scopes", scopes);
    json.put("default_scopes", List.of(scopes.getFirst()));
    json.put("audiences", audiences);
    json.put("max_delegation_depth", depth);
    if (mayAct.length > 0) {
      json.put("may_act", List.of(mayAct));
    }
    return clients.add(Clients.parse(json));
  }

  /** The caller authenticated as {@code client}'s current registration. */
  private Optional<AuthenticatedClient> as(Client client) {
    return Optional.of(BrokerKit.caller(clients.find(client.clientId()).get()));
  }

  private String token(Client client, String scope, String audience) {
    return kit.issue(
            as(client).get(),
            "&scope=" + scope.replace(" ", "%20") + "&audience=" + encode(audience))
        .accessToken();
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private IssuedToken exchange(
      Optional<AuthenticatedClient> caller,
      String subjectToken,
      Optional<String> actorToken,
      String more,
      Optional<Confirmation> binding) {
    String form =
        "grant_type="
            + encode(TokenRequest.TOKEN_EXCHANGE)
            + "&subject_token="
            + subjectToken
            + "&subject_token_type="
            + encode(ExchangeRequest.ACCESS_TOKEN)
            + actorToken
                .map(t -> "&actor_token=" + t + "&actor_token_type=" + encode(ExchangeRequest.JWT))
                .orElse("")
            + more;
    TokenRequest request = TokenRequest.from(Form.parse(form));
    TokenExchangeService.Parties parties =
        exchanges.authenticate(
            caller, Form.parse(form).single("client_id"), request.exchange().get());
    return exchanges.issue(parties, request, kit.origin, binding);
  }

  private IssuedToken downScope(Client caller, String subject, String more) {
    return exchange(as(caller), subject, Optional.empty(), more, Optional.empty());
  }

  private IssuedToken delegate(Client caller, String subject, String actor, String more) {
    return exchange(as(caller), subject, Optional.of(actor), more, Optional.empty());
  }

  /** The lineage entry a token exchanged from {@code parent} carries for it. */
  private static Ancestor ancestorOf(VerifiedToken parent) {
    return new Ancestor(
        parent.jti(), parent.clientId(), parent.issuedAt(), parent.kid(), parent.sessionId());
  }

  private VerifiedToken verified(IssuedToken token) {
    return kit.anyAudience.verify(token.accessToken());
  }

  private static void refused(Runnable exchange, String error, String reason) {
    assertThatThrownBy(exchange::run)
        .isInstanceOfSatisfying(
            RequestRejected.class,
            e -> {
              assertThat(e.reason()).isEqualTo(reason);
              assertThat(e.error().code()).isEqualTo(error);
            });
  }

  // down-scoping

  @Test
  void downScopesToFewerScopesAndOneAudienceForTheSameClientAndSubject() throws Exception {
    String parent = token(user, "orders:read orders:write", A);
    VerifiedToken subject = kit.anyAudience.verify(parent);

    IssuedToken child = downScope(user, parent, "&scope=orders:read");
    VerifiedToken token = verified(child);

    assertThat(token.clientId()).isEqualTo("user");
    assertThat(token.subject()).isEqualTo(subject.subject());
    assertThat(token.scopes()).containsExactly("orders:read");
    assertThat(token.audiences()).containsExactly(A);
    assertThat(token.expiresAt()).isBeforeOrEqualTo(subject.expiresAt());
    assertThat(token.actor()).isEmpty();
    assertThat(token.lineage()).containsExactly(ancestorOf(subject));
    assertThat(child.record().exchangedFrom())
        .contains(
            new ExchangedFrom(Optional.empty(), Optional.of(subject.jti()), Optional.empty()));
    assertThat(kit.issuances.find(token.jti())).isPresent();
    assertThat(SignedJWT.parse(child.accessToken()).getJWTClaimsSet().getClaim("lineage"))
        .isEqualTo(
            List.of(
                Map.of(
                    "jti",
                    subject.jti(),
                    "client_id",
                    "user",
                    "iat",
                    subject.issuedAt().getEpochSecond(),
                    "kid",
                    subject.kid())));
  }

  @Test
  void aDownScopedTokenGetsTheSubjectsScopesAndOnlyAudienceByDefault() {
    String parent = token(user, "orders:read reports:read", A);

    VerifiedToken token = verified(downScope(user, parent, ""));

    assertThat(token.scopes()).containsExactly("orders:read", "reports:read");
    assertThat(token.audiences()).containsExactly(A);
  }

  @Test
  void downScopingNamesOneAudienceOfTheSubjects() {
    String parent = token(user, "orders:read", A);
    String both =
        kit.issue(
                BrokerKit.caller(user),
                "&scope=orders:read&audience=" + encode(A) + "&audience=" + encode(B))
            .accessToken();

    assertThat(verified(downScope(user, both, "&audience=" + encode(B))).audiences())
        .containsExactly(B);
    refused(() -> downScope(user, both, ""), "invalid_target", "audience_required");
    refused(
        () -> downScope(user, both, "&audience=" + encode(A) + "&audience=" + encode(B)),
        "invalid_target",
        "exchange_one_audience");
    refused(
        () -> downScope(user, parent, "&audience=" + encode(B)),
        "invalid_target",
        "audience_not_allowed");
  }

  @Test
  void downScopingNeverWidensTheScopes() {
    String parent = token(user, "orders:read", A);

    refused(
        () -> downScope(user, parent, "&scope=orders:read%20orders:write"),
        "invalid_scope",
        "scope_not_allowed");
  }

  @Test
  void aDownScopedTokenLivesNoLongerThanItsParentHasLeft() {
    String parent = token(user, "orders:read", A); // 5 minutes, the default
    VerifiedToken subject = kit.anyAudience.verify(parent);
    kit.clock.advance(Duration.ofMinutes(4));

    VerifiedToken token = verified(downScope(user, parent, "&expires_in=900"));

    assertThat(token.expiresAt()).isBeforeOrEqualTo(subject.expiresAt());
    assertThat(Duration.between(token.issuedAt(), token.expiresAt()))
        .isLessThanOrEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void onlyTheSubjectTokensOwnAuthenticatedClientDownScopes() {
    String parent = token(user, "orders:read", A);

    refused(
        () -> downScope(agent1, parent, ""),
        "invalid_request",
        "exchange_subject_token_of_another_client");
    refused(
        () -> exchange(Optional.empty(), parent, Optional.empty(), "", Optional.empty()),
        "invalid_request",
        "exchange_client_authentication_required");
  }

  @Test
  void aDownScopedTokenKeepsItsParentsActAndGrowsTheLineage() {
    String parent = token(user, "orders:read orders:write", A);
    String delegated = delegate(agent1, parent, token(agent1, "orders:read", A), "").accessToken();

    VerifiedToken narrowed = verified(downScope(agent1, delegated, "&scope=orders:read"));

    assertThat(narrowed.actor()).isEqualTo(kit.anyAudience.verify(delegated).actor());
    assertThat(narrowed.subject()).isEqualTo("user");
    assertThat(narrowed.lineage()).hasSize(2);
  }

  @Test
  void aDownScopedTokenStaysInItsParentsRefreshFamilyAndADelegatedOneInNone() {
    Map<String, Object> json = Clients.json("family-user");
    json.put("iam_roles", List.of("arn:aws:iam::123456789012:role/family-user"));
    json.put("refresh_tokens", Map.of("enabled", true));
    json.put("may_act", List.of("agent-1"));
    json.put("max_delegation_depth", 1);
    Client familyUser = clients.add(Clients.parse(json));
    IssuedToken parent = kit.issue(BrokerKit.caller(familyUser), "&scope=orders:read");
    String sid = parent.record().sessionId().orElseThrow();

    String narrowed = downScope(familyUser, parent.accessToken(), "").accessToken();
    String delegated =
        delegate(agent1, parent.accessToken(), token(agent1, "orders:read", A), "").accessToken();

    assertThat(kit.anyAudience.verify(narrowed).sessionId()).contains(sid);
    assertThat(kit.anyAudience.verify(delegated).sessionId()).isEmpty();
    // Revoking the family revokes the down-scoped child with its parent, by its sid.
    kit.revocations.revokeFamily(sid, kit.clock.instant().plusSeconds(900), "test");
    refused(() -> kit.anyAudience.verify(narrowed), "invalid_token", "refresh_family_revoked");
  }

  @Test
  void refusesAnInvalidOrRevokedSubjectTokenWithTheVerifiersReason() {
    String parent = token(user, "orders:read", A);
    kit.revocations.revokeToken(
        kit.anyAudience.verify(parent).jti(), kit.clock.instant().plusSeconds(900), "test");

    refused(() -> downScope(user, parent, ""), "invalid_request", "token_revoked");
    kit.clock.advance(Duration.ofHours(1));
    String expired = token(user, "orders:read", A);
    kit.clock.advance(Duration.ofMinutes(10));
    refused(() -> downScope(user, expired, ""), "invalid_request", "expired");
  }

  /** Issue 16: the decoy's jti and client reach the handler, which raises the alert. */
  @Test
  void refusesAHoneytokenSubjectTokenWithAReasonThatNamesTheDecoy() {
    String parent = token(user, "orders:read", A);
    VerifiedToken decoy = kit.anyAudience.verify(parent);
    kit.revocations.revokeToken(decoy.jti(), kit.clock.instant().plusSeconds(900), "honeytoken");

    assertThatThrownBy(() -> downScope(user, parent, ""))
        .isInstanceOfSatisfying(
            RequestRejected.class,
            e -> {
              assertThat(e.error().code()).isEqualTo("invalid_request");
              assertThat(e.rejectionReason())
                  .isEqualTo(
                      new io.tokenbroker.verify.HoneytokenPresented(
                          decoy.jti(), decoy.clientId(), decoy.sessionId()));
            });
  }

  @Test
  void aTokenIsExchangedAtMostSixGenerationsDeep() {
    String token = token(user, "orders:read", A);
    for (int i = 0; i < Ancestor.MAX_PER_TOKEN; i++) {
      token = downScope(user, token, "").accessToken();
    }
    String last = token;

    assertThat(kit.anyAudience.verify(last).lineage()).hasSize(Ancestor.MAX_PER_TOKEN);
    refused(() -> downScope(user, last, ""), "invalid_request", "exchange_lineage_too_long");
  }

  @Test
  void aSenderConstrainedSubjectTokenIsExchangedOnlyWithProofOfItsKey() {
    Optional<Confirmation> key = Optional.of(new Confirmation.DpopKey(JKT));
    String bound =
        kit.issue(BrokerKit.caller(user), "&scope=orders:read&audience=" + encode(A), key)
            .accessToken();

    refused(
        () -> exchange(as(user), bound, Optional.empty(), "", Optional.empty()),
        "invalid_request",
        "exchange_binding_not_proven");
    refused(
        () ->
            exchange(
                as(user),
                bound,
                Optional.empty(),
                "",
                Optional.of(new Confirmation.DpopKey(JKT.replace('N', 'M')))),
        "invalid_request",
        "exchange_binding_not_proven");
    assertThat(verified(exchange(as(user), bound, Optional.empty(), "", key)).confirmation())
        .isEqualTo(key);
  }

  // delegation

  @Test
  void twoHopsNarrowAtEachHopAndCarryTheActChain() {
    user = letsAct(user, "agent-1", "agent-2");
    String userToken = token(user, "orders:read orders:write reports:read", A);
    VerifiedToken subject = kit.anyAudience.verify(userToken);

    IssuedToken hop1 =
        delegate(
            agent1,
            userToken,
            token(agent1, "orders:read", A),
            "&scope=orders:read%20orders:write");
    VerifiedToken first = verified(hop1);
    IssuedToken hop2 =
        delegate(agent2, hop1.accessToken(), token(agent2, "orders:read", A), "&scope=orders:read");
    VerifiedToken second = verified(hop2);

    assertThat(first.clientId()).isEqualTo("agent-1");
    assertThat(first.subject()).isEqualTo("user");
    assertThat(first.scopes()).containsExactly("orders:read", "orders:write");
    assertThat(first.actor())
        .contains(new Actor("agent-1", Optional.of("agent-1"), Optional.empty(), Optional.empty()));
    assertThat(first.lineage()).containsExactly(ancestorOf(subject));
    assertThat(hop1.record().exchangedFrom().get().actorChain())
        .contains("{\"sub\":\"agent-1\",\"client_id\":\"agent-1\"}");

    assertThat(second.clientId()).isEqualTo("agent-2");
    assertThat(second.subject()).isEqualTo("user");
    assertThat(second.scopes()).containsExactly("orders:read");
    assertThat(second.delegationDepth()).isEqualTo(2);
    assertThat(second.actor().get().subject()).isEqualTo("agent-2");
    assertThat(second.actor().get().previous()).isEqualTo(first.actor());
    assertThat(second.lineage()).containsExactly(ancestorOf(subject), ancestorOf(first));
    assertThat(second.expiresAt()).isBeforeOrEqualTo(first.expiresAt());
  }

  @Test
  void aDelegatedTokenGetsTheScopesTheSubjectAndTheActorBothHoldByDefault() {
    String userToken = token(user, "orders:write reports:read", A);
    String hop1 = delegate(agent1, userToken, token(agent1, "orders:read", A), "").accessToken();

    assertThat(kit.anyAudience.verify(hop1).scopes()).containsExactly("orders:write");
  }

  @Test
  void aHopThatWidensTheScopesIsRefused() {
    String userToken = token(user, "orders:read", A);
    String actor = token(agent1, "orders:read", A);

    // orders:write: the actor client has it, the subject token does not.
    refused(
        () -> delegate(agent1, userToken, actor, "&scope=orders:read%20orders:write"),
        "invalid_scope",
        "scope_not_allowed");
    // reports:read: the subject token has it, the actor client does not.
    String wide = token(user, "orders:read reports:read", A);
    refused(
        () -> delegate(agent1, wide, actor, "&scope=reports:read"),
        "invalid_scope",
        "scope_not_allowed");
  }

  @Test
  void anAudienceOutsideTheSubjectsOrTheActorsIsRefused() {
    String userToken = token(user, "orders:read", B);

    refused(
        () -> delegate(agent1, userToken, token(agent1, "orders:read", A), ""),
        "invalid_target",
        "audience_required");
    refused(
        () ->
            delegate(agent1, userToken, token(agent1, "orders:read", A), "&audience=" + encode(A)),
        "invalid_target",
        "audience_not_allowed");
  }

  @Test
  void anActorNotInMayActIsRefused() {
    String userToken = token(user, "orders:read", A);

    refused(
        () -> delegate(stranger, userToken, token(stranger, "orders:read", A), ""),
        "invalid_request",
        "exchange_actor_not_allowed");
    // agent-2 may act for agent-1's tokens, not for the user's
    refused(
        () -> delegate(agent2, userToken, token(agent2, "orders:read", A), ""),
        "invalid_request",
        "exchange_actor_not_allowed");
  }

  /** Issue 16: a decoy actor is refused as an unknown client is, with a reason for the alert. */
  @Test
  void aDecoyActorClientIsRefusedAsAnUnknownClientWithAReasonThatNamesTheDecoy() {
    Map<String, Object> json = Clients.json("decoy-agent");
    json.put("decoy", true);
    json.put("iam_roles", List.of("arn:aws:iam::123456789012:role/decoy-agent"));
    clients.add(Clients.parse(json));
    String userToken = token(user, "orders:read", A);
    String outsideToken = "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJodHRwczovL2s4cy5leGFtcGxlLmNvbSJ9.c2ln";
    RequestRejected unknown =
        catchThrowableOfType(
            RequestRejected.class,
            () ->
                exchange(
                    Optional.empty(),
                    userToken,
                    Optional.of(outsideToken),
                    "&client_id=no-such-agent",
                    Optional.empty()));

    RequestRejected decoy =
        catchThrowableOfType(
            RequestRejected.class,
            () ->
                exchange(
                    Optional.empty(),
                    userToken,
                    Optional.of(outsideToken),
                    "&client_id=decoy-agent",
                    Optional.empty()));

    assertThat(decoy.error()).isEqualTo(unknown.error());
    assertThat(decoy.error().code()).isEqualTo("invalid_client");
    assertThat(decoy.description()).isEqualTo(unknown.description());
    assertThat(decoy.rejectionReason()).isEqualTo(new DecoyClientPresented("decoy-agent", false));
  }

  @Test
  void anActorTokenOfAnotherClientThanTheCallerIsRefused() {
    String userToken = token(user, "orders:read", A);
    String agent2Token = token(agent2, "orders:read", A);

    refused(
        () -> delegate(agent1, userToken, agent2Token, ""),
        "invalid_request",
        "exchange_actor_token_of_another_client");
    refused(
        () -> exchange(Optional.empty(), userToken, Optional.of(agent2Token), "", Optional.empty()),
        "invalid_request",
        "exchange_actor_token_of_another_client");
  }

  @Test
  void aChainDeeperThanAnyClientInItAllowsIsRefused() {
    user = letsAct(user, "agent-1", "agent-2");
    // agent-2 allows chains of 1 only: the second hop (depth 2) is refused because of it ...
    clients.save(withDepth(agent2, 1), agent2.version());
    String hop1 =
        delegate(agent1, token(user, "orders:read", A), token(agent1, "orders:read", A), "")
            .accessToken();
    refused(
        () -> delegate(agent2, hop1, token(agent2, "orders:read", A), ""),
        "invalid_request",
        "exchange_delegation_too_deep");
    // ... and equally when it is the original subject's client (in the lineage) that allows 1.
    clients.save(
        withDepth(clients.find("agent-2").get(), 2), clients.find("agent-2").get().version());
    clients.save(withDepth(user, 1), user.version());
    refused(
        () -> delegate(agent2, hop1, token(agent2, "orders:read", A), ""),
        "invalid_request",
        "exchange_delegation_too_deep");
    clients.save(withDepth(clients.find("user").get(), 2), clients.find("user").get().version());
    assertThat(
            verified(delegate(agent2, hop1, token(agent2, "orders:read", A), "")).delegationDepth())
        .isEqualTo(2);
  }

  /** {@code client}'s registration, saved with {@code may_act} set to {@code actors}. */
  private Client letsAct(Client client, String... actors) {
    Client current = clients.find(client.clientId()).get();
    Map<String, Object> json = io.tokenbroker.clients.ClientJson.toJson(current);
    json.put("may_act", List.of(actors));
    return clients.save(
        io.tokenbroker.clients.ClientJson.fromJson(json, current.version()), current.version());
  }

  private static Client withDepth(Client client, int depth) {
    Map<String, Object> json = io.tokenbroker.clients.ClientJson.toJson(client);
    json.put("max_delegation_depth", depth);
    return io.tokenbroker.clients.ClientJson.fromJson(json, client.version());
  }

  @Test
  void aDelegatedTokenIsRevokedWithItsParentAndItsParentsClient() {
    String userToken = token(user, "orders:read", A);
    VerifiedToken subject = kit.anyAudience.verify(userToken);
    String hop1 = delegate(agent1, userToken, token(agent1, "orders:read", A), "").accessToken();
    String narrowed = downScope(agent1, hop1, "").accessToken();
    kit.revocations.revokeToken(subject.jti(), kit.clock.instant().plusSeconds(900), "test");

    refused(() -> kit.anyAudience.verify(hop1), "invalid_token", "ancestor_revoked");
    refused(() -> kit.anyAudience.verify(narrowed), "invalid_token", "ancestor_revoked");
  }

  @Test
  void aChildIsRevokedWhenItsParentsClientRevokesItsTokens() {
    String userToken = token(user, "orders:read", A);
    String child = downScope(user, userToken, "").accessToken();
    String hop1 = delegate(agent1, userToken, token(agent1, "orders:read", A), "").accessToken();
    kit.revocations.revokeClientTokensBefore(
        "user", kit.clock.instant().plusSeconds(1), kit.clock.instant().plusSeconds(900));

    refused(() -> kit.anyAudience.verify(child), "invalid_token", "client_tokens_revoked");
    refused(() -> kit.anyAudience.verify(hop1), "invalid_token", "ancestor_client_tokens_revoked");
  }

  @Test
  void anOutsideActorTokenAuthenticatesItsClientThroughFederation() {
    SortedSet<String> onlyRead = new TreeSet<>(List.of("orders:read"));
    outside.set(
        new FederatedAuthentication.FederatedClient(
            new AuthenticatedClient(agent1, AuthMethod.PRIVATE_KEY_JWT, "k8s"),
            new ExchangedFrom.OutsideIdentity(
                "https://k8s.example.com", "system:serviceaccount:ns:agent", new TreeMap<>(), "h"),
            new GrantLimits(
                Optional.of(onlyRead), Optional.empty(), Optional.empty(), Optional.empty()),
            FederatedAuthentication.SingleUse.NONE));
    String userToken = token(user, "orders:read orders:write", A);
    String k8s = "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJodHRwczovL2s4cy5leGFtcGxlLmNvbSJ9.c2ln";

    IssuedToken delegated =
        exchange(
            Optional.empty(), userToken, Optional.of(k8s), "&client_id=agent-1", Optional.empty());

    VerifiedToken token = verified(delegated);
    // the refusal of an outside actor token names actor_token, not subject_token
    assertThat(federatedCalls).containsExactly("agent-1 " + k8s + " as actor_token");
    assertThat(token.clientId()).isEqualTo("agent-1");
    assertThat(token.actor().get().clientId()).contains("agent-1");
    // the trust policy caps the grant: orders:write is not in it
    assertThat(token.scopes()).containsExactly("orders:read");
    assertThat(delegated.record().exchangedFrom().get().outsideIdentity().get().subject())
        .isEqualTo("system:serviceaccount:ns:agent");
    refused(
        () ->
            exchange(
                Optional.empty(),
                userToken,
                Optional.of(k8s),
                "&client_id=agent-1&scope=orders:write",
                Optional.empty()),
        "invalid_scope",
        "scope_not_allowed");
    // a credential of another client with it: refused
    refused(
        () ->
            exchange(
                as(agent2), userToken, Optional.of(k8s), "&client_id=agent-1", Optional.empty()),
        "invalid_request",
        "exchange_actor_client_mismatch");
  }

  // review fixes: consent, revocation with the parent, lifetime, token types, single use

  @Test
  void theSubjectsOriginalOwnerMustLetEveryActorInTheChainAct() {
    // user lets agent-1 act; agent-1 lets agent-2: without user's consent agent-2 is refused ...
    String hop1 =
        delegate(agent1, token(user, "orders:read", A), token(agent1, "orders:read", A), "")
            .accessToken();
    refused(
        () -> delegate(agent2, hop1, token(agent2, "orders:read", A), ""),
        "invalid_request",
        "exchange_actor_not_allowed");
    // ... and allowed once user names agent-2 too.
    letsAct(user, "agent-1", "agent-2");
    assertThat(
            verified(delegate(agent2, hop1, token(agent2, "orders:read", A), "")).delegationDepth())
        .isEqualTo(2);
    // agent-1 must still name agent-2 itself: the root's consent alone is not enough.
    letsAct(agent1, "stranger");
    refused(
        () -> delegate(agent2, hop1, token(agent2, "orders:read", A), ""),
        "invalid_request",
        "exchange_actor_not_allowed");
  }

  private Client familyUser() {
    Map<String, Object> json = Clients.json("family-user");
    json.put("iam_roles", List.of("arn:aws:iam::123456789012:role/family-user"));
    json.put("refresh_tokens", Map.of("enabled", true));
    json.put("may_act", List.of("agent-1"));
    json.put("max_delegation_depth", 1);
    return clients.add(Clients.parse(json));
  }

  @Test
  void aDelegatedChildIsRevokedWithItsParentsRefreshFamily() {
    Client familyUser = familyUser();
    IssuedToken parent = kit.issue(BrokerKit.caller(familyUser), "&scope=orders:read");
    String sid = parent.record().sessionId().orElseThrow();
    String delegated =
        delegate(agent1, parent.accessToken(), token(agent1, "orders:read", A), "").accessToken();
    // down-scoped first (keeps sid), then delegated: the grandchild has no sid of its own
    String narrowed = downScope(familyUser, parent.accessToken(), "").accessToken();
    String fromNarrowed =
        delegate(agent1, narrowed, token(agent1, "orders:read", A), "").accessToken();
    assertThat(kit.anyAudience.verify(delegated).sessionId()).isEmpty();
    assertThat(kit.anyAudience.verify(fromNarrowed).sessionId()).isEmpty();

    kit.revocations.revokeFamily(sid, kit.clock.instant().plusSeconds(900), "refresh reused");

    refused(
        () -> kit.anyAudience.verify(parent.accessToken()),
        "invalid_token",
        "refresh_family_revoked");
    refused(() -> kit.anyAudience.verify(delegated), "invalid_token", "ancestor_revoked");
    refused(() -> kit.anyAudience.verify(fromNarrowed), "invalid_token", "ancestor_revoked");
  }

  @Test
  void aChildSignedByAnotherKeyIsRevokedWithItsParentsSigningKey() {
    String userToken = token(user, "orders:read", A);
    VerifiedToken parent = kit.anyAudience.verify(userToken);
    // the key that signed the parent is succeeded; the child is signed by the new key
    io.tokenbroker.keys.SigningKey k1 = kit.keyTable.find(parent.kid()).orElseThrow();
    kit.keyTable.write(
        List.of(
            io.tokenbroker.keys.SigningKey.created(
                kit.kms.create(com.nimbusds.jose.JWSAlgorithm.RS256, "test-creation"),
                io.tokenbroker.keys.KeyState.ACTIVE,
                kit.clock.instant())),
        List.of(k1.moveTo(io.tokenbroker.keys.KeyState.RETIRED, kit.clock.instant())));
    String child = delegate(agent1, userToken, token(agent1, "orders:read", A), "").accessToken();
    assertThat(kit.anyAudience.verify(child).kid()).isNotEqualTo(parent.kid());

    // brokerctl keys compromise K1 revokes every token K1 signed
    kit.revocations.revokeKey(parent.kid(), kit.clock.instant().plusSeconds(900), "compromise");

    refused(() -> kit.anyAudience.verify(userToken), "invalid_token", "signing_key_revoked");
    refused(() -> kit.anyAudience.verify(child), "invalid_token", "ancestor_revoked");
  }

  @Test
  void aChildIsRevokedExactlyWhenItsParentIsByItsClientsWatermark() {
    String userToken = token(user, "orders:read", A);
    kit.clock.advance(Duration.ofSeconds(30));
    String child = delegate(agent1, userToken, token(agent1, "orders:read", A), "").accessToken();
    // user revokes its tokens issued before a moment between the parent's iat and the child's
    kit.revocations.revokeClientTokensBefore(
        "user", kit.clock.instant().minusSeconds(10), kit.clock.instant().plusSeconds(900));

    refused(() -> kit.anyAudience.verify(userToken), "invalid_token", "client_tokens_revoked");
    refused(() -> kit.anyAudience.verify(child), "invalid_token", "ancestor_client_tokens_revoked");
  }

  @Test
  void aChildNeverOutlivesItsParentHoweverLongTheExchangeTakes() {
    String parent = token(user, "orders:read", A); // 5 minutes
    VerifiedToken subject = kit.anyAudience.verify(parent);
    kit.clock.advance(Duration.ofMinutes(4));
    TokenRequest request = request(parent, Optional.of(token(agent1, "orders:read", A)), "");
    TokenExchangeService.Parties parties =
        exchanges.authenticate(as(agent1), Optional.empty(), request.exchange().get());
    // checked with 59 s left; the actor's verification, a JWKS fetch, KMS take 30 s
    kit.clock.advance(Duration.ofSeconds(30));

    VerifiedToken child =
        kit.anyAudience.verify(
            exchanges.issue(parties, request, kit.origin, Optional.empty()).accessToken());

    assertThat(child.expiresAt()).isEqualTo(subject.expiresAt().minusSeconds(1));
    // and once the parent has expired meanwhile, nothing is minted
    TokenExchangeService.Parties late =
        exchanges.authenticate(as(agent1), Optional.empty(), request.exchange().get());
    kit.clock.advance(Duration.ofSeconds(40));
    refused(
        () -> exchanges.issue(late, request, kit.origin, Optional.empty()),
        "invalid_request",
        "exchanged_token_expired");
  }

  private TokenRequest request(String subjectToken, Optional<String> actorToken, String more) {
    return typedRequest(
        subjectToken, ExchangeRequest.ACCESS_TOKEN, actorToken, ExchangeRequest.JWT, more);
  }

  private static TokenRequest typedRequest(
      String subjectToken,
      String subjectType,
      Optional<String> actorToken,
      String actorType,
      String more) {
    return TokenRequest.from(
        Form.parse(
            "grant_type="
                + encode(TokenRequest.TOKEN_EXCHANGE)
                + "&subject_token="
                + subjectToken
                + "&subject_token_type="
                + encode(subjectType)
                + actorToken
                    .map(t -> "&actor_token=" + t + "&actor_token_type=" + encode(actorType))
                    .orElse("")
                + more));
  }

  private IssuedToken exchangeTyped(
      Optional<AuthenticatedClient> caller,
      String subjectToken,
      String subjectType,
      Optional<String> actorToken,
      String actorType,
      String more) {
    TokenRequest request = typedRequest(subjectToken, subjectType, actorToken, actorType, more);
    TokenExchangeService.Parties parties =
        exchanges.authenticate(
            caller,
            Form.parse(more.isEmpty() ? "x=y" : more.substring(1)).single("client_id"),
            request.exchange().get());
    return exchanges.issue(parties, request, kit.origin, Optional.empty());
  }

  @Test
  void brokerTokensAreAccessTokensOrJwtsAndOutsideActorTokensJwtsOrIdTokens() {
    String userToken = token(user, "orders:read", A);
    String actorToken = token(agent1, "orders:read", A);
    String k8s = "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJodHRwczovL2s4cy5leGFtcGxlLmNvbSJ9.c2ln";
    outside.set(federatedAgent1(FederatedAuthentication.SingleUse.NONE));

    refused(
        () ->
            exchangeTyped(as(user), userToken, ExchangeRequest.ID_TOKEN, Optional.empty(), "", ""),
        "invalid_request",
        "exchange_token_type_not_accepted");
    refused(
        () ->
            exchangeTyped(
                as(agent1),
                userToken,
                ExchangeRequest.ACCESS_TOKEN,
                Optional.of(actorToken),
                ExchangeRequest.ID_TOKEN,
                ""),
        "invalid_request",
        "exchange_token_type_not_accepted");
    refused(
        () ->
            exchangeTyped(
                Optional.empty(),
                userToken,
                ExchangeRequest.ACCESS_TOKEN,
                Optional.of(k8s),
                ExchangeRequest.ACCESS_TOKEN,
                "&client_id=agent-1"),
        "invalid_request",
        "federation_token_type_not_accepted");

    assertThat(exchangeTyped(as(user), userToken, ExchangeRequest.JWT, Optional.empty(), "", ""))
        .isNotNull();
    assertThat(
            exchangeTyped(
                as(agent1),
                userToken,
                ExchangeRequest.JWT,
                Optional.of(actorToken),
                ExchangeRequest.ACCESS_TOKEN,
                ""))
        .isNotNull();
    assertThat(
            exchangeTyped(
                Optional.empty(),
                userToken,
                ExchangeRequest.ACCESS_TOKEN,
                Optional.of(k8s),
                ExchangeRequest.ID_TOKEN,
                "&client_id=agent-1"))
        .isNotNull();
  }

  @Test
  void aDelegatedActorTokenIsRefusedRatherThanLosingItsChain() {
    user = letsAct(user, "agent-1", "agent-2");
    String hop1 =
        delegate(agent1, token(user, "orders:read", A), token(agent1, "orders:read", A), "")
            .accessToken();
    // agent-1's delegated token (act: agent-1 for user) offered as its actor token
    String otherUserToken = token(user, "orders:read", A);

    refused(
        () -> delegate(agent1, otherUserToken, hop1, ""),
        "invalid_request",
        "exchange_actor_token_delegated");
  }

  private FederatedAuthentication.FederatedClient federatedAgent1(
      FederatedAuthentication.SingleUse singleUse) {
    return new FederatedAuthentication.FederatedClient(
        new AuthenticatedClient(clients.find("agent-1").get(), AuthMethod.PRIVATE_KEY_JWT, "k8s"),
        new ExchangedFrom.OutsideIdentity(
            "https://k8s.example.com", "system:serviceaccount:ns:agent", new TreeMap<>(), "h"),
        new GrantLimits(
            Optional.of(new TreeSet<>(List.of("orders:read"))),
            Optional.empty(),
            Optional.empty(),
            Optional.empty()),
        singleUse);
  }

  @Test
  void anOutsideActorsSingleUseIsSpentOnlyByAnExchangeThatMints() {
    java.util.concurrent.atomic.AtomicInteger spent =
        new java.util.concurrent.atomic.AtomicInteger();
    outside.set(federatedAgent1(spent::incrementAndGet));
    String k8s = "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJodHRwczovL2s4cy5leGFtcGxlLmNvbSJ9.c2ln";
    String userToken = token(user, "orders:read orders:write", A);

    // refused by may_act (stranger's token): the outside issuer is not even asked
    refused(
        () ->
            exchange(
                Optional.empty(),
                token(stranger, "orders:read", A),
                Optional.of(k8s),
                "&client_id=agent-1",
                Optional.empty()),
        "invalid_request",
        "exchange_actor_not_allowed");
    assertThat(federatedCalls).isEmpty();
    // refused by depth: agent-1 acts for nobody and allows no chain now
    Client current = clients.find("agent-1").get();
    Map<String, Object> json = io.tokenbroker.clients.ClientJson.toJson(current);
    json.remove("may_act");
    json.put("max_delegation_depth", 0);
    clients.save(
        io.tokenbroker.clients.ClientJson.fromJson(json, current.version()), current.version());
    refused(
        () ->
            exchange(
                Optional.empty(),
                userToken,
                Optional.of(k8s),
                "&client_id=agent-1",
                Optional.empty()),
        "invalid_request",
        "exchange_delegation_too_deep");
    assertThat(federatedCalls).isEmpty();
    Client shallow = clients.find("agent-1").get();
    clients.save(withDepth(shallow, 2), shallow.version());
    letsAct(agent1, "agent-2");
    outside.set(federatedAgent1(spent::incrementAndGet));
    // refused by the grant (scope outside the policy) and by the binding: not spent
    refused(
        () ->
            exchange(
                Optional.empty(),
                userToken,
                Optional.of(k8s),
                "&client_id=agent-1&scope=orders:write",
                Optional.empty()),
        "invalid_scope",
        "scope_not_allowed");
    String bound =
        kit.issue(
                BrokerKit.caller(user),
                "&scope=orders:read&audience=" + encode(A),
                Optional.of(new Confirmation.DpopKey(JKT)))
            .accessToken();
    refused(
        () ->
            exchange(
                Optional.empty(), bound, Optional.of(k8s), "&client_id=agent-1", Optional.empty()),
        "invalid_request",
        "exchange_binding_not_proven");
    assertThat(spent).hasValue(0);

    exchange(Optional.empty(), userToken, Optional.of(k8s), "&client_id=agent-1", Optional.empty());

    assertThat(spent).hasValue(1);
  }

  @Test
  void aReplayedOutsideActorTokenMintsNothing() {
    outside.set(
        federatedAgent1(
            () -> {
              throw RequestRejected.invalidRequest(
                  io.tokenbroker.federation.FederationReason.REPLAYED, "replayed");
            }));
    String k8s = "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJodHRwczovL2s4cy5leGFtcGxlLmNvbSJ9.c2ln";
    String userToken = token(user, "orders:read", A);
    int recorded = kit.issuances.all().size();

    assertThatThrownBy(
            () ->
                exchange(
                    Optional.empty(),
                    userToken,
                    Optional.of(k8s),
                    "&client_id=agent-1",
                    Optional.empty()))
        .isInstanceOf(RequestRejected.class);
    assertThat(kit.issuances.all().size()).isEqualTo(recorded);
  }
}
