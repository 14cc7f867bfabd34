package io.tokenbroker.auth;

import static io.tokenbroker.auth.ClientAuthenticationRules.rejected;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.util.DateUtils;
import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.jose.CompactJws;
import io.tokenbroker.jose.JwsReason;
import io.tokenbroker.json.Json;
import io.tokenbroker.json.JsonTree;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A client assertion taken apart as Nimbus's {@code JWTParser.parse} and {@code getJWTClaimsSet}
 * took it apart (the same accept and refuse, the same header and claim values), without Nimbus's
 * JSON parser: its first use builds Nimbus's shaded Gson, about 160 classes and reflection in the
 * token function's cold start (issue 13). {@code ClientAssertionParserDifferentialTest} holds it to
 * Nimbus's parse.
 *
 * <p>The JSON is read by {@link JsonTree}; an assertion as clients write it (a header of {@code
 * alg}, {@code kid}, {@code typ}, strings) gets its {@link JWSHeader} from the builder and its
 * claims from the map, by Nimbus's rules ({@code JWTClaimsSet.parse}). Anything else goes to
 * Nimbus, so Nimbus decides it as before: a header with any other member (crit, b64, jwk, x5c,
 * ...), and JSON {@link JsonTree} refuses (malformed, or one of the two forms Gson reads and
 * JsonTree does not: a name twice inside a nested object, a top-level array of pairs). Those cost
 * the Gson start; an ordinary assertion, valid or not, does not.
 */
final class ClientAssertionParser {

  /** The header members an ordinary assertion has: read here; any other goes to Nimbus. */
  private static final Set<String> PLAIN_HEADER = Set.of("alg", "kid", "typ");

  private ClientAssertionParser() {}

  /**
   * A signed assertion, header read, payload not yet.
   *
   * @param nimbus the assertion as Nimbus parsed it, where Nimbus read the header; else null
   */
  record Assertion(
      JWSHeader header, CompactJws jws, Base64URL signature, String payloadJson, SignedJWT nimbus) {

    /** Whether {@code verifier} verifies the signature, as {@code JWSObject.verify} asks it. */
    boolean verify(JWSVerifier verifier) throws JOSEException {
      if (nimbus != null) {
        return nimbus.verify(verifier);
      }
      try {
        return verifier.verify(header, jws.signingInput(), signature);
      } catch (JOSEException e) {
        throw e;
      } catch (Exception e) {
        throw new JOSEException(e.getMessage(), e); // as JWSObject.verify wraps it
      }
    }
  }

  /**
   * The claims the verifier reads, as {@code JWTClaimsSet} gives them.
   *
   * @param audience aud as sent: a String, a List, or null
   */
  record Claims(
      String issuer,
      String subject,
      Object audience,
      Date expirationTime,
      Date notBeforeTime,
      Date issueTime,
      String jwtId) {}

  /** The canonical compact form, depth-checked, the header read; refusals as before. */
  static Assertion parse(String assertion, int maxLength) {
    // Nimbus's base64url decoder skips characters outside the alphabet, so "<assertion>;;;" or one
    // with a space inside would verify as the original: one signed assertion, many spellings.
    // Only the canonical compact form is accepted, as for access tokens.
    CompactJws jws;
    try {
      jws = CompactJws.parse(assertion, maxLength);
    } catch (RequestRejected notCanonical) {
      throw rejected(
          switch (notCanonical.rejectionReason()) {
            case JwsReason.JWE_NOT_ACCEPTED -> ClientAuthenticationReason.ASSERTION_ENCRYPTED;
            case JwsReason.SIGNATURE_MISSING -> ClientAuthenticationReason.ASSERTION_UNSIGNED;
            default -> ClientAuthenticationReason.ASSERTION_MALFORMED;
          });
    }
    // As Nimbus decodes them: malformed UTF-8 becomes U+FFFD.
    String headerJson = new String(jws.header(), StandardCharsets.UTF_8);
    String payloadJson = new String(jws.payload(), StandardCharsets.UTF_8);
    // Nimbus sets no depth limit of its own (the Gson inside it stops at 255 levels): apply
    // the one all JSON from callers gets, before anything reads it.
    try {
      Json.requireDepthWithinLimit(headerJson);
      Json.requireDepthWithinLimit(payloadJson);
    } catch (Json.TooDeep tooDeep) {
      throw rejected(ClientAuthenticationReason.ASSERTION_TOO_DEEP);
    }
    Map<String, Object> header;
    try {
      header = JsonTree.object(headerJson);
    } catch (ParseException forNimbus) {
      return nimbus(assertion, jws, payloadJson);
    }
    if (!PLAIN_HEADER.containsAll(header.keySet())
        || !(header.get("alg") instanceof String alg)
        || alg.equals("none")
        || !stringOrAbsent(header, "kid")
        || !stringOrAbsent(header, "typ")) {
      return nimbus(assertion, jws, payloadJson);
    }
    String typ = (String) header.get("typ");
    JWSHeader built =
        new JWSHeader.Builder(JWSAlgorithm.parse(alg))
            .keyID((String) header.get("kid"))
            .type(typ == null ? null : new JOSEObjectType(typ))
            .parsedBase64URL(new Base64URL(jws.encodedHeader()))
            .build();
    return new Assertion(built, jws, Base64URL.encode(jws.signature()), payloadJson, null);
  }

  private static boolean stringOrAbsent(Map<String, Object> header, String name) {
    return !header.containsKey(name) || header.get(name) instanceof String;
  }

  /** The header as Nimbus reads it (what this class replaced, unchanged). */
  private static Assertion nimbus(String assertion, CompactJws jws, String payloadJson) {
    JWT jwt;
    try {
      jwt = JWTParser.parse(assertion);
    } catch (ParseException | RuntimeException e) {
      // Nimbus throws unchecked exceptions on some malformed input (a JSON null header).
      throw rejected(ClientAuthenticationReason.ASSERTION_MALFORMED);
    }
    return switch (jwt) {
      case SignedJWT signed ->
          new Assertion(signed.getHeader(), jws, signed.getSignature(), payloadJson, signed);
      case EncryptedJWT encrypted -> throw rejected(ClientAuthenticationReason.ASSERTION_ENCRYPTED);
      default -> throw rejected(ClientAuthenticationReason.ASSERTION_UNSIGNED);
    };
  }

  /**
   * The payload's claims, as {@code JWTClaimsSet.parse} reads iss, sub, aud, exp, nbf, iat and jti
   * (other claims are not read); {@code assertion_malformed} where it refused.
   */
  static Claims claims(Assertion assertion) {
    try {
      return claims(payload(assertion.payloadJson()));
    } catch (ParseException | RuntimeException e) {
      throw rejected(ClientAuthenticationReason.ASSERTION_MALFORMED);
    }
  }

  /** The payload as a map; JSON {@link JsonTree} refuses goes to Nimbus's parser, as before. */
  private static Map<String, Object> payload(String json) throws ParseException {
    try {
      return JsonTree.object(json);
    } catch (ParseException forNimbus) {
      Map<String, Object> map = JSONObjectUtils.parse(json);
      if (map == null) {
        throw new ParseException("Payload of JWS object is not a valid JSON object", 0);
      }
      return map;
    }
  }

  /** {@code JWTClaimsSet.parse}'s rules for the seven registered claims. */
  static Claims claims(Map<String, Object> json) throws ParseException {
    Object audience = json.get("aud");
    if (audience instanceof List<?> list) {
      for (Object element : list) {
        if (element != null && !(element instanceof String)) {
          throw new ParseException("JSON object member aud is not an array of strings", 0);
        }
      }
    } else if (audience != null && !(audience instanceof String)) {
      throw new ParseException("Illegal aud claim", 0);
    }
    Object subject = json.get("sub");
    if (subject != null && !(subject instanceof String) && !(subject instanceof Number)) {
      throw new ParseException("Illegal sub claim", 0);
    }
    return new Claims(
        string(json, "iss"),
        subject == null ? null : String.valueOf(subject),
        audience,
        epochSeconds(json, "exp"),
        epochSeconds(json, "nbf"),
        epochSeconds(json, "iat"),
        string(json, "jti"));
  }

  private static String string(Map<String, Object> json, String name) throws ParseException {
    Object value = json.get(name);
    if (value != null && !(value instanceof String)) {
      throw new ParseException("Unexpected type of JSON object member " + name, 0);
    }
    return (String) value;
  }

  /** As {@code JSONObjectUtils.getEpochSecondAsDate}: any number, its {@code longValue()}. */
  private static Date epochSeconds(Map<String, Object> json, String name) throws ParseException {
    Object value = json.get(name);
    if (value == null) {
      return null;
    }
    if (!(value instanceof Number number)) {
      throw new ParseException("Unexpected type of JSON object member " + name, 0);
    }
    return DateUtils.fromSecondsSinceEpoch(number.longValue());
  }

  /**
   * An assertion's {@code sub}, unverified and read strictly: three segments (the signature may be
   * empty), the payload canonical base64url and one JSON object; empty for anything else. For
   * evidence only, after authentication failed.
   */
  static Optional<String> unverifiedSubject(String assertion) {
    int first = assertion.indexOf('.');
    int second = first < 0 ? -1 : assertion.indexOf('.', first + 1);
    if (first <= 0 || second < 0 || assertion.indexOf('.', second + 1) >= 0) {
      return Optional.empty();
    }
    try {
      // Parsed as a compact JWS with a stand-in signature where it has none (alg none).
      String signed = second == assertion.length() - 1 ? assertion + "AA" : assertion;
      CompactJws jws = CompactJws.parse(signed, Integer.MAX_VALUE);
      Object subject = JsonTree.object(jws.payloadJson()).get("sub");
      return subject instanceof String || subject instanceof Number
          ? Optional.of(String.valueOf(subject))
          : Optional.empty();
    } catch (ParseException | RuntimeException unreadable) {
      return Optional.empty();
    }
  }
}
