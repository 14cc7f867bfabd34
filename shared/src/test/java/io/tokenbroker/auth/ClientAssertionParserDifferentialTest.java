package io.tokenbroker.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.jose.CompactJws;
import io.tokenbroker.jose.JwsReason;
import io.tokenbroker.jose.PublicJwkMembers;
import io.tokenbroker.json.Json;
import io.tokenbroker.testing.TestKeys;
import io.tokenbroker.testing.TestTokens;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The client assertion read without Nimbus's JSON parser ({@link ClientAssertionParser}) against
 * the Nimbus read it replaced ({@code JWTParser.parse}, {@code getJWTClaimsSet}, the payload's raw
 * aud, {@code JWSObject.verify}): on generated and mutated assertions, the same refusal and reason,
 * or the same header, claims and signature verdict.
 *
 * <p>Decision pinned here: the new read is never stricter than Nimbus. JSON that {@code JsonTree}
 * refuses but Gson reads (a member name twice inside a nested object; a top-level name twice whose
 * first value is null; a top-level array of pairs) goes to Nimbus, which decides it as before:
 * today's tests require no more strictness of an assertion than Nimbus's, and an assertion's claims
 * are only read for a handful of members.
 */
class ClientAssertionParserDifferentialTest {

  private static final ECKey EC = TestKeys.ec();
  private static final int MAX = ClientAssertionVerifier.MAX_ASSERTION_LENGTH;

  /** What one read made of an assertion, as text: two reads agree if the texts are equal. */
  private static String nimbusRead(String assertion) {
    CompactJws jws;
    try {
      jws = CompactJws.parse(assertion, MAX);
    } catch (RequestRejected notCanonical) {
      return "refused "
          + switch (notCanonical.rejectionReason()) {
            case JwsReason.JWE_NOT_ACCEPTED -> "encrypted";
            case JwsReason.SIGNATURE_MISSING -> "unsigned";
            default -> "malformed";
          };
    }
    try {
      Json.requireDepthWithinLimit(new String(jws.header(), StandardCharsets.UTF_8));
      Json.requireDepthWithinLimit(new String(jws.payload(), StandardCharsets.UTF_8));
    } catch (Json.TooDeep tooDeep) {
      return "refused too deep";
    }
    JWT jwt;
    try {
      jwt = JWTParser.parse(assertion);
    } catch (ParseException | RuntimeException e) {
      return "refused malformed";
    }
    SignedJWT signed =
        switch (jwt) {
          case SignedJWT s -> s;
          case EncryptedJWT e -> null;
          default -> null;
        };
    if (signed == null) {
      return jwt instanceof EncryptedJWT ? "refused encrypted" : "refused unsigned";
    }
    String header = header(signed.getHeader()) + verdict(signed.getHeader(), signed::verify);
    JWTClaimsSet claims;
    try {
      claims = signed.getJWTClaimsSet();
    } catch (ParseException | RuntimeException e) {
      return header + " claims malformed";
    }
    Object aud = signed.getPayload().toJSONObject().get("aud");
    return header
        + claims(
            claims.getIssuer(),
            claims.getSubject(),
            aud,
            claims.getExpirationTime(),
            claims.getNotBeforeTime(),
            claims.getIssueTime(),
            claims.getJWTID());
  }

  private static String newRead(String assertion, int[] fast) {
    ClientAssertionParser.Assertion parsed;
    try {
      parsed = ClientAssertionParser.parse(assertion, MAX);
    } catch (RequestRejected refused) {
      return "refused "
          + switch ((ClientAuthenticationReason) refused.rejectionReason()) {
            case ASSERTION_ENCRYPTED -> "encrypted";
            case ASSERTION_UNSIGNED -> "unsigned";
            case ASSERTION_TOO_DEEP -> "too deep";
            case ASSERTION_MALFORMED -> "malformed";
            default -> "other " + refused.reason();
          };
    }
    if (parsed.nimbus() == null) {
      fast[0]++;
    }
    String header = header(parsed.header()) + verdict(parsed.header(), parsed::verify);
    ClientAssertionParser.Claims claims;
    try {
      claims = ClientAssertionParser.claims(parsed);
    } catch (RequestRejected refused) {
      return header + " claims malformed";
    }
    return header
        + claims(
            claims.issuer(),
            claims.subject(),
            claims.audience(),
            claims.expirationTime(),
            claims.notBeforeTime(),
            claims.issueTime(),
            claims.jwtId());
  }

  private static String header(JWSHeader h) {
    return "alg="
        + h.getAlgorithm()
        + " kid="
        + h.getKeyID()
        + " typ="
        + h.getType()
        + " crit="
        + h.getCriticalParams()
        + " b64="
        + h.isBase64URLEncodePayload()
        + " custom="
        + h.getCustomParams().keySet();
  }

  interface Verify {
    boolean verify(com.nimbusds.jose.JWSVerifier verifier) throws Exception;
  }

  /** Whether EC's public key verifies it as ES256 (the only alg the generated tokens sign). */
  private static String verdict(JWSHeader header, Verify verify) {
    if (!"ES256".equals(header.getAlgorithm().getName())) {
      return " sig=n/a";
    }
    try {
      return " sig=" + verify.verify(new ECDSAVerifier(EC.toECPublicKey()));
    } catch (Exception e) {
      return " sig=" + e.getClass().getSimpleName();
    }
  }

  private static String claims(
      String iss,
      String sub,
      Object aud,
      java.util.Date exp,
      java.util.Date nbf,
      java.util.Date iat,
      String jti) {
    return " iss=%s sub=%s aud=%s(%s) exp=%s nbf=%s iat=%s jti=%s"
        .formatted(
            iss,
            sub,
            aud,
            aud == null ? "-" : aud.getClass().getSimpleName().replace("LinkedTreeMap", "Map"),
            exp == null ? null : exp.getTime(),
            nbf == null ? null : nbf.getTime(),
            iat == null ? null : iat.getTime(),
            jti);
  }

  private static final String KID = EC.getKeyID();

  private static final List<String> HEADERS =
      List.of(
          "{\"alg\":\"ES256\",\"kid\":\"" + KID + "\"}",
          "{\"alg\":\"ES256\"}",
          "{\"kid\":\"" + KID + "\",\"alg\":\"ES256\",\"typ\":\"JWT\"}",
          "{\"alg\":\"ES256\",\"typ\":\"at+jwt\"}",
          "{\"alg\":\"ES256\",\"typ\":null}",
          "{\"alg\":\"ES256\",\"kid\":null}",
          "{\"alg\":\"ES256\",\"kid\":42}",
          "{\"alg\":\"ES256\",\"typ\":[\"JWT\"]}",
          "{\"alg\":256}",
          "{\"alg\":null}",
          "{\"kid\":\"k\"}",
          "{\"alg\":\"none\"}",
          "{\"alg\":\"HS256\"}",
          "{\"alg\":\"RS256\",\"kid\":\"k\"}",
          "{\"alg\":\"ES384\"}",
          "{\"alg\":\"whatever\"}",
          "{\"alg\":\"\"}",
          "{\"alg\":\"RSA-OAEP\",\"enc\":\"A256GCM\"}",
          "{\"alg\":\"ES256\",\"enc\":\"A256GCM\"}",
          "{\"alg\":\"ES256\",\"crit\":[\"exp\"],\"exp\":1}",
          "{\"alg\":\"ES256\",\"crit\":\"exp\"}",
          "{\"alg\":\"ES256\",\"crit\":[]}",
          "{\"alg\":\"ES256\",\"b64\":false,\"crit\":[\"b64\"]}",
          "{\"alg\":\"ES256\",\"b64\":false}",
          "{\"alg\":\"ES256\",\"b64\":null}",
          "{\"alg\":\"ES256\",\"cty\":\"JWT\"}",
          "{\"alg\":\"ES256\",\"jku\":\"https://x.example/jwks\"}",
          "{\"alg\":\"ES256\",\"jku\":\"::not a uri\"}",
          "{\"alg\":\"ES256\",\"jwk\":" + EC.toPublicJWK().toJSONString() + "}",
          "{\"alg\":\"ES256\",\"jwk\":{\"kty\":\"oct\",\"k\":\"AAAA\"}}",
          "{\"alg\":\"ES256\",\"x5c\":[\"MIIB\"]}",
          "{\"alg\":\"ES256\",\"x5t\":\"abc\"}",
          "{\"alg\":\"ES256\",\"foo\":{\"a\":1,\"a\":2}}",
          "{\"alg\":\"ES256\",\"foo\":1}",
          "{\"alg\":\"ES256\",\"alg\":\"ES256\"}",
          "{\"kid\":null,\"kid\":\"k\",\"alg\":\"ES256\"}",
          "[[\"alg\",\"ES256\"]]",
          "[]",
          "null",
          "",
          " ",
          "\uFEFF{\"alg\":\"ES256\"}",
          " {\"alg\" : \"ES256\"}\n",
          "{\"alg\":\"ES\\u0032\\u0035\\u0036\"}",
          "{\"alg\":\"ES256\",}",
          "{\"alg\":\"ES256\"}x",
          "{\"alg\":\"ES256\"}{}",
          "{'alg':'ES256'}",
          "{alg:\"ES256\"}",
          "{\"alg\":\"ES256\"/*c*/}",
          "{\"alg\":\"ES256\",\"kid\":\"\\ud800\"}",
          "{\"alg\":\"ES256\",\"kid\":\"a\u0001b\"}",
          "{\"alg\":\"ES256\",\"kid\":\"é\"}",
          "{\"alg\":\"ES256\",\"x\":" + "[".repeat(32) + "]".repeat(32) + "}",
          "{\"alg\":\"ES256\",\"x\":" + "[".repeat(31) + "]".repeat(31) + "}");

  /** Values tried for each registered claim. */
  private static final List<String> VALUES =
      List.of(
          "\"workload\"",
          "\"wórkload\"",
          "\"work\\u006coad\"",
          "\"\"",
          "42",
          "-1",
          "0",
          "-0",
          "1.5",
          "1e3",
          "1E+3",
          "1.0",
          "1e30",
          "1e400",
          "-1e30",
          "123456789012345678901234567890",
          "9223372036854775807",
          "9223372036854775808",
          "01",
          "true",
          "null",
          "[]",
          "[\"workload\"]",
          "[\"a\",\"b\"]",
          "[\"a\",null]",
          "[1]",
          "[[\"a\"]]",
          "{}",
          "{\"a\":1}",
          "{\"a\":1,\"a\":2}",
          "NaN",
          "\"\\x\"");

  private static final List<String> CLAIMS =
      List.of("iss", "sub", "aud", "exp", "nbf", "iat", "jti");

  /** A payload: the registered claims (some left out), each a random value, or a good one. */
  private static String payload(Random random, long now) {
    Map<String, String> members = new LinkedHashMap<>();
    members.put("iss", "\"workload\"");
    members.put("sub", "\"workload\"");
    members.put("aud", "\"https://broker.example.com/token\"");
    members.put("exp", Long.toString(now + 60));
    members.put("iat", Long.toString(now));
    members.put("jti", "\"j-" + random.nextInt(1000) + "\"");
    int changes = random.nextInt(4);
    for (int i = 0; i < changes; i++) {
      String claim = CLAIMS.get(random.nextInt(CLAIMS.size()));
      if (random.nextInt(6) == 0) {
        members.remove(claim);
      } else {
        members.put(claim, VALUES.get(random.nextInt(VALUES.size())));
      }
    }
    List<String> parts = new ArrayList<>();
    members.forEach((name, value) -> parts.add("\"" + name + "\":" + value));
    if (random.nextInt(8) == 0) {
      parts.add(parts.get(random.nextInt(parts.size()))); // a top-level name twice
    }
    if (random.nextInt(8) == 0) {
      parts.add("\"nested\":{\"x\":1,\"x\":2}"); // a nested name twice
    }
    if (random.nextInt(10) == 0) {
      parts.add("\"n\":null");
      parts.add("\"n\":1"); // twice, the first null
    }
    String json = "{" + String.join(",", parts) + "}";
    return switch (random.nextInt(20)) {
      case 0 -> json.substring(0, random.nextInt(json.length())); // cut short
      case 1 -> "[" + json + "]";
      case 2 -> "null";
      case 3 -> json + " ";
      default -> json;
    };
  }

  /** Mutations of the compact form itself. */
  private static String respelled(Random random, String token) {
    return switch (random.nextInt(30)) {
      case 0 -> token + ".";
      case 1 -> token + ".x.y";
      case 2 -> token.substring(0, token.lastIndexOf('.') + 1);
      case 3 -> token + "=";
      case 4 -> "." + token;
      case 5 -> {
        int at = random.nextInt(token.length());
        yield token.substring(0, at) + "+/ ".charAt(random.nextInt(3)) + token.substring(at + 1);
      }
      case 6 -> {
        int at = random.nextInt(token.length());
        yield token.substring(0, at) + token.substring(at + 1);
      }
      default -> token;
    };
  }

  @Test
  void readsEveryGeneratedAssertionAsNimbusReadIt() {
    Random random = new Random(13);
    long now = 1_796_000_000L;
    int[] fast = {0};
    int total = 0;
    int verified = 0;
    List<String> inputs = new ArrayList<>();
    for (String header : HEADERS) {
      for (int i = 0; i < 12; i++) {
        inputs.add(TestTokens.raw(EC, header, payload(random, now)));
      }
    }
    for (int i = 0; i < 3000; i++) {
      String header =
          random.nextInt(3) == 0 ? HEADERS.get(random.nextInt(HEADERS.size())) : HEADERS.get(0);
      inputs.add(respelled(random, TestTokens.raw(EC, header, payload(random, now))));
    }
    // Other shapes: JWE, unsigned, a header that is not UTF-8, payload bytes that are not UTF-8.
    inputs.add("a.b.c.d.e");
    inputs.add(TestTokens.b64("{\"alg\":\"none\"}") + "." + TestTokens.b64("{}") + ".");
    inputs.add(TestTokens.b64("{\"alg\":\"none\"}") + "." + TestTokens.b64("{}") + ".c2ln");
    inputs.add(
        b64(new byte[] {'{', '"', 'a', 'l', 'g', '"', ':', '"', (byte) 0xC3, '"', '}'})
            + "."
            + TestTokens.b64("{\"sub\":\"a\"}")
            + ".c2ln");
    inputs.add(
        TestTokens.b64("{\"alg\":\"ES256\"}")
            + "."
            + b64(new byte[] {'{', '"', 's', 'u', 'b', '"', ':', '"', (byte) 0xFF, '"', '}'})
            + ".c2ln");
    for (String input : inputs) {
      total++;
      String nimbus = nimbusRead(input);
      String fresh = newRead(input, fast);
      assertThat(fresh).as("input %s", input).isEqualTo(nimbus);
      verified += fresh.contains(" sig=true ") ? 1 : 0;
    }
    assertThat(verified).as("signatures verified, of %s", total).isGreaterThan(total / 4);
    // The point of the new read: most of these are read without Nimbus's JSON parser.
    assertThat(fast[0]).as("read without Nimbus, of %s", total).isGreaterThan(total / 3);
  }

  private static String b64(byte[] bytes) {
    return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  @Test
  void readsAnUnverifiedSubjectStrictly() {
    String good =
        TestTokens.raw(EC, "{\"alg\":\"ES256\"}", "{\"sub\":\"workload\",\"iss\":\"workload\"}");
    assertThat(ClientAssertionVerifier.unverifiedSubject(good)).contains("workload");
    // Unsigned (alg none) as Nimbus read it; a number as JWTClaimsSet makes it a string.
    assertThat(
            ClientAssertionVerifier.unverifiedSubject(
                TestTokens.b64("{\"alg\":\"none\"}") + "." + TestTokens.b64("{\"sub\":42}") + "."))
        .contains("42");
    // Not the canonical form, or not one JSON object: nothing.
    assertThat(ClientAssertionVerifier.unverifiedSubject(good + ";;")).isEmpty();
    assertThat(ClientAssertionVerifier.unverifiedSubject(good + "==")).isEmpty();
    assertThat(ClientAssertionVerifier.unverifiedSubject("a.b.c.d.e")).isEmpty();
    assertThat(
            ClientAssertionVerifier.unverifiedSubject(
                TestTokens.b64("{}")
                    + "."
                    + TestTokens.b64("{\"sub\":\"a\",\"sub\":\"b\"}")
                    + ".c2ln"))
        .isEmpty();
    assertThat(
            ClientAssertionVerifier.unverifiedSubject(
                TestTokens.b64("{}") + "." + TestTokens.b64("{\"sub\":[\"a\"]}") + ".c2ln"))
        .isEmpty();
  }

  /** Client keys as registered: built without JWK.parse, the same key, or left to Nimbus. */
  @Test
  void buildsRegisteredPublicKeysAsJwkParseDoes() throws Exception {
    RSAKey rsa = TestKeys.rsa();
    List<Map<String, Object>> keys = new ArrayList<>();
    keys.add(EC.toPublicJWK().toJSONObject());
    keys.add(rsa.toPublicJWK().toJSONObject());
    Map<String, Object> bare = new LinkedHashMap<>(EC.toPublicJWK().toJSONObject());
    bare.remove("kid");
    bare.remove("use");
    bare.remove("alg");
    keys.add(bare);
    Random random = new Random(7);
    List<Object> odd =
        List.of("", "x", "!!", 1, "P-384", "secp256k1", "enc", "sig", "RS256", "none", "AQAB");
    for (int i = 0; i < 400; i++) {
      Map<String, Object> key =
          new LinkedHashMap<>((random.nextBoolean() ? EC : rsa).toPublicJWK().toJSONObject());
      List<String> names = new ArrayList<>(key.keySet());
      names.add("key_ops");
      names.add("x5c");
      names.add("ext");
      String name = names.get(random.nextInt(names.size()));
      switch (random.nextInt(3)) {
        case 0 -> key.remove(name);
        default -> key.put(name, odd.get(random.nextInt(odd.size())));
      }
      keys.add(key);
    }
    int built = 0;
    for (Map<String, Object> key : keys) {
      Optional<JWK> fresh = PublicJwkMembers.of(key);
      if (fresh.isEmpty()) {
        continue; // left to Nimbus
      }
      built++;
      assertThat(fresh.get().toJSONObject())
          .as("key %s", key)
          .isEqualTo(JWK.parse(key).toJSONObject());
      assertThat(fresh.get()).isEqualTo(JWK.parse(key));
    }
    assertThat(built).isGreaterThan(50);
  }
}
