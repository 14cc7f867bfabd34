package io.tokenbroker.verify;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import io.tokenbroker.auth.ClientAssertionVerifier;
import io.tokenbroker.clients.Client;
import io.tokenbroker.clients.InvalidClientPolicy;
import io.tokenbroker.discovery.BrokerEndpoints;
import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.jose.CompactJws;
import io.tokenbroker.json.Json;
import io.tokenbroker.revocation.CachedRevocations;
import io.tokenbroker.testing.ClientAssertions;
import io.tokenbroker.testing.Clients;
import io.tokenbroker.testing.InMemoryClientRepository;
import io.tokenbroker.testing.InMemoryReplayGuard;
import io.tokenbroker.testing.InMemoryRevocations;
import io.tokenbroker.testing.MutableClock;
import io.tokenbroker.testing.TestKeys;
import io.tokenbroker.testing.TestTokens;
import io.tokenbroker.testing.Wycheproof;
import io.tokenbroker.testing.WycheproofTransplant;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.interfaces.ECPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Project Wycheproof's vectors (issue 7) through the real entry points: {@link
 * AccessTokenVerifier#verify} for signatures, client registration and {@link
 * ClientAssertionVerifier#verify} for key sets. Nothing of the verifier is re-implemented here.
 *
 * <p>The verifier checks structure, header, key and then the signature ({@link
 * AccessTokenVerifier}'s order), so a vector reaches the signature step only inside a token whose
 * header ({@code alg}, {@code typ: at+jwt}, a kid the verifier resolves to the vector's public key)
 * and claims are otherwise valid. A signature covers its own message, though, and no Wycheproof
 * message is such a token's signing input:
 *
 * <ul>
 *   <li>the raw signature files (ES256 in P1363 form, RS256, PS256) sign messages such as "123400",
 *       never {@code header.payload}: wrapped as the token's signature, every one of them, valid or
 *       not, must be refused with {@code bad_signature} (an empty one with {@code
 *       signature_missing}). That is the contract for a signature over another message, and it
 *       catches verifiers that accept message-independent forgeries (r = s = 0 and its kin). The
 *       vectors' own verdicts over their own messages are {@link WycheproofSignatureTest}'s.
 *   <li>the JWS files sign {@code {"alg","kid"}} headers without typ. With the signer's private
 *       key, which these files give, {@link WycheproofTransplant} moves each signature onto the
 *       token's signing input keeping its verdict (same padding, salt, defect; same (r, s) point),
 *       so "valid" must be accepted and "invalid" refused with {@code bad_signature}. Cases that
 *       attack the header or the structure rather than the signature (another alg or kid, an
 *       embedded jwk, missing parts, JSON serialization, JWE) are given to the verifier as they are
 *       and must be refused; a valid one only because it is not an access token (typ, kid form, a
 *       member we refuse) or uses an algorithm the broker does not accept.
 * </ul>
 *
 * A control token, same header and claims signed properly, is accepted: the refusals are about the
 * signature and nothing else.
 *
 * <p>The JWK file's key sets are registered as a client's (the policy's key checks), and each
 * vector's signature, moved onto a client assertion the same way, is presented to {@link
 * ClientAssertionVerifier#verify}: "valid" authenticates, "invalid" is refused, at registration or
 * at authentication; valid symmetric (HMAC) key sets are refused, as a client registers public keys
 * only.
 */
class WycheproofJoseTest {

  static final String ISSUER = "https://broker.example.com";
  static final String AUDIENCE = "https://orders.example.com";
  static final String ACCEPTED = "accepted";

  /**
   * Why the verifier may refuse a valid Wycheproof token given as it is: it is not an access token
   * (no typ at+jwt, a kid in no form we mint, a header member we refuse, no claims, encrypted), it
   * uses an algorithm the broker does not accept (HMAC, RS384, ...), or it is valid only to a
   * lenient decoder (a stray character in base64url, which {@link CompactJws} refuses by design).
   */
  static final Set<String> NOT_AN_ACCESS_TOKEN =
      Set.of(
          "typ_not_at_jwt",
          "kid_malformed",
          "unexpected_header_parameter",
          "empty_segment",
          "jwe_not_accepted",
          "alg_not_allowed",
          "non_canonical_base64url");

  /** Valid key sets a client cannot register: symmetric keys (HMAC). */
  static final Set<Integer> SYMMETRIC_KEY_SETS = Set.of(2, 13, 14, 15);

  private final MutableClock clock = MutableClock.at("2026-11-28T12:00:00Z");

  @ParameterizedTest(name = "{1} ({0})")
  @CsvSource({
    "rsa_signature_2048_sha256_test.json, RS256, keyJwk, 259",
    "ecdsa_secp256r1_sha256_p1363_test.json, ES256, publicKeyJwk, 262",
    "rsa_pss_2048_sha256_mgf1_32_test.json, PS256, publicKeyJwk, 108"
  })
  @SuppressWarnings("unchecked")
  void signatureVectorsOverOtherMessagesAreRefusedAtTheSignatureStep(
      String file, String algName, String keyField, int vectors) {
    Map<String, Object> loaded = Wycheproof.load(file);
    JWSAlgorithm alg = JWSAlgorithm.parse(algName);
    Outcome outcome = new Outcome(file);
    int groupNumber = 0;
    for (Map<String, Object> group : (List<Map<String, Object>>) loaded.get("testGroups")) {
      String kid = "wycheproof-" + groupNumber++;
      JWK key = publicKey(group, keyField, alg, kid);
      String signingInput = signingInput(alg, kid);
      for (Map<String, Object> test : (List<Map<String, Object>>) group.get("tests")) {
        byte[] message = HexFormat.of().parseHex((String) test.get("msg"));
        byte[] sig = HexFormat.of().parseHex((String) test.get("sig"));
        // A JWS signing input always has a dot; should a vector's message ever have one, it
        // would need running as a token of its own, not this way.
        assertThat(new String(message, StandardCharsets.ISO_8859_1))
            .as(file + " tcId " + test.get("tcId") + ": a message that may be a signing input")
            .doesNotContain(".");
        String verdict = verdict(signingInput + "." + b64(sig), Optional.of(key));
        outcome.expect(test, verdict, sig.length == 0 ? "signature_missing" : "bad_signature");
      }
    }
    outcome.assertNoneWrong();
    assertThat(outcome.count).as(file + ": vectors run").isEqualTo(vectors);
  }

  @Test
  void jsonWebSignatureVectors() {
    Outcome outcome = runJwsFile("json_web_signature_test.json");
    // Pinned: a change in how the file's cases are sorted (moved or as they are) shows here.
    assertThat(outcome.moved)
        .as("signatures moved onto an access token")
        .isEqualTo(
            Map.of(
                "ES256 valid", 2,
                "ES256 invalid", 7,
                "ES256 invalid kept (invalid over any message)", 20,
                "PS256 valid", 6,
                "PS256 invalid", 10,
                "PS256 invalid kept (invalid over any message)", 32,
                "RS256 valid", 7,
                "RS256 invalid", 197,
                "RS256 invalid kept (invalid over any message)", 20));
    assertThat(outcome.asIs)
        .as("tokens given as they are")
        .isEqualTo(Map.of("valid", 31, "invalid", 69));
  }

  @Test
  void jsonWebCryptoVectors() {
    Outcome outcome = runJwsFile("json_web_crypto_test.json");
    assertThat(outcome.moved)
        .as("signatures moved onto an access token")
        .isEqualTo(
            Map.of(
                "ES256 valid", 1,
                "ES256 invalid", 3,
                "ES256 invalid kept (invalid over any message)", 1,
                "RS256 valid", 1,
                "RS256 invalid", 1,
                "RS256 invalid kept (invalid over any message)", 4));
    assertThat(outcome.asIs)
        .as("tokens given as they are")
        .isEqualTo(Map.of("valid", 4, "invalid", 68));
  }

  /** The wrapper the vectors ride in is a token the verifier accepts when properly signed. */
  @Test
  void controlTokenOfTheSameShapeIsAccepted() {
    for (JWSAlgorithm alg : List.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256, JWSAlgorithm.PS256)) {
      JWK key = TestKeys.generate(alg);
      String input = signingInput(alg, "control");
      byte[] sig = TestTokens.sign(key, input.getBytes(StandardCharsets.US_ASCII));
      assertThat(
              verdict(
                  input + "." + b64(sig), Optional.of(withAlg(key.toPublicJWK(), alg, "control"))))
          .as(alg.getName())
          .isEqualTo(ACCEPTED);
    }
  }

  @SuppressWarnings("unchecked")
  private Outcome runJwsFile(String file) {
    Map<String, Object> vectors = Wycheproof.load(file);
    Outcome outcome = new Outcome(file);
    for (Map<String, Object> group : (List<Map<String, Object>>) vectors.get("testGroups")) {
      Optional<JWK> privateKey = jwk((Map<String, Object>) group.get("private"));
      Optional<JWK> publicKey = jwk((Map<String, Object>) group.get("public"));
      for (Map<String, Object> test : (List<Map<String, Object>>) group.get("tests")) {
        Object jws = test.get("jws") != null ? test.get("jws") : test.get("jwe");
        Optional<JWSAlgorithm> signatureCase =
            jws instanceof String compact && privateKey.isPresent() && publicKey.isPresent()
                ? signatureCase(compact, privateKey.get())
                : Optional.empty();
        if (signatureCase.isPresent()) {
          moved(
              outcome, test, (String) jws, signatureCase.get(), privateKey.get(), publicKey.get());
        } else {
          asIs(outcome, test, jws, publicKey);
        }
      }
    }
    outcome.assertNoneWrong();
    return outcome;
  }

  /**
   * The signature moved onto an access token's signing input, under a kid the verifier resolves to
   * the group's public key: its verdict must be Wycheproof's.
   */
  private void moved(
      Outcome outcome,
      Map<String, Object> test,
      String jws,
      JWSAlgorithm alg,
      JWK privateKey,
      JWK publicKey) {
    String kid = thumbprint(publicKey);
    String input = signingInput(alg, kid);
    String[] parts = jws.split("\\.", -1);
    byte[] sig = Base64.getUrlDecoder().decode(parts[2]);
    byte[] movedSig =
        WycheproofTransplant.move(
            alg,
            privateKey,
            (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII),
            input.getBytes(StandardCharsets.US_ASCII),
            sig);
    JWK published = withAlg(publicKey, alg, kid);
    String verdict = verdict(input + "." + b64(movedSig), Optional.of(published));
    // Structure first, then the key (a key the resolver does not trust, e.g. ROCA, is no key),
    // then the signature.
    String refusal =
        sig.length == 0
            ? "signature_missing"
            : resolver(Optional.of(published)).find(kid).isEmpty()
                ? "unknown_kid"
                : "bad_signature";
    switch ((String) test.get("result")) {
      case "valid" -> outcome.expect(test, verdict, ACCEPTED);
      case "invalid" -> outcome.expect(test, verdict, refusal);
      default -> outcome.expectOneOf(test, verdict, Set.of(ACCEPTED, refusal));
    }
    String how = Arrays.equals(movedSig, sig) ? " kept (invalid over any message)" : "";
    outcome.moved.merge(alg.getName() + " " + test.get("result") + how, 1, Integer::sum);
  }

  /** The token as Wycheproof wrote it: refused, a valid one only for not being an access token. */
  private void asIs(
      Outcome outcome, Map<String, Object> test, Object jws, Optional<JWK> publicKey) {
    String token =
        jws instanceof String compact ? compact : JSONObjectUtils.toJSONString(asMap(jws));
    String verdict = verdict(token, publicKey);
    String result = (String) test.get("result");
    if (verdict.equals(ACCEPTED)) {
      outcome.wrong.add("tcId " + test.get("tcId") + " (" + result + ") accepted as it is");
    } else if (result.equals("valid") && !NOT_AN_ACCESS_TOKEN.contains(verdict)) {
      outcome.wrong.add("tcId " + test.get("tcId") + " valid, refused as " + verdict);
    }
    outcome.count++;
    outcome.asIs.merge(result, 1, Integer::sum);
  }

  /**
   * The algorithm, if the case attacks the signature alone: three segments, a header that is
   * exactly the group key's {@code {"alg","kid"}} with an alg the broker accepts.
   */
  private static Optional<JWSAlgorithm> signatureCase(String jws, JWK privateKey) {
    String[] parts = jws.split("\\.", -1);
    if (parts.length != 3 || privateKey.getAlgorithm() == null) {
      return Optional.empty();
    }
    try {
      Base64.getUrlDecoder().decode(parts[2]);
      Map<String, Object> header =
          Json.object(new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8));
      String alg = privateKey.getAlgorithm().getName();
      boolean fits =
          header.equals(Map.of("alg", alg, "kid", String.valueOf(privateKey.getKeyID())))
              && VerifierPolicy.SUPPORTED.stream().anyMatch(a -> a.getName().equals(alg));
      return fits ? Optional.of(JWSAlgorithm.parse(alg)) : Optional.empty();
    } catch (ParseException | IllegalArgumentException notThatCase) {
      return Optional.empty();
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void jsonWebKeyVectors() throws Exception {
    Map<String, Object> file = Wycheproof.load("json_web_key_test.json");
    Outcome outcome = new Outcome("json_web_key_test.json");
    for (Map<String, Object> group : (List<Map<String, Object>>) file.get("testGroups")) {
      Map<String, Object> keySet =
          (Map<String, Object>)
              (group.get("public") != null ? group.get("public") : group.get("private"));
      Map<String, Object> privateSet = (Map<String, Object>) group.get("private");
      for (Map<String, Object> test : (List<Map<String, Object>>) group.get("tests")) {
        int tcId = ((Number) test.get("tcId")).intValue();
        boolean valid = "valid".equals(test.get("result"));
        if (SYMMETRIC_KEY_SETS.contains(tcId)) {
          assertThat(valid).as("tcId %d is a valid symmetric key set", tcId).isTrue();
        }
        String verdict = clientVerdict(keySet, privateSet, (String) test.get("jws"));
        outcome.expect(
            test,
            verdict.equals(ACCEPTED) ? ACCEPTED : "refused",
            valid && !SYMMETRIC_KEY_SETS.contains(tcId) ? ACCEPTED : "refused");
      }
    }
    outcome.assertNoneWrong();
    assertThat(outcome.count).isEqualTo(26);
  }

  /**
   * The key set registered as a client's (through the policy's checks), then a client assertion
   * carrying the vector's signature, moved onto the assertion with the key set's private key.
   */
  @SuppressWarnings("unchecked")
  private String clientVerdict(
      Map<String, Object> keySet, Map<String, Object> privateSet, String jws) throws Exception {
    Map<String, Object> registration = Clients.json("wycheproof");
    registration.put("jwks", keySet);
    Client client;
    try {
      client = Clients.parse(registration);
    } catch (InvalidClientPolicy refused) {
      return "registration_refused";
    }
    InMemoryClientRepository clients = new InMemoryClientRepository();
    clients.add(client);
    ClientAssertionVerifier authenticator =
        new ClientAssertionVerifier(
            clients,
            new InMemoryReplayGuard(),
            new BrokerEndpoints(URI.create(ISSUER)),
            clock,
            Duration.ofMinutes(5),
            Duration.ofSeconds(60));
    String[] parts = jws.split("\\.", -1);
    Map<String, Object> header =
        Json.object(new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8));
    JWSAlgorithm alg = JWSAlgorithm.parse(String.valueOf(header.get("alg")));
    String kid = String.valueOf(header.get("kid"));
    String assertion = jws;
    for (Map<String, Object> key : (List<Map<String, Object>>) privateSet.get("keys")) {
      Optional<JWK> signer = jwk(key).filter(k -> kid.equals(k.getKeyID()));
      if (signer.isPresent() && parts.length == 3) {
        String input =
            Base64URL.encode(new JWSHeader.Builder(alg).keyID(kid).build().toString())
                + "."
                + Base64URL.encode(
                    ClientAssertions.claims("wycheproof", ISSUER + "/token", clock.instant())
                        .build()
                        .toString());
        byte[] sig =
            WycheproofTransplant.move(
                alg,
                signer.get(),
                (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII),
                input.getBytes(StandardCharsets.US_ASCII),
                Base64.getUrlDecoder().decode(parts[2]));
        assertion = input + "." + b64(sig);
      }
    }
    try {
      authenticator.verify(
          Optional.of(ClientAssertions.JWT_BEARER), Optional.of(assertion), Optional.empty());
      return ACCEPTED;
    } catch (RequestRejected refused) {
      return refused.reason();
    }
  }

  /**
   * What the verifier, as the authorizer wires it (keys through a {@link CachingKeyResolver}), says
   * of {@code token} when {@code key} is the one key published: {@link #ACCEPTED} or the reason for
   * refusing.
   */
  private String verdict(String token, Optional<JWK> key) {
    AccessTokenVerifier verifier =
        new AccessTokenVerifier(
            new VerifierPolicy(
                ISSUER, AUDIENCE, VerifierPolicy.SUPPORTED, Duration.ZERO, Duration.ofHours(1)),
            resolver(key),
            new CachedRevocations(new InMemoryRevocations(), clock, Duration.ZERO, 10),
            clock);
    try {
      verifier.verify(token);
      return ACCEPTED;
    } catch (RequestRejected refused) {
      return refused.reason();
    }
  }

  private CachingKeyResolver resolver(Optional<JWK> key) {
    return new CachingKeyResolver(
        () -> key.stream().toList(), clock, Duration.ofMinutes(5), Duration.ofSeconds(30));
  }

  /** An access token's signing input: the broker's header for this alg and kid, valid claims. */
  private String signingInput(JWSAlgorithm alg, String kid) {
    Map<String, Object> header = new LinkedHashMap<>();
    header.put("alg", alg.getName());
    header.put("typ", "at+jwt");
    header.put("kid", kid);
    return TestTokens.b64(JSONObjectUtils.toJSONString(header))
        + "."
        + TestTokens.b64(
            JSONObjectUtils.toJSONString(TestTokens.claims(ISSUER, AUDIENCE, clock.instant())));
  }

  /**
   * The group's public key with the file's alg and our kid: its JWK, or (some ECDSA groups have
   * none) built from its DER encoding.
   */
  @SuppressWarnings("unchecked")
  private static JWK publicKey(
      Map<String, Object> group, String keyField, JWSAlgorithm alg, String kid) {
    try {
      if (group.get(keyField) instanceof Map<?, ?> jwk) {
        return withAlg(JWK.parse((Map<String, Object>) jwk), alg, kid);
      }
      ECPublicKey ec =
          (ECPublicKey)
              KeyFactory.getInstance("EC")
                  .generatePublic(
                      new X509EncodedKeySpec(
                          HexFormat.of().parseHex((String) group.get("publicKeyDer"))));
      return new ECKey.Builder(Curve.P_256, ec).algorithm(alg).keyID(kid).build();
    } catch (Exception unusable) {
      throw new IllegalStateException("a Wycheproof key we cannot express as a JWK", unusable);
    }
  }

  private static JWK withAlg(JWK key, JWSAlgorithm alg, String kid) {
    try {
      Map<String, Object> json = new HashMap<>(key.toJSONObject());
      json.put("alg", alg.getName());
      json.put("kid", kid);
      json.remove("use");
      json.remove("key_ops");
      return JWK.parse(json);
    } catch (ParseException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String thumbprint(JWK key) {
    try {
      return key.computeThumbprint().toString();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Optional<JWK> jwk(Map<String, Object> json) {
    try {
      return json == null || json.get("kty") == null
          ? Optional.empty()
          : Optional.of(JWK.parse(json))
              .filter(k -> k.getKeyType() == KeyType.RSA || k.getKeyType() == KeyType.EC);
    } catch (ParseException unusable) {
      return Optional.empty();
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asMap(Object json) {
    return (Map<String, Object>) json;
  }

  private static String b64(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** Counts and mismatches of one file. */
  static final class Outcome {
    final String file;
    final List<String> wrong = new ArrayList<>();
    final Map<String, Integer> moved = new TreeMap<>();
    final Map<String, Integer> asIs = new TreeMap<>();
    int count;

    Outcome(String file) {
      this.file = file;
    }

    void expect(Map<String, Object> test, String verdict, String expected) {
      expectOneOf(test, verdict, Set.of(expected));
    }

    void expectOneOf(Map<String, Object> test, String verdict, Set<String> expected) {
      count++;
      if (!expected.contains(verdict)) {
        wrong.add(
            "tcId %s (%s, %s): %s, expected %s"
                .formatted(
                    test.get("tcId"), test.get("result"), test.get("comment"), verdict, expected));
      }
    }

    void assertNoneWrong() {
      System.out.printf(
          "Wycheproof %s: %d run; moved onto an access token %s; as they are %s%n",
          file, count, moved, asIs);
      assertThat(wrong).as(file).isEmpty();
    }
  }
}
