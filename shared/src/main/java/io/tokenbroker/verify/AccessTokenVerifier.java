package io.tokenbroker.verify;

import com.nimbusds.jose.JWSAlgorithm;
import io.tokenbroker.errors.OAuthError;
import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.identifiers.Audience;
import io.tokenbroker.identifiers.ClientId;
import io.tokenbroker.identifiers.Kid;
import io.tokenbroker.identifiers.Scope;
import io.tokenbroker.identifiers.Subject;
import io.tokenbroker.identifiers.TokenId;
import io.tokenbroker.jose.CompactJws;
import io.tokenbroker.jose.SignatureCheck;
import io.tokenbroker.jose.VerificationKey;
import io.tokenbroker.json.Json;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Validates the broker's access tokens (RFC 9068 profile, RFC 8725 practices), every check explicit
 * and in this order, so that nothing from the token is trusted before it is checked:
 *
 * <ol>
 *   <li>structure: compact JWS, canonical base64url, size cap ({@link CompactJws}); header and
 *       claims JSON nested at most {@link Json#MAX_DEPTH} levels;
 *   <li>header: a JSON object with exactly {@code alg}, {@code typ}, {@code kid}; alg allowed; typ
 *       {@code at+jwt}; kid well-formed (no jku, jwk, x5u, x5c, crit, cty, enc: refused);
 *   <li>key: kid among the trusted keys, the key's own alg equal to the header's;
 *   <li>signature;
 *   <li>claims: a flat JSON object; iss exact; aud contains ours; exp, iat required; nbf honoured;
 *       lifetime within the maximum; jti, sub, client_id present; every identifier and scope in a
 *       form the broker mints ({@link io.tokenbroker.identifiers}), nothing it could never have
 *       issued;
 *   <li>revocation: the jti, the client's watermark and the signing key.
 * </ol>
 *
 * Failures are {@link RequestRejected} {@code invalid_token} with a precise reason; a key source or
 * revocation store that cannot be read is a {@link ServiceFailure} (callers fail closed).
 */
public final class AccessTokenVerifier {

  /** Our tokens are under 2 KB; 8 KB leaves room and bounds work on hostile input. */
  public static final int MAX_TOKEN_LENGTH = 8192;

  /**
   * The longest jti an operator may name for revocation. A token's own jti is a {@link TokenId} (22
   * characters); any other is refused, so never needs revoking.
   */
  public static final int MAX_JTI_LENGTH = 256;

  private static final Set<String> HEADER_MEMBERS = Set.of("alg", "typ", "kid");

  private final VerifierPolicy policy;
  private final KeyResolver keys;
  private final RevocationCheck revocations;
  private final Clock clock;

  public AccessTokenVerifier(
      VerifierPolicy policy, KeyResolver keys, RevocationCheck revocations, Clock clock) {
    this.policy = policy;
    this.keys = keys;
    this.revocations = revocations;
    this.clock = clock;
  }

  /** Whether a kid is one a token's header may name ({@link Kid}). */
  public static boolean isWellFormedKid(String kid) {
    return Kid.isValid(kid);
  }

  public VerifiedToken verify(String token) {
    CompactJws jws = CompactJws.parse(token, MAX_TOKEN_LENGTH);
    Header header = header(jws);
    VerificationKey key = keys.find(header.kid()).orElseThrow(() -> invalid("unknown_kid"));
    if (!header.alg().equals(key.jwk().getAlgorithm())) {
      throw invalid("alg_does_not_match_key");
    }
    if (!SignatureCheck.verifies(header.alg(), key, jws.signingInput(), jws.signature())) {
      throw invalid("bad_signature");
    }
    VerifiedToken verified = claims(jws, header.kid());
    RevocationStatus status =
        revocations.status(
            verified.jti(), verified.clientId(), verified.kid(), verified.sessionId());
    status
        .reasonFor(verified.issuedAt())
        .ifPresent(
            reason -> {
              throw invalid(reason);
            });
    return verified;
  }

  /** The verified parts of the header. */
  private record Header(JWSAlgorithm alg, String kid) {}

  private Header header(CompactJws jws) {
    Map<String, Object> json = jsonObject(jws.headerJson(), "header_not_json_object");
    for (String member : json.keySet()) {
      if (!HEADER_MEMBERS.contains(member)) {
        throw invalid(
            switch (member) {
              case "jku", "jwk", "x5u", "x5c", "x5t", "x5t#S256" -> "embedded_key_not_trusted";
              case "crit" -> "crit_not_understood";
              case "enc" -> "jwe_not_accepted";
              case "cty" -> "nested_jwt_not_accepted";
              default -> "unexpected_header_parameter";
            });
      }
    }
    if (!(json.get("alg") instanceof String alg)) {
      throw invalid("alg_missing");
    }
    JWSAlgorithm algorithm =
        policy.algorithms().stream()
            .filter(a -> a.getName().equals(alg))
            .findFirst()
            .orElseThrow(() -> invalid("alg_not_allowed"));
    if (!"at+jwt".equals(json.get("typ"))) {
      throw invalid("typ_not_at_jwt");
    }
    if (!(json.get("kid") instanceof String kid)) {
      throw invalid("kid_missing");
    }
    if (!Kid.isValid(kid)) {
      throw invalid("kid_malformed");
    }
    return new Header(algorithm, kid);
  }

  private VerifiedToken claims(CompactJws jws, String kid) {
    Map<String, Object> claims = jsonObject(jws.payloadJson(), "payload_not_json_object");
    for (Object value : claims.values()) {
      boolean flat =
          value instanceof String
              || value instanceof Number
              || value instanceof Boolean
              || (value instanceof List<?> list
                  && list.stream().allMatch(v -> v instanceof String));
      if (!flat) {
        throw invalid("claim_wrong_type");
      }
    }
    if (!policy.issuer().equals(claims.get("iss"))) {
      throw invalid("issuer_mismatch");
    }
    List<String> audiences = audiences(claims.get("aud"));
    if (audiences.size() > Audience.MAX_PER_TOKEN) {
      throw invalid("audience_malformed");
    }
    for (String audience : audiences) {
      if (!Audience.isValid(audience)) {
        throw invalid("audience_malformed");
      }
    }
    if (!policy.acceptsAudience(audiences)) {
      throw invalid("audience_mismatch");
    }
    Instant now = clock.instant();
    Instant exp = time(claims, "exp").orElseThrow(() -> invalid("exp_missing"));
    Instant iat = time(claims, "iat").orElseThrow(() -> invalid("iat_missing"));
    if (!now.isBefore(exp.plus(policy.clockSkew()))) {
      throw invalid("expired");
    }
    if (iat.isAfter(now.plus(policy.clockSkew()))) {
      throw invalid("iat_in_future");
    }
    java.util.Optional<Instant> nbf = time(claims, "nbf");
    if (nbf.filter(t -> t.isAfter(now.plus(policy.clockSkew()))).isPresent()) {
      throw invalid("not_yet_valid");
    }
    if (!exp.isAfter(iat) || exp.isAfter(iat.plus(policy.maxLifetime()))) {
      throw invalid("lifetime_out_of_bounds");
    }
    String jti = identifier(claims, "jti", TokenId::isValid);
    String subject = identifier(claims, "sub", Subject::isValid);
    String clientId = identifier(claims, "client_id", ClientId::isValid);
    java.util.Optional<String> sessionId = java.util.Optional.empty();
    if (claims.containsKey("sid")) {
      sessionId = java.util.Optional.of(identifier(claims, "sid", TokenId::isValid));
    }
    return new VerifiedToken(
        jti,
        subject,
        clientId,
        scopes(claims.get("scope")),
        audiences,
        iat,
        exp,
        nbf.orElse(iat),
        kid,
        sessionId);
  }

  private static Map<String, Object> jsonObject(String json, String reason) {
    try {
      // Strict JSON, one object, no duplicate member names (Nimbus rejects them at this level).
      return Json.object(json);
    } catch (Json.TooDeep e) {
      throw invalid("json_too_deep");
    } catch (ParseException e) {
      throw invalid(reason);
    }
  }

  private static List<String> audiences(Object aud) {
    return switch (aud) {
      case String single -> List.of(single);
      case List<?> many when !many.isEmpty() ->
          new ArrayList<>(many.stream().map(String.class::cast).toList());
      case null, default -> throw invalid("audience_mismatch");
    };
  }

  /** A NumericDate: an integral number of seconds; fractions and other types are refused. */
  private static java.util.Optional<Instant> time(Map<String, Object> claims, String name) {
    Object value = claims.get(name);
    if (value == null) {
      return java.util.Optional.empty();
    }
    if (!(value instanceof Long seconds)) {
      throw invalid("claim_wrong_type");
    }
    if (seconds < 0 || seconds > 253402300799L) {
      throw invalid("claim_out_of_range");
    }
    return java.util.Optional.of(Instant.ofEpochSecond(seconds));
  }

  /**
   * A required identifier claim: absent, empty or not a string is {@code <name>_missing}; present
   * but in no form the broker mints is {@code <name>_malformed}.
   */
  private static String identifier(
      Map<String, Object> claims, String name, Predicate<String> mintable) {
    if (!(claims.get(name) instanceof String value) || value.isEmpty()) {
      throw invalid(name + "_missing");
    }
    if (!mintable.test(value)) {
      throw invalid(name + "_malformed");
    }
    return value;
  }

  /**
   * A scope list as the broker mints it ({@link Scope#isList}: one pass over the characters, no
   * regex per token), and no scope twice: it joins a set.
   */
  private static SortedSet<String> scopes(Object scope) {
    if (scope == null) {
      return new TreeSet<>();
    }
    if (!(scope instanceof String text) || !Scope.isList(text)) {
      throw invalid("scope_malformed");
    }
    String[] tokens = text.split(" ");
    SortedSet<String> scopes = new TreeSet<>(Arrays.asList(tokens));
    if (scopes.size() != tokens.length) {
      throw invalid("scope_malformed");
    }
    return scopes;
  }

  private static RequestRejected invalid(String reason) {
    return new RequestRejected(OAuthError.INVALID_TOKEN, reason, "invalid token");
  }
}
