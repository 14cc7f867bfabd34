package io.tokenbroker.oauth;

import io.tokenbroker.auth.AuthenticatedClient;
import io.tokenbroker.clients.Client;
import io.tokenbroker.clients.ClientRepository;
import io.tokenbroker.errors.OAuthError;
import io.tokenbroker.errors.RejectionReason;
import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.federation.FederatedAuthentication;
import io.tokenbroker.federation.FederationReason;
import io.tokenbroker.jose.Actor;
import io.tokenbroker.jose.Ancestor;
import io.tokenbroker.jose.Confirmation;
import io.tokenbroker.tokens.ExchangeRequest;
import io.tokenbroker.tokens.ExchangedFrom;
import io.tokenbroker.tokens.GrantLimits;
import io.tokenbroker.tokens.IssuedToken;
import io.tokenbroker.tokens.RequestOrigin;
import io.tokenbroker.tokens.TokenChain;
import io.tokenbroker.tokens.TokenRequest;
import io.tokenbroker.verify.AccessTokenVerifier;
import io.tokenbroker.verify.VerifiedToken;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Exchanges of the broker's own access tokens (RFC 8693): down-scoping by the token's own client,
 * and delegation, where an actor acts for the token's subject and the new token carries the {@code
 * act} chain. Each exchange may only narrow: scopes and audiences within the subject token's (and,
 * delegated, within the actor client's), lifetime within its remaining life. The new token carries
 * the subject token in its {@code lineage}, so that it is revoked with it.
 *
 * <p>The subject token (and a broker actor token) is verified fully: signature by a published key
 * KMS confirms, any audience, not expired, revocation state read afresh including its own lineage.
 */
public final class OwnTokenExchange {

  /**
   * A checked exchange of a broker token.
   *
   * @param client the client the new token goes to: the subject token's (down-scoping) or the
   *     actor's (delegation)
   * @param subject the verified subject token
   * @param actorToken the verified broker actor token, if the actor presented one
   * @param outsideActor the actor's outside identity, if an outside token authenticated it
   * @param limits the caps the exchange puts on the grant
   * @param chain the new token's subject, act chain and lineage
   */
  public record Checked(
      AuthenticatedClient client,
      VerifiedToken subject,
      Optional<VerifiedToken> actorToken,
      Optional<FederatedAuthentication.FederatedClient> outsideActor,
      GrantLimits limits,
      TokenChain chain) {}

  private final String issuer;
  private final AccessTokenVerifier ownTokens;
  private final ClientRepository clients;
  private final TokenService tokens;
  private final Clock clock;

  /**
   * @param issuer the broker's issuer: an actor token naming it is a broker token
   * @param ownTokens verifies broker access tokens for any audience with fresh revocation state
   */
  public OwnTokenExchange(
      String issuer,
      AccessTokenVerifier ownTokens,
      ClientRepository clients,
      TokenService tokens,
      Clock clock) {
    this.issuer = issuer;
    this.ownTokens = ownTokens;
    this.clients = clients;
    this.tokens = tokens;
    this.clock = clock;
  }

  /**
   * @param caller the client the request's own credential authenticated, if any
   * @param clientId the request's {@code client_id}: whom an outside actor token authenticates as
   * @param federation authenticates an actor whose credential is an outside actor token
   * @throws RequestRejected {@code invalid_request} for an unacceptable subject or actor token or a
   *     delegation the clients do not allow (RFC 8693 2.2.2), the precise reason in the log only
   */
  public Checked check(
      Optional<AuthenticatedClient> caller,
      Optional<String> clientId,
      ExchangeRequest request,
      FederatedAuthentication federation) {
    requireBrokerTokenType(request.subjectTokenType(), "subject_token");
    VerifiedToken subject = verified(request.subjectToken(), "subject_token");
    Instant notAfter = notAfter(subject);
    List<Ancestor> lineage = new ArrayList<>(subject.lineage());
    lineage.add(
        new Ancestor(
            subject.jti(),
            subject.clientId(),
            subject.issuedAt(),
            subject.kid(),
            subject.sessionId()));
    if (lineage.size() > Ancestor.MAX_PER_TOKEN) {
      throw unacceptable(
          ExchangeReason.LINEAGE_TOO_LONG,
          "subject_token was exchanged too often to be exchanged again");
    }
    if (request.actorToken().isEmpty()) {
      return downScoped(caller, subject, notAfter, lineage);
    }
    return delegated(caller, clientId, request, federation, subject, notAfter, lineage);
  }

  /** Down-scoping: the subject token's own client asks for a narrower token of the same subject. */
  private Checked downScoped(
      Optional<AuthenticatedClient> caller,
      VerifiedToken subject,
      Instant notAfter,
      List<Ancestor> lineage) {
    AuthenticatedClient client =
        caller.orElseThrow(
            () ->
                unacceptable(
                    ExchangeReason.CLIENT_AUTHENTICATION_REQUIRED,
                    "exchanging a broker token without actor_token needs the client's own"
                        + " authentication"));
    if (!client.client().clientId().equals(subject.clientId())) {
      throw unacceptable(
          ExchangeReason.SUBJECT_TOKEN_OF_ANOTHER_CLIENT,
          "subject_token was not issued to the authenticated client");
    }
    SortedSet<String> audiences = new TreeSet<>(subject.audiences());
    GrantLimits limits =
        new GrantLimits(
            Optional.of(subject.scopes()),
            Optional.of(subject.scopes()),
            Optional.of(audiences),
            Optional.of(remainingLife(notAfter)));
    return new Checked(
        client,
        subject,
        Optional.empty(),
        Optional.empty(),
        limits,
        new TokenChain(subject.subject(), subject.actor(), lineage, notAfter));
  }

  /** Delegation: an actor acts for the subject token's subject; the chain grows by one. */
  private Checked delegated(
      Optional<AuthenticatedClient> caller,
      Optional<String> clientId,
      ExchangeRequest request,
      FederatedAuthentication federation,
      VerifiedToken subject,
      Instant notAfter,
      List<Ancestor> lineage) {
    String actorToken = request.actorToken().get();
    String actorTokenType = request.actorTokenType().orElseThrow();
    AuthenticatedClient actor;
    Optional<VerifiedToken> actorVerified = Optional.empty();
    Optional<FederatedAuthentication.FederatedClient> outside = Optional.empty();
    if (TokenExchangeService.issuerOf(actorToken, "actor_token").equals(issuer)) {
      requireBrokerTokenType(actorTokenType, "actor_token");
      VerifiedToken verified = verified(actorToken, "actor_token");
      actor =
          caller
              .filter(c -> c.client().clientId().equals(verified.clientId()))
              .orElseThrow(
                  () ->
                      unacceptable(
                          ExchangeReason.ACTOR_TOKEN_OF_ANOTHER_CLIENT,
                          "actor_token was not issued to the authenticated client"));
      if (verified.actor().isPresent()) {
        // Its own act chain would be lost from the new token's: an actor acts as itself.
        throw unacceptable(
            ExchangeReason.ACTOR_TOKEN_DELEGATED,
            "actor_token is itself delegated: present the actor's own token");
      }
      actorVerified = Optional.of(verified);
      allowDelegation(subject, lineage, actor.client());
    } else {
      if (!actorTokenType.equals(ExchangeRequest.JWT)
          && !actorTokenType.equals(ExchangeRequest.ID_TOKEN)) {
        // RFC 8693 3: as for an outside subject token, a JWT or an ID token, never an access token.
        throw unacceptable(
            FederationReason.TOKEN_TYPE_NOT_ACCEPTED, "actor_token is not acceptable");
      }
      String actorClientId =
          clientId
              .or(() -> caller.map(c -> c.client().clientId()))
              .orElseThrow(
                  () ->
                      unacceptable(
                          ExchangeReason.CLIENT_ID_REQUIRED,
                          "client_id is required: the client the actor_token authenticates as"));
      // The delegation rules first: a refused delegation never reaches the outside issuer. A
      // decoy goes on to federation, refused there as an unknown client is, with its alert.
      Optional<Client> known =
          clients.find(actorClientId).filter(Client::enabled).filter(c -> !c.monitoring().decoy());
      if (known.isPresent()) {
        allowDelegation(subject, lineage, known.get());
      }
      FederatedAuthentication.FederatedClient federated =
          federation.authenticate(actorClientId, actorToken, "actor_token");
      if (caller.isPresent()
          && !caller.get().client().clientId().equals(federated.client().client().clientId())) {
        throw unacceptable(
            ExchangeReason.ACTOR_CLIENT_MISMATCH,
            "actor_token authenticates another client than the request's credential");
      }
      actor = federated.client();
      outside = Optional.of(federated);
      allowDelegation(subject, lineage, actor.client());
    }
    Client actorClient = actor.client();
    SortedSet<String> scopes = new TreeSet<>(subject.scopes());
    SortedSet<String> audiences = new TreeSet<>(subject.audiences());
    Duration lifetime = remainingLife(notAfter);
    if (outside.isPresent()) { // the actor's trust policy caps too
      GrantLimits policy = outside.get().limits();
      policy.scopes().ifPresent(scopes::retainAll);
      policy.audiences().ifPresent(audiences::retainAll);
      Duration remaining = lifetime;
      if (policy.maxLifetime().filter(max -> max.compareTo(remaining) < 0).isPresent()) {
        lifetime = policy.maxLifetime().get();
      }
    }
    SortedSet<String> defaults = new TreeSet<>(scopes);
    defaults.retainAll(actorClient.scopes());
    GrantLimits limits =
        new GrantLimits(
            Optional.of(scopes),
            Optional.of(defaults),
            Optional.of(audiences),
            Optional.of(lifetime));
    Actor act =
        new Actor(
            actorClient.subject(),
            Optional.of(actorClient.clientId()),
            Optional.empty(),
            subject.actor());
    return new Checked(
        actor,
        subject,
        actorVerified,
        outside,
        limits,
        new TokenChain(subject.subject(), Optional.of(act), lineage, notAfter));
  }

  /**
   * The delegation rules: the actor's client is named in {@code may_act} by the subject token's
   * client and by the lineage's first client (the subject's original owner, who thus consents to
   * every actor down the chain, not only to the first); the new chain is no deeper than the actor's
   * client and every client of the lineage allow.
   */
  private void allowDelegation(VerifiedToken subject, List<Ancestor> lineage, Client actorClient) {
    Client subjectClient = currentClient(subject.clientId());
    Client rootClient = currentClient(lineage.getFirst().clientId());
    if (!subjectClient.delegation().allowsActor(actorClient.clientId())
        || !rootClient.delegation().allowsActor(actorClient.clientId())) {
      throw unacceptable(
          ExchangeReason.ACTOR_NOT_ALLOWED, "the actor may not act for subject_token's client");
    }
    int depth = 1 + subject.delegationDepth();
    List<Client> bounding = new ArrayList<>(List.of(subjectClient, actorClient));
    for (Ancestor ancestor : subject.lineage()) {
      bounding.add(currentClient(ancestor.clientId()));
    }
    for (Client client : bounding) {
      if (depth > client.delegation().maxDepth()) {
        throw unacceptable(
            ExchangeReason.DELEGATION_TOO_DEEP,
            "the delegation chain would be deeper than its clients allow");
      }
    }
  }

  /** RFC 8693 3: a broker token is an access token, or a JWT; never an ID token. */
  private static void requireBrokerTokenType(String type, String parameter) {
    if (!type.equals(ExchangeRequest.ACCESS_TOKEN) && !type.equals(ExchangeRequest.JWT)) {
      throw unacceptable(
          ExchangeReason.TOKEN_TYPE_NOT_ACCEPTED,
          parameter + "_type: a broker token is an access_token or a jwt");
    }
  }

  /**
   * Mints and records the exchanged token, bound as the request proved ({@code binding}): a
   * sender-constrained subject or actor token is only exchanged by who proves its key or
   * certificate, and its successor is bound to the same.
   */
  public IssuedToken issue(
      Checked checked, TokenRequest request, RequestOrigin origin, Optional<Confirmation> binding) {
    requireProven(checked.subject().confirmation(), binding, "subject_token");
    checked
        .actorToken()
        .ifPresent(actor -> requireProven(actor.confirmation(), binding, "actor_token"));
    if (checked.actorToken().isEmpty()
        && checked.outsideActor().isEmpty()
        && request.audiences().size() > 1) {
      throw new RequestRejected(
          OAuthError.INVALID_TARGET,
          ExchangeReason.ONE_AUDIENCE,
          "a down-scoped token names one audience");
    }
    return tokens.issueExchanged(
        checked.client(),
        request,
        origin,
        binding,
        checked.limits(),
        new ExchangedFrom(
            checked.outsideActor().map(FederatedAuthentication.FederatedClient::identity),
            Optional.of(checked.subject().jti()),
            checked.chain().actor().map(Actor::toJson)),
        // A down-scoped token stays in its parent's refresh family (sid): revoked with it.
        downScoping(checked) ? checked.subject().sessionId() : Optional.empty(),
        Optional.of(checked.chain()),
        // An outside actor token's single use is spent once the grant is decided, right before
        // minting: a request refused for its scope or audience leaves it usable.
        checked
            .outsideActor()
            .map(FederatedAuthentication.FederatedClient::singleUse)
            .orElse(FederatedAuthentication.SingleUse.NONE));
  }

  private static boolean downScoping(Checked checked) {
    return checked.actorToken().isEmpty() && checked.outsideActor().isEmpty();
  }

  private static void requireProven(
      Optional<Confirmation> bound, Optional<Confirmation> proven, String parameter) {
    if (bound.isPresent() && !bound.equals(proven)) {
      throw unacceptable(
          ExchangeReason.BINDING_NOT_PROVEN,
          parameter + " is sender-constrained: prove its key or certificate");
    }
  }

  private VerifiedToken verified(String token, String parameter) {
    try {
      return ownTokens.verify(token);
    } catch (RequestRejected invalid) {
      // RFC 8693 2.2.2: invalid_request; the verifier's precise reason goes to the log.
      throw unacceptable(invalid.rejectionReason(), parameter + " is invalid or not acceptable");
    }
  }

  /** The latest a token exchanged from {@code subject} may expire: its exp - 1 s. */
  private Instant notAfter(VerifiedToken subject) {
    Instant notAfter = subject.expiresAt().minusSeconds(1);
    if (remainingLife(notAfter).compareTo(Duration.ofSeconds(1)) < 0) {
      throw unacceptable(
          ExchangeReason.SUBJECT_TOKEN_EXPIRING, "subject_token expires too soon to exchange");
    }
    return notAfter;
  }

  /** A cap for the grant; the minter holds the token to {@code notAfter} itself when it mints. */
  private Duration remainingLife(Instant notAfter) {
    return Duration.ofSeconds(notAfter.getEpochSecond() - clock.instant().getEpochSecond());
  }

  private Client currentClient(String clientId) {
    return clients
        .find(clientId)
        .filter(Client::enabled)
        .orElseThrow(
            () ->
                unacceptable(
                    ExchangeReason.SUBJECT_CLIENT_UNKNOWN,
                    "a client of subject_token is unknown or disabled"));
  }

  private static RequestRejected unacceptable(RejectionReason reason, String description) {
    return RequestRejected.invalidRequest(reason, description);
  }
}
