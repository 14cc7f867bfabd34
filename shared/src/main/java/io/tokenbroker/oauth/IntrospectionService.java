package io.tokenbroker.oauth;

import io.tokenbroker.auth.AuthenticatedClient;
import io.tokenbroker.errors.HoneytokenUse;
import io.tokenbroker.errors.OAuthError;
import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.jose.Confirmation;
import io.tokenbroker.refresh.RefreshFamily;
import io.tokenbroker.refresh.RefreshTokenRecord;
import io.tokenbroker.refresh.RefreshTokenStore;
import io.tokenbroker.refresh.RefreshTokens;
import io.tokenbroker.revocation.RevocationStore;
import io.tokenbroker.verify.AccessTokenVerifier;
import io.tokenbroker.verify.VerifiedToken;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * RFC 7662 introspection for clients allowed to introspect (resource servers). A token that is
 * active gets its claims; any other (unknown, malformed, expired, revoked, another client's refresh
 * token) gets {@code {"active": false}} and nothing else.
 */
public final class IntrospectionService {

  private static final Map<String, Object> INACTIVE = Map.of("active", false);

  private final AccessTokenVerifier ourTokens;
  private final RefreshTokenStore refreshTokens;
  private final RevocationStore revocations;
  private final String issuer;
  private final Clock clock;

  /**
   * @param ourTokens verifies the broker's access tokens for any audience, revocation read fresh
   * @param revocations decides whether a refresh token's family is revoked, as for access tokens
   */
  public IntrospectionService(
      AccessTokenVerifier ourTokens,
      RefreshTokenStore refreshTokens,
      RevocationStore revocations,
      String issuer,
      Clock clock) {
    this.ourTokens = ourTokens;
    this.refreshTokens = refreshTokens;
    this.revocations = revocations;
    this.issuer = issuer;
    this.clock = clock;
  }

  /**
   * @throws RequestRejected {@code access_denied} (403) if the caller may not introspect
   */
  public Map<String, Object> introspect(AuthenticatedClient caller, String token) {
    return introspect(caller, token, use -> {});
  }

  /**
   * As {@link #introspect(AuthenticatedClient, String)}, telling {@code honeytokens} of a decoy
   * access or refresh token (inactive, as any revoked token).
   */
  public Map<String, Object> introspect(
      AuthenticatedClient caller, String token, Consumer<HoneytokenUse> honeytokens) {
    if (!caller.client().mayIntrospect()) {
      throw new RequestRejected(
          OAuthError.ACCESS_DENIED,
          PermissionReason.INTROSPECTION_NOT_ALLOWED,
          "this client may not introspect");
    }
    return RefreshTokens.isWellFormed(token)
        ? refreshToken(caller, token, honeytokens).orElse(INACTIVE)
        : accessToken(token, honeytokens).orElse(INACTIVE);
  }

  private Optional<Map<String, Object>> accessToken(
      String token, Consumer<HoneytokenUse> honeytokens) {
    VerifiedToken verified;
    try {
      verified = ourTokens.verify(token);
    } catch (RequestRejected inactive) {
      if (inactive.rejectionReason() instanceof HoneytokenUse use) {
        honeytokens.accept(use);
      }
      return Optional.empty();
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("active", true);
    // RFC 9449 6.2 and RFC 8705 3.2: a bound token says so, and shows what it is bound to.
    json.put(
        "token_type",
        verified.confirmation().filter(Confirmation.DpopKey.class::isInstance).isPresent()
            ? "DPoP"
            : "Bearer");
    json.put("scope", String.join(" ", verified.scopes()));
    json.put("client_id", verified.clientId());
    json.put("sub", verified.subject());
    json.put(
        "aud",
        verified.audiences().size() == 1 ? verified.audiences().getFirst() : verified.audiences());
    json.put("iss", issuer);
    json.put("iat", verified.issuedAt().getEpochSecond());
    json.put("nbf", verified.notBefore().getEpochSecond());
    json.put("exp", verified.expiresAt().getEpochSecond());
    json.put("jti", verified.jti());
    verified.sessionId().ifPresent(sid -> json.put("sid", sid));
    verified.confirmation().ifPresent(cnf -> json.put("cnf", cnf.claim()));
    // RFC 8693 4.1: the act chain of a delegated token, as the token carries it.
    verified.actor().ifPresent(act -> json.put("act", act.claim()));
    return Optional.of(json);
  }

  /** A refresh token is only ever shown to the client it was issued to. */
  private Optional<Map<String, Object>> refreshToken(
      AuthenticatedClient caller, String token, Consumer<HoneytokenUse> honeytokens) {
    Instant now = clock.instant();
    Optional<RefreshTokenRecord> record = refreshTokens.find(RefreshTokens.hash(token));
    record
        .flatMap(found -> refreshTokens.family(found.familyId()))
        .filter(family -> revocations.familyStatus(family.clientId(), family.id()).honeytoken())
        .ifPresent(
            family ->
                honeytokens.accept(
                    new HoneytokenFamilyPresented(
                        family.clientId(), family.id(), caller.client().clientId())));
    if (record.isEmpty()
        || record.get().used()
        || !record.get().clientId().equals(caller.client().clientId())
        || !now.isBefore(record.get().idleExpiresAt())) {
      return Optional.empty();
    }
    Optional<RefreshFamily> family = refreshTokens.family(record.get().familyId());
    if (family.isEmpty() || !now.isBefore(family.get().expiresAt())) {
      return Optional.empty();
    }
    if (revocations
        .familyStatus(family.get().clientId(), family.get().id())
        .reasonFor(family.get().createdAt())
        .isPresent()) {
      return Optional.empty();
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("active", true);
    json.put("token_type", "refresh_token");
    json.put("scope", String.join(" ", family.get().scopes()));
    json.put("client_id", record.get().clientId());
    json.put("iss", issuer);
    json.put("iat", record.get().issuedAt().getEpochSecond());
    json.put("exp", record.get().idleExpiresAt().getEpochSecond());
    json.put("sid", family.get().id());
    return Optional.of(json);
  }
}
