package io.tokenbroker.oauth;

import io.tokenbroker.auth.AuthenticatedClient;
import io.tokenbroker.clients.Client;
import io.tokenbroker.dpop.DpopReason;
import io.tokenbroker.errors.OAuthError;
import io.tokenbroker.errors.RejectionReason;
import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.jose.Confirmation;
import io.tokenbroker.refresh.FamilyRevocation;
import io.tokenbroker.refresh.RefreshConflict;
import io.tokenbroker.refresh.RefreshFamily;
import io.tokenbroker.refresh.RefreshTokenRecord;
import io.tokenbroker.refresh.RefreshTokenStore;
import io.tokenbroker.refresh.RefreshTokens;
import io.tokenbroker.revocation.RevocationReason;
import io.tokenbroker.revocation.RevocationRepository;
import io.tokenbroker.telemetry.Telemetry;
import io.tokenbroker.tokens.AccessTokenMinter;
import io.tokenbroker.tokens.Grant;
import io.tokenbroker.tokens.Issuance;
import io.tokenbroker.tokens.IssuedToken;
import io.tokenbroker.tokens.RequestOrigin;
import io.tokenbroker.tokens.TokenRequest;
import io.tokenbroker.verify.AccessTokenReason;
import io.tokenbroker.verify.RevocationStatus;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The refresh_token grant with rotation and reuse detection (RFC 6749 6, RFC 9700 4.14): every use
 * spends the token and hands out a successor; a spent token presented again means it leaked, and
 * the whole family is revoked, refresh tokens and the access tokens issued from them alike.
 *
 * <p>Two concurrent refreshes with one token: the conditional write lets exactly one rotate; the
 * other is indistinguishable from a replay by a thief and is treated as reuse, so the family is
 * revoked (including the winner's new tokens) and the client starts again with client credentials.
 *
 * <p>Whether a family is revoked is decided from the revocations table alone (its family record,
 * its client's watermark), the records authorizers read; the rotation is conditional on them too.
 */
public final class RefreshService {

  private final AccessTokenMinter minter;
  private final RefreshTokenStore store;
  private final RevocationRepository revocations;
  private final Duration brokerMaxLifetime;
  private final Duration retention;
  private final Clock clock;
  private final SecureRandom random;
  private final FamilyRevocation familyRevocation;
  private final IssuanceLog log;

  public RefreshService(
      AccessTokenMinter minter,
      RefreshTokenStore store,
      RevocationRepository revocations,
      Duration brokerMaxLifetime,
      Duration retention,
      Clock clock,
      SecureRandom random,
      Telemetry telemetry) {
    this.minter = minter;
    this.store = store;
    this.revocations = revocations;
    this.brokerMaxLifetime = brokerMaxLifetime;
    this.retention = retention;
    this.clock = clock;
    this.random = random;
    this.familyRevocation = new FamilyRevocation(revocations, brokerMaxLifetime, telemetry);
    this.log = new IssuanceLog(telemetry);
  }

  /** A refresh without a DPoP proof. */
  public IssuedToken refresh(
      AuthenticatedClient caller, TokenRequest request, RequestOrigin origin) {
    return refresh(caller, request, origin, Optional.empty());
  }

  /**
   * @param binding what the new access token is bound to ({@code cnf}), as for {@link
   *     TokenService#issue}: the key or certificate the caller proved it holds on this request,
   *     empty for a bearer token. A family started with a DPoP key refreshes only with a proof of
   *     that key (refused with {@code invalid_dpop_proof}, the refresh token not spent)
   */
  public IssuedToken refresh(
      AuthenticatedClient caller,
      TokenRequest request,
      RequestOrigin origin,
      Optional<Confirmation> binding) {
    Client client = caller.client();
    String presented = request.refreshToken().orElseThrow();
    if (!RefreshTokens.isWellFormed(presented)) {
      throw invalidGrant(RefreshReason.REFRESH_TOKEN_MALFORMED);
    }
    RefreshTokenRecord record =
        store
            .find(RefreshTokens.hash(presented))
            .orElseThrow(() -> invalidGrant(RefreshReason.REFRESH_TOKEN_UNKNOWN));
    RefreshFamily family =
        store
            .family(record.familyId())
            .orElseThrow(() -> invalidGrant(RefreshReason.REFRESH_TOKEN_UNKNOWN));
    // A bound family: only the key's holder gets further, so a thief without the key can neither
    // refresh nor get the family revoked by presenting its token as another client.
    family.dpopKey().ifPresent(bound -> requireProofOf(bound, binding));
    // Read before the other-client check: a decoy's refresh token is an alert whoever presents it.
    RevocationStatus status = revocations.familyStatus(family.clientId(), family.id());
    if (status.honeytoken()) {
      if (!record.clientId().equals(client.clientId())) {
        // The same write a live token of another client costs (below), so the answer time does
        // not tell a decoy apart; the table's condition keeps the honeytoken mark. Its failure
        // must not cost the alert: the family is dead by its mark already.
        try {
          familyRevocation.revoke(
              family, RevocationReason.REFRESH_TOKEN_PRESENTED_BY_OTHER_CLIENT, origin);
        } catch (RuntimeException notWritten) {
          // the refusal below stands, with its alert
        }
      }
      throw invalidGrant(
          new HoneytokenFamilyPresented(family.clientId(), family.id(), client.clientId()));
    }
    if (!record.clientId().equals(client.clientId())) {
      // Another client holds this client's refresh token: it leaked.
      familyRevocation.revoke(
          family, RevocationReason.REFRESH_TOKEN_PRESENTED_BY_OTHER_CLIENT, origin);
      throw invalidGrant(RefreshReason.REFRESH_TOKEN_OTHER_CLIENT);
    }
    Optional<AccessTokenReason> revoked = status.reasonFor(family.createdAt());
    if (revoked.isPresent()) {
      throw invalidGrant(revoked.get());
    }
    if (record.used()) {
      familyRevocation.revoke(family, RevocationReason.REFRESH_TOKEN_REUSED, origin);
      throw invalidGrant(RefreshReason.REFRESH_TOKEN_REUSED);
    }
    Instant now = clock.instant();
    if (!now.isBefore(record.idleExpiresAt()) || !now.isBefore(family.expiresAt())) {
      throw invalidGrant(RefreshReason.REFRESH_TOKEN_EXPIRED);
    }
    if (!client.refresh().enabled()) {
      throw invalidGrant(RefreshReason.REFRESH_NOT_ALLOWED);
    }

    Grant grant = grant(client, family, request);
    AccessTokenMinter.MintedToken token =
        minter.mint(client, grant, Optional.of(family.id()), binding);
    Issuance issuance = Issuance.of(token, caller, grant, origin, retention);
    String successor = RefreshTokens.generate(random);
    RefreshTokenRecord next =
        new RefreshTokenRecord(
            RefreshTokens.hash(successor),
            family.id(),
            client.clientId(),
            token.issuedAt(),
            TokenService.earliest(
                token.issuedAt().plus(client.refresh().idleLifetime()), family.expiresAt()),
            false);
    try {
      store.rotate(family, record, next, issuance);
    } catch (RefreshConflict lostRace) {
      if (lostRace.familyRevoked()) {
        throw invalidGrant(AccessTokenReason.REFRESH_FAMILY_REVOKED);
      }
      familyRevocation.revoke(family, RevocationReason.REFRESH_TOKEN_REUSED, origin);
      throw invalidGrant(RefreshReason.REFRESH_TOKEN_REUSED);
    }
    log.issued(issuance, grant, "refresh_token");
    return new IssuedToken(token.serialized(), issuance, Optional.of(successor));
  }

  /**
   * A refresh grant whose client authentication failed: is its refresh token a decoy? The one who
   * found only a decoy's {@code tbr_} value is likely to present it without a valid credential, so
   * this is asked before the request is refused ({@code invalid_client}, unchanged). Every
   * well-formed token is looked up the same way (record, family, family status), decoy or not, so
   * the time taken does not tell a decoy from a live token. Nothing is written.
   *
   * @param claimedBy the client id the request named, unverified ({@code none} if it named none)
   */
  public Optional<HoneytokenFamilyPresented> decoyPresentedUnauthenticated(
      TokenRequest request, String claimedBy) {
    Optional<String> presented = request.refreshToken().filter(RefreshTokens::isWellFormed);
    if (presented.isEmpty()) {
      return Optional.empty();
    }
    Optional<RefreshFamily> family =
        store.find(RefreshTokens.hash(presented.get())).flatMap(r -> store.family(r.familyId()));
    if (family.isEmpty()) {
      return Optional.empty();
    }
    RevocationStatus status = revocations.familyStatus(family.get().clientId(), family.get().id());
    return status.honeytoken()
        ? Optional.of(
            new HoneytokenFamilyPresented(
                family.get().clientId(), family.get().id(), claimedBy, false))
        : Optional.empty();
  }

  /**
   * RFC 9449 5: the refresh token of a DPoP-bound family is bound to the key. Checked before reuse
   * detection, so one who holds a leaked refresh token but not the key cannot make the family
   * revoked either.
   */
  private static void requireProofOf(Confirmation.DpopKey bound, Optional<Confirmation> binding) {
    if (binding.isEmpty()) {
      throw DpopTokenBinding.reject(DpopReason.PROOF_MISSING);
    }
    if (!bound.equals(binding.get())) {
      throw DpopTokenBinding.reject(DpopReason.KEY_MISMATCH);
    }
  }

  /** Scopes and audiences within both the original grant and the client's current policy. */
  private Grant grant(Client client, RefreshFamily family, TokenRequest request) {
    SortedSet<String> scopes = new TreeSet<>(request.scopes().orElse(family.scopes()));
    if (!family.scopes().containsAll(scopes) || !client.scopes().containsAll(scopes)) {
      throw new RequestRejected(
          OAuthError.INVALID_SCOPE,
          RefreshReason.SCOPE_NOT_ALLOWED,
          "scope not within the original grant");
    }
    List<String> audiences =
        request.audiences().isEmpty() ? family.audiences() : request.audiences();
    if (!family.audiences().containsAll(audiences) || !client.audiences().containsAll(audiences)) {
      throw new RequestRejected(
          OAuthError.INVALID_TARGET,
          RefreshReason.AUDIENCE_NOT_ALLOWED,
          "audience not within the original grant");
    }
    Duration lifetime = request.lifetime().orElse(family.accessLifetime());
    lifetime = shortest(shortest(lifetime, client.maxLifetime()), brokerMaxLifetime);
    return new Grant(scopes, List.copyOf(audiences), lifetime);
  }

  private static RequestRejected invalidGrant(RejectionReason reason) {
    return new RequestRejected(OAuthError.INVALID_GRANT, reason, "the refresh token is not valid");
  }

  private static Duration shortest(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
