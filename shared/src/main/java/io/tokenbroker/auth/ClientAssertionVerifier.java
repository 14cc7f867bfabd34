package io.tokenbroker.auth;

import static io.tokenbroker.auth.ClientAuthenticationRules.enabledClient;
import static io.tokenbroker.auth.ClientAuthenticationRules.rejected;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jwk.AsymmetricJWK;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyType;
import io.tokenbroker.clients.Client;
import io.tokenbroker.clients.ClientRepository;
import io.tokenbroker.discovery.BrokerEndpoints;
import io.tokenbroker.jose.JwtTypes;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Proves a client's identity by {@code private_key_jwt} (RFC 7523): an assertion with iss = sub =
 * client id, signed with an asymmetric key registered for the client (with the key's alg, if it
 * names one), addressed to this broker alone (aud one string: its issuer or token endpoint),
 * short-lived, and used once.
 *
 * <p>Every failure is {@code invalid_client} (401) with a precise reason for the log; the caller's
 * description names the broken rule only where that reveals nothing about which clients or keys
 * exist ({@link ClientAuthenticationReason}).
 */
public final class ClientAssertionVerifier {

  public static final String JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

  /** Assertions we see are under 1 KB; 8 KB bounds the work hostile input can cause. */
  public static final int MAX_ASSERTION_LENGTH = 8192;

  private final ClientRepository clients;
  private final AssertionReplayGuard replayGuard;
  private final Set<String> acceptedAudiences;
  private final Clock clock;
  private final Duration maxAssertionLifetime;
  private final Duration clockSkew;

  /**
   * @param endpoints assertions must name the broker's issuer or token endpoint as audience
   * @param maxAssertionLifetime how far in the future an assertion's exp may lie
   * @param clockSkew tolerance for the client's clock
   */
  public ClientAssertionVerifier(
      ClientRepository clients,
      AssertionReplayGuard replayGuard,
      BrokerEndpoints endpoints,
      Clock clock,
      Duration maxAssertionLifetime,
      Duration clockSkew) {
    this.clients = clients;
    this.replayGuard = replayGuard;
    this.acceptedAudiences = Set.of(endpoints.issuerId(), endpoints.token().toString());
    this.clock = clock;
    this.maxAssertionLifetime = maxAssertionLifetime;
    this.clockSkew = clockSkew;
  }

  /** A caller presenting an RFC 7523 client assertion. */
  public AuthenticatedClient verify(
      Optional<String> assertionType, Optional<String> assertion, Optional<String> clientId) {
    if (assertion.isEmpty()) {
      throw rejected(ClientAuthenticationReason.CLIENT_AUTHENTICATION_MISSING);
    }
    if (!assertionType.equals(Optional.of(JWT_BEARER))) {
      throw rejected(ClientAuthenticationReason.UNSUPPORTED_ASSERTION_TYPE);
    }
    if (assertion.get().length() > MAX_ASSERTION_LENGTH) {
      throw rejected(ClientAuthenticationReason.ASSERTION_TOO_LARGE);
    }
    ClientAssertionParser.Assertion jwt =
        ClientAssertionParser.parse(assertion.get(), MAX_ASSERTION_LENGTH);
    JWSHeader header = jwt.header();
    if (!Client.ASSERTION_ALGORITHMS.contains(header.getAlgorithm())) {
      throw rejected(ClientAuthenticationReason.ASSERTION_ALGORITHM_NOT_ALLOWED);
    }
    if (JwtTypes.ACCESS_TOKEN.equals(header.getType())) {
      throw rejected(ClientAuthenticationReason.ASSERTION_IS_AN_ACCESS_TOKEN);
    }

    // Read once (the claims refused as malformed before any lookup, as before).
    ClientAssertionParser.Claims claims = ClientAssertionParser.claims(jwt);
    String unverifiedClientId = unverifiedClientId(claims);
    if (clientId.isPresent() && !clientId.get().equals(unverifiedClientId)) {
      throw rejected(ClientAuthenticationReason.CLIENT_ID_MISMATCH);
    }
    // For a decoy, its signature is checked against the decoy's registered keys only to say in the
    // alert whether the decoy's key signed (CPU only, no read); the answer is an unknown client's.
    Client client =
        enabledClient(clients, unverifiedClientId, decoy -> verifySignature(jwt, decoy) != null);
    JWK key = verifySignature(jwt, client);
    checkAudience(claims);
    Instant expiresAt = checkClaims(claims);
    if (!replayGuard.firstUse(client.clientId(), claims.jwtId(), expiresAt)) {
      throw rejected(ClientAuthenticationReason.ASSERTION_REPLAYED);
    }
    return new AuthenticatedClient(client, AuthMethod.PRIVATE_KEY_JWT, "jwk:" + key.getKeyID());
  }

  /** iss and sub before the signature is checked: they only say which client's keys to try. */
  private static String unverifiedClientId(ClientAssertionParser.Claims unverified) {
    String issuer = unverified.issuer();
    if (issuer == null || !issuer.equals(unverified.subject())) {
      throw rejected(ClientAuthenticationReason.ASSERTION_ISSUER_SUBJECT_MISMATCH);
    }
    return issuer;
  }

  /** The client key that verifies the assertion's signature. */
  private static JWK verifySignature(ClientAssertionParser.Assertion jwt, Client client) {
    JWSAlgorithm alg = jwt.header().getAlgorithm();
    String kid = jwt.header().getKeyID();
    List<JWK> fitting =
        client.publicKeys().getKeys().stream()
            .filter(k -> kid == null || kid.equals(k.getKeyID()))
            .filter(k -> fits(k, alg))
            .toList();
    if (fitting.isEmpty()) {
      throw rejected(
          kid == null
              ? ClientAuthenticationReason.ASSERTION_NO_MATCHING_KEY
              : ClientAuthenticationReason.ASSERTION_KEY_UNKNOWN);
    }
    // A key registered with an alg verifies that alg only: no switching RS256 to PS256 (or
    // any other algorithm the key type allows) on the client's behalf.
    List<JWK> candidates =
        fitting.stream()
            .filter(
                k -> k.getAlgorithm() == null || k.getAlgorithm().getName().equals(alg.getName()))
            .toList();
    if (candidates.isEmpty()) {
      throw rejected(ClientAuthenticationReason.ASSERTION_ALG_DOES_NOT_MATCH_KEY);
    }
    for (JWK candidate : candidates) {
      try {
        PublicKey publicKey = ((AsymmetricJWK) candidate).toPublicKey();
        JWSVerifier verifier =
            new DefaultJWSVerifierFactory().createJWSVerifier(jwt.header(), publicKey);
        if (jwt.verify(verifier)) {
          return candidate;
        }
      } catch (JOSEException | IllegalStateException e) {
        // not this key (or unusable header, e.g. unknown crit): try the next, then reject
      }
    }
    throw rejected(ClientAuthenticationReason.ASSERTION_BAD_SIGNATURE);
  }

  /** Whether a key can verify alg: RSA for RS/PS, EC on the algorithm's curve for ES. */
  private static boolean fits(JWK key, JWSAlgorithm alg) {
    if (JWSAlgorithm.Family.RSA.contains(alg)) {
      return key.getKeyType() == KeyType.RSA;
    }
    return key instanceof ECKey ec
        && com.nimbusds.jose.jwk.Curve.forJWSAlgorithm(alg).contains(ec.getCurve());
  }

  /**
   * aud is one string, the issuer or the token endpoint (draft-ietf-oauth-rfc7523bis): an array is
   * refused even when it holds only our value, so that no assertion a client made for a list of
   * servers (one of which could replay it here) is ever accepted. Read from the payload as sent:
   * Nimbus's claims set showed a one-string aud and a one-element array alike.
   */
  private void checkAudience(ClientAssertionParser.Claims claims) {
    Object aud = claims.audience();
    if (aud instanceof List<?>) {
      throw rejected(ClientAuthenticationReason.ASSERTION_AUDIENCE_NOT_A_SINGLE_STRING);
    }
    if (!(aud instanceof String single) || !acceptedAudiences.contains(single)) {
      throw rejected(
          ClientAuthenticationReason.ASSERTION_WRONG_AUDIENCE,
          "client_assertion aud must be the token endpoint URL or the issuer: "
              + String.join(" or ", new java.util.TreeSet<>(acceptedAudiences)));
    }
  }

  private Instant checkClaims(ClientAssertionParser.Claims claims) {
    Instant now = clock.instant();
    Instant exp =
        instant(claims.expirationTime())
            .orElseThrow(() -> rejected(ClientAuthenticationReason.ASSERTION_MISSING_EXP));
    if (!exp.isAfter(now.minus(clockSkew))) {
      throw rejected(ClientAuthenticationReason.ASSERTION_EXPIRED);
    }
    if (exp.isAfter(now.plus(maxAssertionLifetime).plus(clockSkew))) {
      throw rejected(
          ClientAuthenticationReason.ASSERTION_LIFETIME_TOO_LONG,
          "client_assertion exp must be at most " + maxAssertionLifetime.toSeconds() + " s ahead");
    }
    if (instant(claims.notBeforeTime())
        .filter(nbf -> nbf.isAfter(now.plus(clockSkew)))
        .isPresent()) {
      throw rejected(ClientAuthenticationReason.ASSERTION_NOT_YET_VALID);
    }
    if (instant(claims.issueTime()).filter(iat -> iat.isAfter(now.plus(clockSkew))).isPresent()) {
      throw rejected(ClientAuthenticationReason.ASSERTION_ISSUED_IN_FUTURE);
    }
    String jti = claims.jwtId();
    if (jti == null || jti.isEmpty() || jti.length() > 256) {
      throw rejected(ClientAuthenticationReason.ASSERTION_MISSING_JTI);
    }
    return exp;
  }

  private static Optional<Instant> instant(Date date) {
    return Optional.ofNullable(date).map(Date::toInstant);
  }

  /**
   * An assertion's {@code sub}, read without checking anything but its form (strictly: the
   * canonical compact form, one JSON object): for evidence after authentication failed only.
   */
  public static Optional<String> unverifiedSubject(String assertion) {
    return ClientAssertionParser.unverifiedSubject(assertion);
  }
}
