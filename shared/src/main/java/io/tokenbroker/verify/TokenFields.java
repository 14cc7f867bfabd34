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
import io.tokenbroker.jose.Actor;
import io.tokenbroker.jose.Ancestor;
import io.tokenbroker.jose.CompactJws;
import io.tokenbroker.jose.Confirmation;
import io.tokenbroker.jose.JwtTypes;
import io.tokenbroker.json.FlatJson;
import io.tokenbroker.json.Json;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * A token's header and claims, each read once ({@link FlatJson}) into the few fields the verifier
 * checks, then checked in the order {@link AccessTokenVerifier} documents. No map: a member the
 * verifier does not use is read, checked for its type and dropped.
 */
final class TokenFields {

  private static final String AT_JWT = JwtTypes.ACCESS_TOKEN.getType();

  private TokenFields() {}

  /** The verified parts of the header. */
  record Header(JWSAlgorithm alg, String kid) {}

  /** The header: exactly alg, typ and kid; alg allowed, typ at+jwt, kid well-formed. */
  static Header header(CompactJws jws, VerifierPolicy policy) {
    HeaderMembers json = new HeaderMembers();
    read(jws.headerJson(), json, AccessTokenReason.HEADER_NOT_JSON_OBJECT);
    if (json.firstUnknown != null) {
      throw invalid(
          switch (json.firstUnknown) {
            case "jku", "jwk", "x5u", "x5c", "x5t", "x5t#S256" ->
                AccessTokenReason.EMBEDDED_KEY_NOT_TRUSTED;
            case "crit" -> AccessTokenReason.CRIT_NOT_UNDERSTOOD;
            case "enc" -> AccessTokenReason.JWE_NOT_ACCEPTED;
            case "cty" -> AccessTokenReason.NESTED_JWT_NOT_ACCEPTED;
            default -> AccessTokenReason.UNEXPECTED_HEADER_PARAMETER;
          });
    }
    if (!(json.alg instanceof String alg)) {
      throw invalid(AccessTokenReason.ALG_MISSING);
    }
    JWSAlgorithm algorithm = null;
    for (JWSAlgorithm allowed : policy.algorithms()) {
      if (allowed.getName().equals(alg)) {
        algorithm = allowed;
        break;
      }
    }
    if (algorithm == null) {
      throw invalid(AccessTokenReason.ALG_NOT_ALLOWED);
    }
    if (!AT_JWT.equals(json.typ)) {
      throw invalid(AccessTokenReason.TYP_NOT_AT_JWT);
    }
    if (!(json.kid instanceof String kid)) {
      throw invalid(AccessTokenReason.KID_MISSING);
    }
    if (!Kid.isValid(kid)) {
      throw invalid(AccessTokenReason.KID_MALFORMED);
    }
    return new Header(algorithm, kid);
  }

  /** The claims of a token whose signature checked out, against the policy at the clock's now. */
  static VerifiedToken claims(CompactJws jws, String kid, VerifierPolicy policy, Clock clock) {
    return claims(jws, kid, policy, Optional.of(clock));
  }

  /**
   * As {@link #claims(CompactJws, String, VerifierPolicy, Clock)}, every check but those against
   * the present time (exp, iat, nbf) when {@code clock} is empty: a leak report's token, which is
   * the broker's whether or not it is still valid.
   */
  static VerifiedToken claims(
      CompactJws jws, String kid, VerifierPolicy policy, Optional<Clock> clock) {
    ClaimMembers claims = new ClaimMembers();
    read(jws.payloadJson(), claims, AccessTokenReason.PAYLOAD_NOT_JSON_OBJECT);
    if (!claims.flat) {
      throw invalid(AccessTokenReason.CLAIM_WRONG_TYPE);
    }
    if (!policy.issuer().equals(claims.iss)) {
      throw invalid(AccessTokenReason.ISSUER_MISMATCH);
    }
    List<String> audiences = audiences(claims.aud);
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
    Instant exp = time(claims.exp);
    if (exp == null) {
      throw invalid(AccessTokenReason.EXP_MISSING);
    }
    Instant iat = time(claims.iat);
    if (iat == null) {
      throw invalid(AccessTokenReason.IAT_MISSING);
    }
    Instant nbf = time(claims.nbf);
    if (clock.isPresent()) {
      Instant now = clock.get().instant();
      if (!now.isBefore(exp.plus(policy.clockSkew()))) {
        throw invalid(AccessTokenReason.EXPIRED);
      }
      if (iat.isAfter(now.plus(policy.clockSkew()))) {
        throw invalid(AccessTokenReason.IAT_IN_FUTURE);
      }
      if (nbf != null && nbf.isAfter(now.plus(policy.clockSkew()))) {
        throw invalid(AccessTokenReason.NOT_YET_VALID);
      }
    }
    if (!exp.isAfter(iat) || exp.isAfter(iat.plus(policy.maxLifetime()))) {
      throw invalid(AccessTokenReason.LIFETIME_OUT_OF_BOUNDS);
    }
    String jti = identifier(claims.jti, "jti", TokenId::isValid);
    String subject = identifier(claims.sub, "sub", Subject::isValid);
    String clientId = identifier(claims.clientId, "client_id", ClientId::isValid);
    Optional<String> sessionId =
        claims.sid == null
            ? Optional.empty()
            : Optional.of(identifier(claims.sid, "sid", TokenId::isValid));
    Optional<Confirmation> confirmation = confirmation(claims.cnf);
    Optional<Actor> actor =
        claims.act == null ? Optional.empty() : Optional.of(actor(claims.act, 1));
    List<Ancestor> lineage = lineage(claims.lineage);
    return new VerifiedToken(
        jti,
        subject,
        clientId,
        scopes(claims.scope),
        audiences,
        iat,
        exp,
        nbf == null ? iat : nbf,
        kid,
        sessionId,
        confirmation,
        actor,
        lineage);
  }

  /**
   * An {@code act} claim as the broker mints it: an object of string {@code sub} (required), {@code
   * client_id} and {@code iss}, and a nested {@code act} of the same form, at most {@link
   * Actor#MAX_DEPTH} deep; any other member or type is refused.
   */
  private static Actor actor(Object value, int depth) {
    if (!(value instanceof FlatJson.Raw(String json)) || depth > Actor.MAX_DEPTH) {
      throw invalid(AccessTokenReason.ACT_MALFORMED);
    }
    Object[] members = new Object[4]; // sub, client_id, iss, act
    boolean[] other = new boolean[1];
    readNested(
        json,
        new FlatJson.Members() {
          @Override
          public void member(String name, Object v) {
            switch (name) {
              case "sub" -> members[0] = v;
              case "client_id" -> members[1] = v;
              case "iss" -> members[2] = v;
              case "act" -> members[3] = v;
              default -> other[0] = true;
            }
          }

          @Override
          public boolean raw(String name) {
            return name.equals("act");
          }
        },
        AccessTokenReason.ACT_MALFORMED);
    if (other[0]
        || !(members[0] instanceof String sub)
        || !Subject.isValid(sub)
        || (members[1] != null && !(members[1] instanceof String id && ClientId.isValid(id)))
        || (members[2] != null && !(members[2] instanceof String iss && Audience.isValid(iss)))) {
      throw invalid(AccessTokenReason.ACT_MALFORMED);
    }
    return new Actor(
        sub,
        Optional.ofNullable((String) members[1]),
        Optional.ofNullable((String) members[2]),
        members[3] == null ? Optional.empty() : Optional.of(actor(members[3], depth + 1)));
  }

  /**
   * The {@code lineage} claim: absent, or an array of at most {@link Ancestor#MAX_PER_TOKEN}
   * objects of exactly a {@code jti}, a {@code client_id}, an {@code iat}, a {@code kid} and
   * optionally a {@code sid}, in the forms the broker mints.
   */
  private static List<Ancestor> lineage(Object value) {
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof FlatJson.Raw(String json))) {
      throw invalid(AccessTokenReason.LINEAGE_MALFORMED);
    }
    List<String> elements;
    try {
      elements = FlatJson.elements(json);
    } catch (ParseException e) {
      throw invalid(AccessTokenReason.LINEAGE_MALFORMED);
    }
    if (elements.isEmpty() || elements.size() > Ancestor.MAX_PER_TOKEN) {
      throw invalid(AccessTokenReason.LINEAGE_MALFORMED);
    }
    List<Ancestor> ancestors = new ArrayList<>(elements.size());
    for (String element : elements) {
      Object[] members = new Object[5];
      boolean[] other = new boolean[1];
      readNested(
          element,
          (name, v) -> {
            switch (name) {
              case "jti" -> members[0] = v;
              case "client_id" -> members[1] = v;
              case "iat" -> members[2] = v;
              case "kid" -> members[3] = v;
              case "sid" -> members[4] = v;
              default -> other[0] = true;
            }
          },
          AccessTokenReason.LINEAGE_MALFORMED);
      if (other[0]
          || !(members[0] instanceof String jti && TokenId.isValid(jti))
          || !(members[1] instanceof String clientId && ClientId.isValid(clientId))
          || !(members[2] instanceof Long iat && iat >= 0 && iat <= 253402300799L)
          || !(members[3] instanceof String kid && Kid.isValid(kid))
          || (members[4] != null && !(members[4] instanceof String sid && TokenId.isValid(sid)))) {
        throw invalid(AccessTokenReason.LINEAGE_MALFORMED);
      }
      ancestors.add(
          new Ancestor(
              jti,
              clientId,
              Instant.ofEpochSecond(iat),
              kid,
              Optional.ofNullable((String) members[4])));
    }
    return ancestors;
  }

  private static void readNested(String json, FlatJson.Members sink, AccessTokenReason reason) {
    try {
      FlatJson.read(json, sink);
    } catch (ParseException e) {
      throw invalid(reason);
    }
  }

  /**
   * The binding of a sender-constrained token: absent, or exactly one {@code jkt} or {@code
   * x5t#S256} member holding a SHA-256 thumbprint; any other {@code cnf} the broker never mints.
   */
  @SuppressWarnings("unchecked")
  private static Optional<Confirmation> confirmation(Object cnf) {
    if (cnf == null) {
      return Optional.empty();
    }
    if (!(cnf instanceof Map<?, ?> members)) {
      throw invalid(AccessTokenReason.CNF_MALFORMED);
    }
    return Optional.of(
        Confirmation.fromClaim((Map<String, String>) members) // FlatJson: strings only
            .orElseThrow(() -> invalid(AccessTokenReason.CNF_MALFORMED)));
  }

  private static void read(String json, FlatJson.Members sink, AccessTokenReason reason) {
    try {
      FlatJson.read(json, sink);
    } catch (Json.TooDeep e) {
      throw invalid(AccessTokenReason.JSON_TOO_DEEP);
    } catch (ParseException e) {
      throw invalid(reason);
    }
  }

  /** The header's three members, and the first other one in document order. */
  private static final class HeaderMembers implements FlatJson.Members {
    String firstUnknown;
    Object alg;
    Object typ;
    Object kid;

    @Override
    public void member(String name, Object value) {
      switch (name) {
        case "alg" -> alg = value;
        case "typ" -> typ = value;
        case "kid" -> kid = value;
        default -> {
          if (firstUnknown == null) {
            firstUnknown = name;
          }
        }
      }
    }
  }

  /**
   * The claims the verifier reads; every other one only has to be flat: a string, a number, a
   * boolean or an array of strings (not null, not an object). {@code cnf} and {@code act} are
   * objects, {@code lineage} an array of objects, each read in its own form.
   */
  private static final class ClaimMembers implements FlatJson.Members {
    boolean flat = true;
    Object iss;
    Object aud;
    Object exp;
    Object iat;
    Object nbf;
    Object jti;
    Object sub;
    Object clientId;
    Object sid;
    Object scope;
    Object cnf;
    Object act;
    Object lineage;

    @Override
    public boolean raw(String name) {
      return name.equals("act") || name.equals("lineage");
    }

    @Override
    public void member(String name, Object value) {
      switch (name) {
        case "cnf" -> {
          cnf = value; // checked for its shape once the claims are read
          return;
        }
        case "act" -> {
          act = value;
          return;
        }
        case "lineage" -> {
          lineage = value;
          return;
        }
        default -> {
          // a flat member, below
        }
      }
      if (value == FlatJson.NULL || value == FlatJson.NESTED || value instanceof Map) {
        flat = false;
      }
      switch (name) {
        case "iss" -> iss = value;
        case "aud" -> aud = value;
        case "exp" -> exp = value;
        case "iat" -> iat = value;
        case "nbf" -> nbf = value;
        case "jti" -> jti = value;
        case "sub" -> sub = value;
        case "client_id" -> clientId = value;
        case "sid" -> sid = value;
        case "scope" -> scope = value;
        default -> {
          // validated above, not kept
        }
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static List<String> audiences(Object aud) {
    return switch (aud) {
      case String single -> List.of(single);
      case List<?> many when !many.isEmpty() -> (List<String>) many; // FlatJson: strings only
      case null, default -> throw invalid(AccessTokenReason.AUDIENCE_MISMATCH);
    };
  }

  /** A NumericDate: an integral number of seconds; fractions and other types are refused. */
  private static Instant time(Object value) {
    if (value == null) {
      return null;
    }
    if (!(value instanceof Long seconds)) {
      throw invalid(AccessTokenReason.CLAIM_WRONG_TYPE);
    }
    if (seconds < 0 || seconds > 253402300799L) {
      throw invalid(AccessTokenReason.CLAIM_OUT_OF_RANGE);
    }
    return Instant.ofEpochSecond(seconds);
  }

  /**
   * A required identifier claim: absent, empty or not a string is {@code <name>_missing}; present
   * but in no form the broker mints is {@code <name>_malformed}.
   */
  private static String identifier(Object claim, String name, Predicate<String> mintable) {
    if (!(claim instanceof String value) || value.isEmpty()) {
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
