package io.tokenbroker.federation;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import io.tokenbroker.clients.TrustPolicy;
import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.errors.ServiceFailure;
import io.tokenbroker.jose.CompactJws;
import io.tokenbroker.json.FlatJson;
import io.tokenbroker.json.Json;
import io.tokenbroker.telemetry.Telemetry;
import io.tokenbroker.telemetry.TelemetryEvent;
import io.tokenbroker.tokens.ExchangeRequest;
import io.tokenbroker.tokens.ExchangedFrom;
import io.tokenbroker.tokens.TokenDigest;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Verifies an outside token (a GitHub Actions or GitLab CI ID token, a Kubernetes service-account
 * token) under a client's trust policies, as strictly as the broker's own tokens (RFC 8725):
 *
 * <ol>
 *   <li>the compact JWS taken apart strictly ({@link CompactJws}), header and claims strict JSON;
 *   <li>header: no {@code crit}; {@code typ} absent or JWT; a {@code kid}; {@code jku}, {@code
 *       x5u}, {@code jwk} and {@code x5c} never used (the key comes from the issuer's JWKS only);
 *   <li>{@code iss} exactly a policy's issuer; then, per policy of that issuer in order: {@code
 *       alg} in its allow-list, the issuer's key for the kid ({@link IssuerKeys}), fit for the alg,
 *       the signature; {@code aud} containing its audience; {@code exp} required and not past,
 *       {@code iat} required, not in the future, not older than its {@code max_token_age_seconds};
 *       {@code nbf} honoured (all with the clock skew); {@code sub} present and matching; its claim
 *       conditions. The first policy that passes wins;
 *   <li>a single-use policy's token with a {@code jti} is exchanged once ({@link
 *       OutsideTokenReplayGuard}): verification writes nothing; the {@link Accepted#singleUse()}
 *       handle spends the {@code jti} when the exchange is about to mint, so a request refused for
 *       another reason leaves the token usable.
 * </ol>
 *
 * <p>Every refusal is {@code invalid_request} with the same words ({@link #NOT_ACCEPTABLE}); the
 * reason of each policy tried goes to the log, the reason of the policy that got furthest to the
 * rejection (its metric dimension).
 */
public final class OutsideTokenVerifier {

  /** The one description of every refusal of a subject token (RFC 8693 2.2.2: invalid_request). */
  public static final String NOT_ACCEPTABLE = notAcceptable("subject_token");

  /** The one description of every refusal of the outside token sent as {@code parameter}. */
  public static String notAcceptable(String parameter) {
    return parameter + " is not acceptable";
  }

  private static final Set<String> JWT_TYPES = Set.of("jwt", "application/jwt");
  private static final int MAX_KID_LENGTH = 256;
  private static final int MAX_JTI_LENGTH = 256;
  private static final long YEAR_10000 = 253_402_300_800L;

  /**
   * An accepted outside token: the policy that matched, the identity to record, and its single use,
   * still to be spent ({@link FederatedAuthentication.SingleUse#NONE} when there is none).
   */
  public record Accepted(
      TrustPolicy policy,
      ExchangedFrom.OutsideIdentity identity,
      FederatedAuthentication.SingleUse singleUse) {}

  private final IssuerKeys keys;
  private final OutsideTokenReplayGuard replays;
  private final Clock clock;
  private final Duration clockSkew;
  private final Telemetry telemetry;

  public OutsideTokenVerifier(
      IssuerKeys keys,
      OutsideTokenReplayGuard replays,
      Clock clock,
      Duration clockSkew,
      Telemetry telemetry) {
    this.keys = keys;
    this.replays = replays;
    this.clock = clock;
    this.clockSkew = clockSkew;
    this.telemetry = telemetry;
  }

  /**
   * The first of {@code policies} (a client's, in order) the token satisfies.
   *
   * @throws RequestRejected {@code invalid_request}, the reason a {@link FederationReason}
   * @throws ServiceFailure (retryable) when the issuer's keys cannot be had for now and no other
   *     policy of the issuer (with other keys: a pinned jwks_uri) accepts the token; keys that
   *     cannot be had at all (the port's non-retryable failure) refuse the token
   */
  public Accepted verify(String clientId, List<TrustPolicy> policies, String token) {
    return verify(clientId, policies, token, "subject_token");
  }

  /**
   * As {@link #verify(String, List, String)}, for the token sent as {@code parameter} ({@code
   * subject_token} or {@code actor_token}), which the refusal names.
   */
  public Accepted verify(
      String clientId, List<TrustPolicy> policies, String token, String parameter) {
    String notAcceptable = notAcceptable(parameter);
    String tokenSha256 = TokenDigest.sha256(token);
    Token parsed;
    try {
      parsed = Token.parse(token);
    } catch (Refused refused) {
      throw refuse(clientId, tokenSha256, notAcceptable, refused.reason, Map.of());
    }
    List<TrustPolicy> candidates =
        policies.stream().filter(p -> p.issuer().equals(parsed.iss)).toList();
    if (candidates.isEmpty()) {
      throw refuse(clientId, tokenSha256, notAcceptable, FederationReason.UNKNOWN_ISSUER, Map.of());
    }
    Map<String, FederationReason> refusals = new LinkedHashMap<>();
    Map<KeyId, Optional<JWK>> fetched = new HashMap<>();
    Map<KeyId, ServiceFailure> outages = new HashMap<>();
    for (TrustPolicy policy : candidates) {
      try {
        Map<String, String> matched = check(policy, parsed, fetched, outages);
        telemetry.emit(
            TelemetryEvent.info("federation.accepted")
                .with("client_id", clientId)
                .with("policy", policy.name())
                .with("outside_iss", parsed.iss)
                .with("outside_sub", parsed.sub)
                .with("outside_jti", parsed.jti)
                .with("outside_token_sha256", tokenSha256)
                .with("refused_before", summary(refusals)));
        return new Accepted(
            policy,
            new ExchangedFrom.OutsideIdentity(
                parsed.iss, parsed.sub, new TreeMap<>(matched), tokenSha256),
            policy.singleUse() && parsed.jti != null
                ? singleUse(clientId, tokenSha256, notAcceptable, parsed.id(), parsed.exp)
                : FederatedAuthentication.SingleUse.NONE);
      } catch (Refused refused) {
        refusals.put(policy.name(), refused.reason);
      } catch (ServiceFailure unavailable) {
        // This policy's keys are down (a pinned jwks_uri): the issuer's other policies may
        // still match with other keys; if none does, this one might have, so 503 below.
      }
    }
    if (!outages.isEmpty()) {
      throw outages.values().iterator().next();
    }
    FederationReason furthest =
        refusals.values().stream().max(Enum::compareTo).orElse(FederationReason.UNKNOWN_ISSUER);
    throw refuse(clientId, tokenSha256, notAcceptable, furthest, refusals);
  }

  /** Spends the token's id once: a second spend (a replay, or a concurrent twin) is refused. */
  private FederatedAuthentication.SingleUse singleUse(
      String clientId, String tokenSha256, String notAcceptable, String tokenId, Instant exp) {
    return () -> {
      if (!replays.firstUse(tokenId, exp)) {
        throw refuse(clientId, tokenSha256, notAcceptable, FederationReason.REPLAYED, Map.of());
      }
    };
  }

  private RequestRejected refuse(
      String clientId,
      String tokenSha256,
      String notAcceptable,
      FederationReason reason,
      Map<String, FederationReason> perPolicy) {
    telemetry.emit(
        TelemetryEvent.warn("federation.refused")
            .with("client_id", clientId)
            .with("reason", reason.logName())
            .with("policies", summary(perPolicy))
            .with("outside_token_sha256", tokenSha256));
    return RequestRejected.invalidRequest(reason, notAcceptable);
  }

  private static String summary(Map<String, FederationReason> perPolicy) {
    List<String> parts = new ArrayList<>();
    perPolicy.forEach((name, reason) -> parts.add(name + ":" + reason.logName()));
    return parts.isEmpty() ? null : String.join(" ", parts);
  }

  /** The claims the policy matched, or {@link Refused} with the first rule the token breaks. */
  private Map<String, String> check(
      TrustPolicy policy,
      Token token,
      Map<KeyId, Optional<JWK>> fetched,
      Map<KeyId, ServiceFailure> outages) {
    if (!policy.algorithms().contains(token.alg)) {
      throw new Refused(FederationReason.ALGORITHM_NOT_ALLOWED);
    }
    KeyId keyId = new KeyId(policy.issuer(), policy.jwksUri(), token.kid);
    Optional<JWK> key;
    if (outages.containsKey(keyId)) {
      throw outages.get(keyId); // asked once per token
    }
    try {
      key =
          fetched.computeIfAbsent(
              keyId,
              k ->
                  keys.key(
                      new IssuerKeys.TrustedIssuer(URI.create(k.issuer()), k.jwksUri()), k.kid()));
    } catch (ServiceFailure unavailable) {
      if (unavailable.retryable()) {
        outages.put(keyId, unavailable);
        throw unavailable; // an outage: 503 unless another policy matches
      }
      // Keys that may not be had at all (a private address, an issuer whose discovery names
      // another, http): not an outage, an issuer not to be trusted.
      throw new Refused(FederationReason.ISSUER_KEYS_REFUSED);
    }
    if (key.isEmpty()) {
      throw new Refused(FederationReason.KEY_UNKNOWN);
    }
    verifySignature(token, key.get());
    return checkClaims(policy, token, clock.instant(), clockSkew);
  }

  /**
   * For operators ({@code brokerctl trust-policy test}): each policy's verdict on the token's
   * header and claims at {@code now}, in order, as {@link #verify} would judge them, but with no
   * key fetched, no signature checked and nothing recorded.
   *
   * @return the verdicts, or one refusal for the token itself (malformed, no kid, ...) under the
   *     name {@code "*"}
   */
  public static List<Verdict> dryRun(
      List<TrustPolicy> policies, String token, Instant now, Duration clockSkew) {
    Token parsed;
    try {
      parsed = Token.parse(token);
    } catch (Refused refused) {
      return List.of(new Verdict("*", Optional.of(refused.reason), Map.of()));
    }
    List<Verdict> verdicts = new ArrayList<>();
    for (TrustPolicy policy : policies) {
      try {
        if (!policy.issuer().equals(parsed.iss)) {
          throw new Refused(FederationReason.UNKNOWN_ISSUER);
        }
        if (!policy.algorithms().contains(parsed.alg)) {
          throw new Refused(FederationReason.ALGORITHM_NOT_ALLOWED);
        }
        verdicts.add(
            new Verdict(
                policy.name(), Optional.empty(), checkClaims(policy, parsed, now, clockSkew)));
      } catch (Refused refused) {
        verdicts.add(new Verdict(policy.name(), Optional.of(refused.reason), Map.of()));
      }
    }
    return verdicts;
  }

  /** One policy's verdict in a {@link #dryRun}: empty refusal when it matches. */
  public record Verdict(
      String policy, Optional<FederationReason> refusal, Map<String, String> matched) {}

  /** The claim rules, after the signature: the claims the policy matched. */
  private static Map<String, String> checkClaims(
      TrustPolicy policy, Token token, Instant now, Duration clockSkew) {
    if (!token.audiences.contains(policy.audience())) {
      throw new Refused(FederationReason.AUDIENCE_MISMATCH);
    }
    if (token.exp == null) {
      throw new Refused(FederationReason.EXPIRATION_MISSING);
    }
    if (!token.exp.isAfter(now.minus(clockSkew))) {
      throw new Refused(FederationReason.EXPIRED);
    }
    if (token.iat == null) {
      throw new Refused(FederationReason.ISSUED_AT_MISSING);
    }
    if (token.iat.isAfter(now.plus(clockSkew))) {
      throw new Refused(FederationReason.ISSUED_IN_FUTURE);
    }
    if (token.nbf != null && token.nbf.isAfter(now.plus(clockSkew))) {
      throw new Refused(FederationReason.NOT_YET_VALID);
    }
    if (token.iat.plus(policy.maxTokenAge()).isBefore(now.minus(clockSkew))) {
      throw new Refused(FederationReason.TOO_OLD);
    }
    if (token.sub == null) {
      throw new Refused(FederationReason.SUBJECT_MISSING);
    }
    if (!policy.subject().matches(token.sub)) {
      throw new Refused(FederationReason.SUBJECT_MISMATCH);
    }
    Map<String, String> matched = new LinkedHashMap<>();
    for (TrustPolicy.ClaimCondition condition : policy.claims()) {
      Optional<String> value = ClaimPaths.text(token.claims, condition.path());
      if (value.isEmpty() || !condition.match().matches(value.get())) {
        throw new Refused(FederationReason.CLAIM_MISMATCH);
      }
      matched.put(condition.claim(), value.get());
    }
    return matched;
  }

  /** The key must be fit for the alg; then Nimbus checks the signature over the bytes sent. */
  private static void verifySignature(Token token, JWK key) {
    if ((key.getKeyUse() != null && !KeyUse.SIGNATURE.equals(key.getKeyUse()))
        || (key.getAlgorithm() != null && !key.getAlgorithm().getName().equals(token.alg.getName()))
        || key.isPrivate()) {
      throw new Refused(FederationReason.KEY_UNFIT);
    }
    JWSVerifier verifier;
    try {
      if (JWSAlgorithm.Family.RSA.contains(token.alg)
          && key instanceof RSAKey rsa
          && rsa.size() >= 2048) {
        verifier = new RSASSAVerifier(rsa);
      } else if (JWSAlgorithm.Family.EC.contains(token.alg)
          && key instanceof ECKey ec
          && Curve.forJWSAlgorithm(token.alg).contains(ec.getCurve())) {
        verifier = new ECDSAVerifier(ec);
      } else {
        throw new Refused(FederationReason.KEY_UNFIT);
      }
    } catch (JOSEException | RuntimeException unusable) {
      if (unusable instanceof Refused refused) {
        throw refused;
      }
      throw new Refused(FederationReason.KEY_UNFIT);
    }
    boolean valid;
    try {
      // A header of the alg alone: nothing else the token's header says reaches the check.
      valid =
          verifier.verify(
              new JWSHeader(token.alg),
              token.jws.signingInput(),
              Base64URL.encode(token.jws.signature()));
    } catch (JOSEException | RuntimeException e) {
      valid = false;
    }
    if (!valid) {
      throw new Refused(FederationReason.BAD_SIGNATURE);
    }
  }

  /** A refusal under one policy; the next policy is tried. */
  private static final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient FederationReason reason;

    Refused(FederationReason reason) {
      super(reason.logName(), null, false, false);
      this.reason = reason;
    }
  }

  private record KeyId(String issuer, Optional<URI> jwksUri, String kid) {}

  /** The token's header and registered claims, read once, strictly. */
  private static final class Token {
    CompactJws jws;
    JWSAlgorithm alg;
    String kid;
    String iss;
    String sub;
    String jti;
    List<String> audiences = List.of();
    Instant exp;
    Instant iat;
    Instant nbf;
    Map<String, Object> claims;

    static Token parse(String text) {
      Token token = new Token();
      try {
        token.jws = CompactJws.parse(text, ExchangeRequest.MAX_TOKEN_CHARS);
      } catch (RequestRejected notCompact) {
        throw new Refused(FederationReason.MALFORMED);
      }
      String[] alg = new String[1];
      String[] typ = new String[1];
      boolean[] crit = new boolean[1];
      try {
        FlatJson.read(
            token.jws.headerJson(),
            (name, value) -> {
              switch (name) {
                case "alg" -> alg[0] = value instanceof String s ? s : "";
                case "kid" -> token.kid = value instanceof String s ? s : "";
                case "typ" -> typ[0] = value instanceof String s ? s : "";
                case "crit" -> crit[0] = true;
                default -> {} // jku, x5u, jwk, x5c, x5t...: never used
              }
            });
        // Names unique at every level first: Nimbus's parser keeps the last of a nested
        // duplicate ({"namespace":"x","namespace":"payments"}), which a policy would then match.
        FlatJson.read(token.jws.payloadJson(), (name, value) -> {});
        token.claims = Json.object(token.jws.payloadJson());
      } catch (ParseException | RequestRejected malformed) {
        throw new Refused(FederationReason.MALFORMED);
      }
      if (alg[0] == null || alg[0].isEmpty()) {
        throw new Refused(FederationReason.MALFORMED);
      }
      token.alg = JWSAlgorithm.parse(alg[0]);
      if (typ[0] != null && !JWT_TYPES.contains(typ[0].toLowerCase(java.util.Locale.ROOT))) {
        throw new Refused(FederationReason.TYP_NOT_ACCEPTED);
      }
      if (crit[0]) {
        throw new Refused(FederationReason.CRITICAL_HEADER);
      }
      if (token.kid == null || token.kid.isEmpty() || token.kid.length() > MAX_KID_LENGTH) {
        throw new Refused(FederationReason.KID_MISSING);
      }
      token.iss = string(token.claims, "iss");
      if (token.iss == null) {
        throw new Refused(FederationReason.UNKNOWN_ISSUER);
      }
      token.sub = string(token.claims, "sub");
      token.jti = string(token.claims, "jti");
      if (token.jti != null && token.jti.length() > MAX_JTI_LENGTH) {
        throw new Refused(FederationReason.MALFORMED);
      }
      token.audiences = audiences(token.claims.get("aud"));
      token.exp = instant(token.claims, "exp");
      token.iat = instant(token.claims, "iat");
      token.nbf = instant(token.claims, "nbf");
      return token;
    }

    /** The id of the token for the replay guard: SHA-256 over issuer and jti, base64url. */
    String id() {
      try {
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        sha256.update(iss.getBytes(StandardCharsets.UTF_8));
        sha256.update((byte) 0);
        sha256.update(jti.getBytes(StandardCharsets.UTF_8));
        return Base64URL.encode(sha256.digest()).toString();
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-256 is in every JDK", e);
      }
    }

    /** A string claim, null when absent; any other type or an empty string is malformed. */
    private static String string(Map<String, Object> claims, String name) {
      Object value = claims.get(name);
      if (value == null && !claims.containsKey(name)) {
        return null;
      }
      if (!(value instanceof String s) || s.isEmpty()) {
        throw new Refused(FederationReason.MALFORMED);
      }
      return s;
    }

    /** aud: a string or an array of strings (RFC 7519 4.1.3). */
    private static List<String> audiences(Object aud) {
      if (aud == null) {
        return List.of();
      }
      if (aud instanceof String single) {
        return List.of(single);
      }
      if (aud instanceof List<?> list && list.stream().allMatch(String.class::isInstance)) {
        return list.stream().map(String.class::cast).toList();
      }
      throw new Refused(FederationReason.MALFORMED);
    }

    /** A NumericDate: a finite number of seconds (a fraction rounds down). */
    private static Instant instant(Map<String, Object> claims, String name) {
      if (!claims.containsKey(name)) {
        return null;
      }
      Object value = claims.get(name);
      if (value instanceof Long seconds && Math.abs(seconds) < YEAR_10000) {
        return Instant.ofEpochSecond(seconds);
      }
      if (value instanceof Double d && Double.isFinite(d) && Math.abs(d) < YEAR_10000) {
        return Instant.ofEpochSecond((long) Math.floor(d));
      }
      throw new Refused(FederationReason.MALFORMED);
    }
  }
}
