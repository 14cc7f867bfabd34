package io.tokenbroker.oauth;

import io.tokenbroker.auth.AuthenticatedClient;
import io.tokenbroker.clients.Client;
import io.tokenbroker.federation.FederatedAuthentication;
import io.tokenbroker.jose.Confirmation;
import io.tokenbroker.refresh.RefreshFamily;
import io.tokenbroker.refresh.RefreshTokenRecord;
import io.tokenbroker.refresh.RefreshTokenStore;
import io.tokenbroker.refresh.RefreshTokens;
import io.tokenbroker.telemetry.Telemetry;
import io.tokenbroker.tokens.AccessTokenMinter;
import io.tokenbroker.tokens.ExchangedFrom;
import io.tokenbroker.tokens.Grant;
import io.tokenbroker.tokens.GrantLimits;
import io.tokenbroker.tokens.Issuance;
import io.tokenbroker.tokens.IssuanceRepository;
import io.tokenbroker.tokens.IssuedToken;
import io.tokenbroker.tokens.RequestOrigin;
import io.tokenbroker.tokens.TokenChain;
import io.tokenbroker.tokens.TokenRequest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Issues access tokens for the client-credentials grant: decides the grant under the client's
 * policy, signs the token, and records it durably before returning it; where the policy allows,
 * starts a refresh-token family in the same write. If signing or recording fails, no token is
 * returned and nothing is stored.
 */
public final class TokenService {

  private final AccessTokenMinter minter;
  private final IssuanceRepository issuances;
  private final RefreshTokenStore refreshTokens;
  private final Duration brokerMaxLifetime;
  private final Duration retention;
  private final SecureRandom random;
  private final IssuanceLog log;
  private final Optional<TokenReuse> reuse;

  /**
   * @param brokerMaxLifetime no token lives longer, whatever the client's policy says
   * @param retention how long issuance records are kept after the token expires
   */
  public TokenService(
      AccessTokenMinter minter,
      IssuanceRepository issuances,
      RefreshTokenStore refreshTokens,
      Duration brokerMaxLifetime,
      Duration retention,
      SecureRandom random,
      Telemetry telemetry) {
    this(
        minter,
        issuances,
        refreshTokens,
        brokerMaxLifetime,
        retention,
        random,
        telemetry,
        Optional.empty());
  }

  /**
   * @param reuse where an identical client_credentials request may get the same token again
   *     (TOKEN_REUSE_SECONDS); empty: every request gets a new token
   */
  public TokenService(
      AccessTokenMinter minter,
      IssuanceRepository issuances,
      RefreshTokenStore refreshTokens,
      Duration brokerMaxLifetime,
      Duration retention,
      SecureRandom random,
      Telemetry telemetry,
      Optional<TokenReuse> reuse) {
    this.reuse = reuse;
    this.minter = minter;
    this.issuances = issuances;
    this.refreshTokens = refreshTokens;
    this.brokerMaxLifetime = brokerMaxLifetime;
    this.retention = retention;
    this.random = random;
    this.log = new IssuanceLog(telemetry);
  }

  /**
   * Reads the key table if no read is cached: the read the first token would make, made ahead
   * ({@link AccessTokenMinter#readKeysAhead}).
   */
  public void readKeysAhead() {
    minter.readKeysAhead();
  }

  /** A bearer token. */
  public IssuedToken issue(AuthenticatedClient caller, TokenRequest request, RequestOrigin origin) {
    return issue(caller, request, origin, Optional.empty());
  }

  /**
   * @param binding the key or certificate the caller proved it holds (DPoP, mTLS), carried as the
   *     token's {@code cnf} and kept in its issuance record; empty for a bearer token
   */
  public IssuedToken issue(
      AuthenticatedClient caller,
      TokenRequest request,
      RequestOrigin origin,
      Optional<Confirmation> binding) {
    Client client = caller.client();
    Grant grant = Grant.decide(client, request, brokerMaxLifetime);
    if (!client.refresh().enabled()) {
      Optional<TokenReuse> reusing = reuse.filter(r -> r.applies(caller, binding));
      Optional<IssuedToken> again = reusing.flatMap(r -> r.reuse(caller, grant, origin));
      if (again.isPresent()) {
        log.reused(again.get());
        return again.get();
      }
      AccessTokenMinter.MintedToken token = minter.mint(client, grant, Optional.empty(), binding);
      Issuance record = Issuance.of(token, caller, grant, origin, retention);
      issuances.record(record);
      log.issued(record, grant, "client_credentials");
      IssuedToken issued = new IssuedToken(token.serialized(), record, Optional.empty());
      reusing.ifPresent(r -> r.remember(caller, grant, origin, issued));
      return issued;
    }
    String familyId = minter.newJti();
    AccessTokenMinter.MintedToken token =
        minter.mint(client, grant, Optional.of(familyId), binding);
    Issuance record = Issuance.of(token, caller, grant, origin, retention);
    Instant start = token.issuedAt();
    RefreshFamily family =
        new RefreshFamily(
            familyId,
            client.clientId(),
            grant.scopes(),
            grant.audiences(),
            grant.lifetime(),
            start,
            start.plus(client.refresh().absoluteLifetime()),
            // RFC 9449 5: a DPoP-bound start binds the whole family to the key.
            binding
                .filter(Confirmation.DpopKey.class::isInstance)
                .map(Confirmation.DpopKey.class::cast));
    String refreshToken = RefreshTokens.generate(random);
    RefreshTokenRecord first =
        new RefreshTokenRecord(
            RefreshTokens.hash(refreshToken),
            familyId,
            client.clientId(),
            start,
            earliest(start.plus(client.refresh().idleLifetime()), family.expiresAt()),
            false);
    refreshTokens.startFamily(family, first, record);
    log.issued(record, grant, "client_credentials");
    return new IssuedToken(token.serialized(), record, Optional.of(refreshToken));
  }

  /**
   * A token issued by exchange (RFC 8693): the grant under the client's policy and the exchange's
   * caps, recorded with what it was exchanged from. No refresh token: the workload exchanges again,
   * with an outside token its platform renews.
   *
   * @param singleUse the outside token's single use: spent after the grant is decided, right before
   *     minting, so a request refused (scope, audience, lifetime) leaves it unspent
   */
  public IssuedToken issueExchanged(
      AuthenticatedClient caller,
      TokenRequest request,
      RequestOrigin origin,
      Optional<Confirmation> binding,
      GrantLimits limits,
      ExchangedFrom from,
      FederatedAuthentication.SingleUse singleUse) {
    return issueExchanged(
        caller,
        request,
        origin,
        binding,
        limits,
        from,
        Optional.empty(),
        Optional.empty(),
        singleUse);
  }

  /**
   * As above, for a token exchanged from a broker token: it keeps {@code sessionId} (down-scoping)
   * and carries {@code chain}'s subject, act and lineage; {@code singleUse} is an outside actor
   * token's, if any. A mint or record failure after the spend leaves the outside token spent (the
   * workload gets a 503 and needs a fresh token from its platform).
   */
  public IssuedToken issueExchanged(
      AuthenticatedClient caller,
      TokenRequest request,
      RequestOrigin origin,
      Optional<Confirmation> binding,
      GrantLimits limits,
      ExchangedFrom from,
      Optional<String> sessionId,
      Optional<TokenChain> chain,
      FederatedAuthentication.SingleUse singleUse) {
    Grant grant = Grant.decide(caller.client(), request, brokerMaxLifetime, limits);
    singleUse.spend();
    AccessTokenMinter.MintedToken token =
        minter.mint(caller.client(), grant, sessionId, binding, chain);
    Issuance record = Issuance.of(token, caller, grant, origin, retention).exchangedFrom(from);
    issuances.record(record);
    log.issued(record, grant, "token_exchange");
    return new IssuedToken(token.serialized(), record, Optional.empty());
  }

  static Instant earliest(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }
}
