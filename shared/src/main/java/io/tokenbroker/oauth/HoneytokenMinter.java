package io.tokenbroker.oauth;

import io.tokenbroker.auth.AuthMethod;
import io.tokenbroker.auth.AuthenticatedClient;
import io.tokenbroker.clients.Client;
import io.tokenbroker.clients.ClientRepository;
import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.refresh.RefreshFamily;
import io.tokenbroker.refresh.RefreshTokenRecord;
import io.tokenbroker.refresh.RefreshTokenStore;
import io.tokenbroker.refresh.RefreshTokens;
import io.tokenbroker.revocation.RevocationReason;
import io.tokenbroker.revocation.RevocationRepository;
import io.tokenbroker.revocation.RevocationRetention;
import io.tokenbroker.tokens.AccessTokenMinter;
import io.tokenbroker.tokens.Grant;
import io.tokenbroker.tokens.Issuance;
import io.tokenbroker.tokens.IssuanceRepository;
import io.tokenbroker.tokens.RequestOrigin;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Mints honeytokens for an operator: decoys for a registered decoy client ({@code "decoy": true}),
 * which no workload uses, planted where an intruder would look. Each decoy is real (signed by the
 * broker's active key, recorded like any token) and dead from its first instant: its honeytoken
 * record in the revocations table is written before anything else, so no verifier ever accepts it,
 * and every verifier that meets it learns it is a decoy from the read it already does.
 *
 * <ul>
 *   <li>{@link Kind#ACCESS}: an access token; its jti recorded revoked with reason {@code
 *       honeytoken} until it expires (plus the skew). It alerts only while its signing key is
 *       published and before it expires.
 *   <li>{@link Kind#REFRESH}: a refresh token ({@code tbr_}) and the access token of its family;
 *       the family recorded revoked with reason {@code honeytoken} for as long as the operator asks
 *       (at most {@link #MAX_REFRESH_LIFETIME}): the long-lived decoy.
 * </ul>
 *
 * Anything but a registered decoy client is refused and nothing is written. The values go back to
 * the caller only; the issuance record names the method {@link AuthMethod#HONEYTOKEN} and the
 * operator as its caller.
 */
public final class HoneytokenMinter {

  /** The longest a refresh decoy is kept (and alerts). */
  public static final Duration MAX_REFRESH_LIFETIME = Duration.ofDays(400);

  /** A refresh decoy's lifetime when the operator names none. */
  public static final Duration DEFAULT_REFRESH_LIFETIME = Duration.ofDays(90);

  /** What to mint. */
  public enum Kind {
    ACCESS,
    REFRESH;

    /** {@code access} or {@code refresh}. */
    public static Kind parse(String value) {
      return switch (value.toLowerCase(Locale.ROOT)) {
        case "access" -> ACCESS;
        case "refresh" -> REFRESH;
        default ->
            throw RequestRejected.invalidRequest(
                HoneytokenReason.HONEYTOKEN_KIND_UNKNOWN, "kind must be access or refresh");
      };
    }
  }

  /**
   * What was minted. The token values are for the operator's answer only: never logged.
   *
   * @param refreshToken the refresh decoy, for {@link Kind#REFRESH}
   * @param familyId its family ({@code sid}), for {@link Kind#REFRESH}
   * @param watchedUntil how long the decoy is recorded (its revocation record's lifetime)
   */
  public record Minted(
      String clientId,
      String accessToken,
      String jti,
      Instant accessExpiresAt,
      Optional<String> refreshToken,
      Optional<String> familyId,
      Instant watchedUntil) {

    @Override
    public String toString() {
      return "Minted[client_id=" + clientId + ", jti=" + jti + ", sid=" + familyId + "]";
    }
  }

  private final ClientRepository clients;
  private final AccessTokenMinter minter;
  private final IssuanceRepository issuances;
  private final RefreshTokenStore refreshTokens;
  private final RevocationRepository revocations;
  private final Duration brokerMaxLifetime;
  private final Duration retention;
  private final SecureRandom random;

  public HoneytokenMinter(
      ClientRepository clients,
      AccessTokenMinter minter,
      IssuanceRepository issuances,
      RefreshTokenStore refreshTokens,
      RevocationRepository revocations,
      Duration brokerMaxLifetime,
      Duration retention,
      SecureRandom random) {
    this.clients = clients;
    this.minter = minter;
    this.issuances = issuances;
    this.refreshTokens = refreshTokens;
    this.revocations = revocations;
    this.brokerMaxLifetime = brokerMaxLifetime;
    this.retention = retention;
    this.random = random;
  }

  /**
   * @param operator the operator's identity, kept as the issuance record's caller
   * @param refreshLifetime how long a refresh decoy is kept, 1 day to {@link #MAX_REFRESH_LIFETIME}
   *     (ignored for an access decoy)
   * @throws RequestRejected {@code invalid_request} for an unknown client, one that is no decoy, or
   *     a lifetime out of range: nothing is written
   */
  public Minted mint(
      String clientId, Kind kind, Duration refreshLifetime, String operator, RequestOrigin origin) {
    if (refreshLifetime.compareTo(Duration.ofDays(1)) < 0
        || refreshLifetime.compareTo(MAX_REFRESH_LIFETIME) > 0) {
      throw RequestRejected.invalidRequest(
          HoneytokenReason.HONEYTOKEN_LIFETIME_OUT_OF_RANGE,
          "lifetime must be 1 to " + MAX_REFRESH_LIFETIME.toDays() + " days");
    }
    Client client =
        clients
            .find(clientId)
            .orElseThrow(
                () ->
                    RequestRejected.invalidRequest(
                        HoneytokenReason.HONEYTOKEN_CLIENT_UNKNOWN, "no such client"));
    if (!client.monitoring().decoy()) {
      throw RequestRejected.invalidRequest(
          HoneytokenReason.HONEYTOKEN_CLIENT_NOT_DECOY,
          "the client is not a decoy: register one with \"decoy\": true");
    }
    Duration lifetime =
        client.maxLifetime().compareTo(brokerMaxLifetime) < 0
            ? client.maxLifetime()
            : brokerMaxLifetime;
    Grant grant =
        new Grant(
            new TreeSet<>(
                client.defaultScopes().isEmpty() ? client.scopes() : client.defaultScopes()),
            new ArrayList<>(client.audiences()),
            lifetime);
    Optional<String> familyId =
        kind == Kind.REFRESH ? Optional.of(minter.newJti()) : Optional.empty();
    AccessTokenMinter.MintedToken token = minter.mint(client, grant, familyId, Optional.empty());
    Issuance record =
        Issuance.of(
            token,
            new AuthenticatedClient(client, AuthMethod.HONEYTOKEN, operator),
            grant,
            origin,
            retention);
    Instant accessWatched = RevocationRetention.keepUntil(token.expiresAt());
    // The mark first: should a later write fail, the decoy is dead already, never live.
    revocations.revokeToken(token.jti(), accessWatched, RevocationReason.HONEYTOKEN.logName());
    if (familyId.isEmpty()) {
      issuances.record(record);
      return new Minted(
          client.clientId(),
          token.serialized(),
          token.jti(),
          token.expiresAt(),
          Optional.empty(),
          Optional.empty(),
          accessWatched);
    }
    Instant start = token.issuedAt();
    RefreshFamily family =
        new RefreshFamily(
            familyId.get(),
            client.clientId(),
            grant.scopes(),
            grant.audiences(),
            grant.lifetime(),
            start,
            start.plus(refreshLifetime),
            Optional.empty());
    Instant familyWatched = RevocationRetention.keepUntil(family.expiresAt());
    revocations.revokeFamily(family.id(), familyWatched, RevocationReason.HONEYTOKEN.logName());
    String refreshToken = RefreshTokens.generate(random);
    refreshTokens.startFamily(
        family,
        new RefreshTokenRecord(
            RefreshTokens.hash(refreshToken),
            family.id(),
            client.clientId(),
            start,
            family.expiresAt(),
            false),
        record);
    return new Minted(
        client.clientId(),
        token.serialized(),
        token.jti(),
        token.expiresAt(),
        Optional.of(refreshToken),
        Optional.of(family.id()),
        familyWatched);
  }
}
