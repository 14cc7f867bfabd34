package io.tokenbroker.verify;

import com.nimbusds.jose.JWSAlgorithm;
import io.tokenbroker.errors.OAuthError;
import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.identifiers.Audience;
import io.tokenbroker.identifiers.ClientId;
import io.tokenbroker.identifiers.Kid;
import io.tokenbroker.identifiers.ScopeSet;
import io.tokenbroker.identifiers.Subject;
import io.tokenbroker.identifiers.TokenId;
import io.tokenbroker.jose.CompactJws;
import io.tokenbroker.jose.Confirmation;
import io.tokenbroker.jose.JwtTypes;
import io.tokenbroker.json.Json;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The oracle for {@link TokenFields}: the verifier's header and claims reading as it was before
 * issue 13, through Nimbus's Gson into maps ({@link Json#object}), kept verbatim; issue 15 added
 * the act and lineage claims, read from the same maps.
 */
final class GsonTokenFields {

  private static final Set<String> HEADER_MEMBERS = Set.of("alg", "typ", "kid");

  private GsonTokenFields() {}

  static TokenFields.Header header(CompactJws jws, VerifierPolicy policy) {
    Map<String, Object> json =
        jsonObject(jws.headerJson(), AccessTokenReason.HEADER_NOT_JSON_OBJECT);
    for (String member : json.keySet()) {
      if (!HEADER_MEMBERS.contains(member)) {
        throw invalid(
            switch (member) {
              case "jku", "jwk", "x5u", "x5c", "x5t", "x5t#S256" ->
                  AccessTokenReason.EMBEDDED_KEY_NOT_TRUSTED;
              case "crit" -> AccessTokenReason.CRIT_NOT_UNDERSTOOD;
              case "enc" -> AccessTokenReason.JWE_NOT_ACCEPTED;
              case "cty" -> AccessTokenReason.NESTED_JWT_NOT_ACCEPTED;
              default -> AccessTokenReason.UNEXPECTED_HEADER_PARAMETER;
            });
      }
    }
    if (!(json.get("alg") instanceof String alg)) {
      throw invalid(AccessTokenReason.ALG_MISSING);
    }
    JWSAlgorithm algorithm =
        policy.algorithms().stream()
            .filter(a -> a.getName().equals(alg))
            .findFirst()
            .orElseThrow(() -> invalid(AccessTokenReason.ALG_NOT_ALLOWED));
    if (!JwtTypes.ACCESS_TOKEN.getType().equals(json.get("typ"))) {
      throw invalid(AccessTokenReason.TYP_NOT_AT_JWT);
    }
    if (!(json.get("kid") instanceof String kid)) {
      throw invalid(AccessTokenReason.KID_MISSING);
    }
    if (!Kid.isValid(kid)) {
      throw invalid(AccessTokenReason.KID_MALFORMED);
    }
    return new TokenFields.Header(algorithm, kid);
  }

  static VerifiedToken claims(CompactJws jws, String kid, VerifierPolicy policy, Clock clock) {
    Map<String, Object> claims =
        jsonObject(jws.payloadJson(), AccessTokenReason.PAYLOAD_NOT_JSON_OBJECT);
    for (Map.Entry<String, Object> claim : claims.entrySet()) {
      if (claim.getKey().equals("cnf")
          || claim.getKey().equals("act")
          || claim.getKey().equals("lineage")) {
        continue;
      }
      Object value = claim.getValue();
      boolean flat =
          value instanceof String
              || value instanceof Number
              || value instanceof Boolean
              || (value instanceof List<?> list
                  && list.stream().allMatch(v -> v instanceof String));
      if (!flat) {
        throw invalid(AccessTokenReason.CLAIM_WRONG_TYPE);
      }
    }
    if (!policy.issuer().equals(claims.get("iss"))) {
      throw invalid(AccessTokenReason.ISSUER_MISMATCH);
    }
    List<String> audiences = audiences(claims.get("aud"));
    if (audiences.size() > Audience.MAX_PER_TOKEN) {
      throw invalid(AccessTokenReason.AUDIENCE_MALFORMED);
    }
    for (String audience : audiences) {
      if (!Audience.isValid(audience)) {
        throw invalid(AccessTokenReason.AUDIENCE_MALFORMED);
      }
    }
    if (!policy.acceptsAudience(audiences)) {
      throw invalid(AccessTokenReason.AUDIENCE_MISMATCH);
    }
    Instant now = clock.instant();
    Instant exp = time(claims, "exp").orElseThrow(() -> invalid(AccessTokenReason.EXP_MISSING));
    Instant iat = time(claims, "iat").orElseThrow(() -> invalid(AccessTokenReason.IAT_MISSING));
    if (!now.isBefore(exp.plus(policy.clockSkew()))) {
      throw invalid(AccessTokenReason.EXPIRED);
    }
    if (iat.isAfter(now.plus(policy.clockSkew()))) {
      throw invalid(AccessTokenReason.IAT_IN_FUTURE);
    }
    java.util.Optional<Instant> nbf = time(claims, "nbf");
    if (nbf.filter(t -> t.isAfter(now.plus(policy.clockSkew()))).isPresent()) {
      throw invalid(AccessTokenReason.NOT_YET_VALID);
    }
    if (!exp.isAfter(iat) || exp.isAfter(iat.plus(policy.maxLifetime()))) {
      throw invalid(AccessTokenReason.LIFETIME_OUT_OF_BOUNDS);
    }
    String jti = identifier(claims, "jti", TokenId::isValid);
    String subject = identifier(claims, "sub", Subject::isValid);
    String clientId = identifier(claims, "client_id", ClientId::isValid);
    java.util.Optional<String> sessionId = java.util.Optional.empty();
    if (claims.containsKey("sid")) {
      sessionId = java.util.Optional.of(identifier(claims, "sid", TokenId::isValid));
    }
    java.util.Optional<Confirmation> confirmation = java.util.Optional.empty();
    if (claims.containsKey("cnf")) {
      if (!(claims.get("cnf") instanceof Map<?, ?> cnf
          && cnf.values().stream().allMatch(v -> v instanceof String))) {
        throw invalid(AccessTokenReason.CNF_MALFORMED);
      }
      confirmation =
          java.util.Optional.of(
              Confirmation.fromClaim(stringMembers(cnf))
                  .orElseThrow(() -> invalid(AccessTokenReason.CNF_MALFORMED)));
    }
    java.util.Optional<io.tokenbroker.jose.Actor> actor =
        claims.containsKey("act")
            ? java.util.Optional.of(actor(claims.get("act"), 1))
            : java.util.Optional.empty();
    List<io.tokenbroker.jose.Ancestor> lineage =
        claims.containsKey("lineage") ? lineage(claims.get("lineage")) : List.of();
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
        sessionId,
        confirmation,
        actor,
        lineage);
  }

  // Issue 15, added to the oracle from RFC 8693 4.1 and the broker's lineage claim over Gson's
  // maps, independently of TokenFields' streaming reader.

  private static io.tokenbroker.jose.Actor actor(Object value, int depth) {
    if (depth > 5
        || !(value instanceof Map<?, ?> act)
        || !java.util.Set.of("sub", "client_id", "iss", "act").containsAll(act.keySet())
        || !(act.get("sub") instanceof String sub && Subject.isValid(sub))
        || (act.containsKey("client_id")
            && !(act.get("client_id") instanceof String id && ClientId.isValid(id)))
        || (act.containsKey("iss")
            && !(act.get("iss") instanceof String iss && Audience.isValid(iss)))) {
      throw invalid(AccessTokenReason.ACT_MALFORMED);
    }
    return new io.tokenbroker.jose.Actor(
        sub,
        java.util.Optional.ofNullable((String) act.get("client_id")),
        java.util.Optional.ofNullable((String) act.get("iss")),
        act.containsKey("act")
            ? java.util.Optional.of(actor(act.get("act"), depth + 1))
            : java.util.Optional.empty());
  }

  private static List<io.tokenbroker.jose.Ancestor> lineage(Object value) {
    if (!(value instanceof List<?> entries) || entries.isEmpty() || entries.size() > 6) {
      throw invalid(AccessTokenReason.LINEAGE_MALFORMED);
    }
    List<io.tokenbroker.jose.Ancestor> ancestors = new java.util.ArrayList<>();
    for (Object entry : entries) {
      if (!(entry instanceof Map<?, ?> ancestor)
          || !java.util.Set.of("jti", "client_id", "iat", "kid", "sid")
              .containsAll(ancestor.keySet())
          || !(ancestor.get("jti") instanceof String jti && TokenId.isValid(jti))
          || !(ancestor.get("client_id") instanceof String id && ClientId.isValid(id))
          || !(ancestor.get("iat") instanceof Long iat && iat >= 0 && iat <= 253402300799L)
          || !(ancestor.get("kid") instanceof String kid && Kid.isValid(kid))
          || (ancestor.containsKey("sid")
              && !(ancestor.get("sid") instanceof String sid && TokenId.isValid(sid)))) {
        throw invalid(AccessTokenReason.LINEAGE_MALFORMED);
      }
      ancestors.add(
          new io.tokenbroker.jose.Ancestor(
              jti,
              id,
              Instant.ofEpochSecond(iat),
              kid,
              java.util.Optional.ofNullable((String) ancestor.get("sid"))));
    }
    return ancestors;
  }

  private static Map<String, String> stringMembers(Map<?, ?> object) {
    Map<String, String> members = new java.util.LinkedHashMap<>();
    object.forEach((name, value) -> members.put((String) name, (String) value));
    return members;
  }

  private static Map<String, Object> jsonObject(String json, AccessTokenReason reason) {
    try {
      // Strict JSON, one object, no duplicate member names (Nimbus rejects them at this level).
      return Json.object(json);
    } catch (Json.TooDeep e) {
      throw invalid(AccessTokenReason.JSON_TOO_DEEP);
    } catch (ParseException e) {
      throw invalid(reason);
    }
  }

  private static List<String> audiences(Object aud) {
    return switch (aud) {
      case String single -> List.of(single);
      case List<?> many when !many.isEmpty() ->
          new ArrayList<>(many.stream().map(String.class::cast).toList());
      case null, default -> throw invalid(AccessTokenReason.AUDIENCE_MISMATCH);
    };
  }

  /** A NumericDate: an integral number of seconds; fractions and other types are refused. */
  private static java.util.Optional<Instant> time(Map<String, Object> claims, String name) {
    Object value = claims.get(name);
    if (value == null) {
      return java.util.Optional.empty();
    }
    if (!(value instanceof Long seconds)) {
      throw invalid(AccessTokenReason.CLAIM_WRONG_TYPE);
    }
    if (seconds < 0 || seconds > 253402300799L) {
      throw invalid(AccessTokenReason.CLAIM_OUT_OF_RANGE);
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
      throw invalid(AccessTokenReason.missing(name));
    }
    if (!mintable.test(value)) {
      throw invalid(AccessTokenReason.malformed(name));
    }
    return value;
  }

  /** A scope list as the broker mints it ({@link ScopeSet#parseMinted}): it joins a set. */
  private static SortedSet<String> scopes(Object scope) {
    if (scope == null) {
      return new TreeSet<>();
    }
    if (!(scope instanceof String text)) {
      throw invalid(AccessTokenReason.SCOPE_MALFORMED);
    }
    return new TreeSet<>(
        ScopeSet.parseMinted(text)
            .orElseThrow(() -> invalid(AccessTokenReason.SCOPE_MALFORMED))
            .values());
  }

  private static RequestRejected invalid(AccessTokenReason reason) {
    return new RequestRejected(OAuthError.INVALID_TOKEN, reason, "invalid token");
  }
}
