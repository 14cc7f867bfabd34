package io.tokenbroker.verify;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import io.tokenbroker.clients.Client;
import io.tokenbroker.clients.InvalidClientPolicy;
import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.jose.CompactJws;
import io.tokenbroker.jose.SignatureCheck;
import io.tokenbroker.jose.VerificationKey;
import io.tokenbroker.json.Json;
import io.tokenbroker.revocation.CachedRevocations;
import io.tokenbroker.testing.Clients;
import io.tokenbroker.testing.MutableClock;
import io.tokenbroker.testing.Wycheproof;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Project Wycheproof's JOSE files (issue 7) through the project's own verification code: every case
 * that concerns our algorithms (RS256, ES256, PS256) and asymmetric keys must end as the file says,
 * "valid" accepted and "invalid" refused.
 *
 * <p>Wycheproof's tokens are generic JWS ({@code {"alg","kid"}} headers, payloads such as "foo"),
 * so the full {@link AccessTokenVerifier} refuses every one of them for RFC 9068 profile reasons
 * ({@code typ} must be {@code at+jwt}) before it looks at a signature. Each case therefore runs
 * through the signature layer, the verifier's own steps up to and including the signature ({@link
 * CompactJws}, the header's alg among {@link VerifierPolicy#SUPPORTED}, the key by kid from a
 * {@link CachingKeyResolver} and its alg equal to the header's, {@link SignatureCheck}); and
 * through the full verifier, which must refuse every case, the valid ones only for a profile
 * reason, never for their signature. JWK-set cases first go through {@code ClientJson}'s key
 * hygiene, as a client's registration would.
 *
 * <p>Cases that do not apply are named below with their reason; the test checks that exactly those
 * were skipped, so the list cannot grow unnoticed.
 */
class WycheproofJoseTest {

  /** A named reason and the tcIds it covers. */
  record Skip(String reason, Set<Integer> tcIds) {}

  static final List<Skip> SIGNATURE_SKIPS =
      List.of(
          new Skip(
              "HMAC (HS256) with a symmetric key: no public key to verify with; never accepted",
              ids(range(1, 17), List.of(348, 352), range(357, 377))),
          new Skip(
              "valid RS384/RS512/PS384/PS512/ES512: algorithms the broker does not accept",
              ids(range(264, 271), range(320, 323), range(325, 328), List.of(346, 347, 350, 351))));

  static final List<Skip> CRYPTO_SKIPS =
      List.of(
          new Skip(
              "HMAC (HS256) with a symmetric key or key set: no public key to verify with",
              ids(range(1, 17), range(47, 49))),
          new Skip("JWE: the broker accepts signed tokens only", ids(range(50, 83))));

  static final List<Skip> KEY_SKIPS =
      List.of(
          new Skip(
              "valid HMAC key sets: a client registers public keys only",
              ids(List.of(2), range(13, 15))));

  /**
   * Valid JWS with an empty payload: {@link CompactJws} refuses an empty segment by design (an
   * access token always has claims), so for these the signature is checked by {@link
   * SignatureCheck} directly on the token's parts, and must verify.
   */
  static final Set<Integer> EMPTY_PAYLOAD = Set.of(259, 272);

  /**
   * Refusals of the full verifier that are about the token profile, not the signature: typ must be
   * at+jwt, kids are thumbprints, an access token has claims.
   */
  static final Set<String> PROFILE_REASONS =
      Set.of("typ_not_at_jwt", "kid_malformed", "unexpected_header_parameter", "empty_segment");

  private final MutableClock clock = MutableClock.at("2026-11-28T12:00:00Z");

  @Test
  void jsonWebSignatureVectors() {
    Outcome outcome = runJwsFile("json_web_signature_test.json", SIGNATURE_SKIPS, EMPTY_PAYLOAD);
    assertThat(outcome.run()).isGreaterThan(300);
  }

  @Test
  void jsonWebCryptoVectors() {
    Outcome outcome = runJwsFile("json_web_crypto_test.json", CRYPTO_SKIPS, Set.of());
    assertThat(outcome.run()).isGreaterThan(25);
  }

  @Test
  @SuppressWarnings("unchecked")
  void jsonWebKeyVectors() {
    Map<String, Object> file = Wycheproof.load("json_web_key_test.json");
    Outcome outcome = new Outcome("json_web_key_test.json");
    for (Map<String, Object> group : (List<Map<String, Object>>) file.get("testGroups")) {
      Map<String, Object> keySet =
          (Map<String, Object>)
              (group.get("public") != null ? group.get("public") : group.get("private"));
      boolean symmetricOnly =
          ((List<Map<String, Object>>) keySet.get("keys"))
              .stream().allMatch(k -> "oct".equals(k.get("kty")));
      for (Map<String, Object> test : (List<Map<String, Object>>) group.get("tests")) {
        int tcId = ((Number) test.get("tcId")).intValue();
        String result = (String) test.get("result");
        if (symmetricOnly && result.equals("valid")) {
          outcome.skip(tcId, KEY_SKIPS);
          continue;
        }
        Optional<KeyResolver> registered = registered(keySet);
        boolean accepted =
            registered.isPresent()
                && signatureLayerAccepts((String) test.get("jws"), registered.get());
        outcome.check(tcId, test, accepted);
      }
    }
    outcome.assertExactly(KEY_SKIPS);
    assertThat(outcome.run()).isGreaterThan(15);
  }

  @SuppressWarnings("unchecked")
  private Outcome runJwsFile(String name, List<Skip> skips, Set<Integer> emptyPayload) {
    Map<String, Object> file = Wycheproof.load(name);
    Outcome outcome = new Outcome(name);
    for (Map<String, Object> group : (List<Map<String, Object>>) file.get("testGroups")) {
      Optional<JWK> key = publicKey((Map<String, Object>) group.get("public"));
      for (Map<String, Object> test : (List<Map<String, Object>>) group.get("tests")) {
        int tcId = ((Number) test.get("tcId")).intValue();
        String result = (String) test.get("result");
        if (!(test.get("jws") instanceof String jws)
            || key.isEmpty()
            || (result.equals("valid") && !ourAlgorithm(jws))) {
          outcome.skip(tcId, skips);
          continue;
        }
        CachingKeyResolver published =
            new CachingKeyResolver(
                () -> List.of(key.get()), clock, Duration.ofMinutes(5), Duration.ofSeconds(30));
        if (result.equals("valid") && "empty_segment".equals(compactRefusal(jws))) {
          outcome.emptyPayload.add(tcId);
          outcome.check(tcId, test, signatureAloneAccepts(jws, key.get()));
        } else {
          outcome.check(tcId, test, signatureLayerAccepts(jws, published));
        }
        fullVerifierRefuses(outcome, tcId, result, jws, published);
      }
    }
    outcome.assertExactly(skips);
    assertThat(outcome.emptyPayload)
        .as(name + ": empty payloads")
        .containsExactlyInAnyOrderElementsOf(emptyPayload);
    return outcome;
  }

  /**
   * The verifier's own steps up to and including the signature, as {@link AccessTokenVerifier}
   * takes them, without the profile's header and claim rules.
   */
  static boolean signatureLayerAccepts(String jws, KeyResolver keys) {
    try {
      CompactJws parsed = CompactJws.parse(jws, AccessTokenVerifier.MAX_TOKEN_LENGTH);
      Map<String, Object> header = Json.object(parsed.headerJson());
      if (!(header.get("alg") instanceof String name)
          || !(header.get("kid") instanceof String kid)) {
        return false;
      }
      Optional<JWSAlgorithm> alg =
          VerifierPolicy.SUPPORTED.stream().filter(a -> a.getName().equals(name)).findFirst();
      Optional<VerificationKey> key = keys.find(kid);
      return alg.isPresent()
          && key.isPresent()
          && alg.get().equals(key.get().jwk().getAlgorithm())
          && SignatureCheck.verifies(
              alg.get(), key.get(), parsed.signingInput(), parsed.signature());
    } catch (RequestRejected | ParseException refused) {
      return false;
    }
  }

  /** Why CompactJws refuses the token, or null if it takes it. */
  private static String compactRefusal(String jws) {
    try {
      CompactJws.parse(jws, AccessTokenVerifier.MAX_TOKEN_LENGTH);
      return null;
    } catch (RequestRejected refused) {
      return refused.reason();
    }
  }

  /** SignatureCheck alone, on the token's three parts split by hand (for the empty payloads). */
  private static boolean signatureAloneAccepts(String jws, JWK key) {
    String[] parts = jws.split("\\.", -1);
    JWSAlgorithm alg = JWSAlgorithm.parse(header(jws).get("alg").toString());
    return parts.length == 3
        && SignatureCheck.verifies(
            alg,
            key,
            (parts[0] + "." + parts[1]).getBytes(java.nio.charset.StandardCharsets.US_ASCII),
            java.util.Base64.getUrlDecoder().decode(parts[2]));
  }

  /** The header, decoded leniently (only to classify a case, never to verify it). */
  private static Map<String, Object> header(String jws) {
    try {
      return Json.object(
          new String(
              java.util.Base64.getUrlDecoder().decode(jws.substring(0, jws.indexOf('.'))),
              java.nio.charset.StandardCharsets.UTF_8));
    } catch (ParseException | RuntimeException undecodable) {
      return Map.of();
    }
  }

  /** The whole verifier refuses every Wycheproof token; a valid one only for the profile. */
  private void fullVerifierRefuses(
      Outcome outcome, int tcId, String result, String jws, KeyResolver published) {
    AccessTokenVerifier verifier =
        new AccessTokenVerifier(
            new VerifierPolicy(
                "https://broker.example.com",
                "any",
                VerifierPolicy.SUPPORTED,
                Duration.ZERO,
                Duration.ofHours(1)),
            published,
            new CachedRevocations(
                new io.tokenbroker.testing.InMemoryRevocations(), clock, Duration.ZERO, 10),
            clock);
    try {
      verifier.verify(jws);
      outcome.wrong.add("tcId " + tcId + ": the full verifier accepted a Wycheproof token");
    } catch (RequestRejected refused) {
      if (result.equals("valid") && !PROFILE_REASONS.contains(refused.reason())) {
        outcome.wrong.add("tcId " + tcId + " valid, but the verifier said " + refused.reason());
      }
    }
  }

  /** The key set as a client would register it: through ClientJson's checks, or refused. */
  private static Optional<KeyResolver> registered(Map<String, Object> keySet) {
    Map<String, Object> registration = Clients.json("wycheproof");
    registration.put("jwks", keySet);
    try {
      Client client = Clients.parse(registration);
      return Optional.of(
          kid ->
              Optional.ofNullable(client.publicKeys().getKeyByKeyId(kid)).map(VerificationKey::of));
    } catch (InvalidClientPolicy refused) {
      return Optional.empty();
    }
  }

  private static Optional<JWK> publicKey(Map<String, Object> jwk) {
    try {
      return jwk == null ? Optional.empty() : Optional.of(JWK.parse(jwk));
    } catch (ParseException unusable) {
      return Optional.empty();
    }
  }

  /** Whether the token's header names one of the algorithms the broker verifies. */
  private static boolean ourAlgorithm(String jws) {
    Object alg = header(jws).get("alg");
    return VerifierPolicy.SUPPORTED.stream().anyMatch(a -> a.getName().equals(alg));
  }

  /** Counts, skips and mismatches of one file. */
  static final class Outcome {
    final String file;
    final List<String> wrong = new ArrayList<>();
    final Map<String, List<Integer>> skipped = new TreeMap<>();
    final List<Integer> emptyPayload = new ArrayList<>();
    int valid;
    int invalid;
    int acceptable;

    Outcome(String file) {
      this.file = file;
    }

    int run() {
      return valid + invalid + acceptable;
    }

    void skip(int tcId, List<Skip> skips) {
      String reason =
          skips.stream()
              .filter(s -> s.tcIds().contains(tcId))
              .map(Skip::reason)
              .findFirst()
              .orElse("NOT IN THE SKIP LIST");
      skipped.computeIfAbsent(reason, r -> new ArrayList<>()).add(tcId);
    }

    void check(int tcId, Map<String, Object> test, boolean accepted) {
      String result = (String) test.get("result");
      switch (result) {
        case "valid" -> {
          valid++;
          if (!accepted) {
            wrong.add("tcId " + tcId + " valid but refused: " + test.get("comment"));
          }
        }
        case "invalid" -> {
          invalid++;
          if (accepted) {
            wrong.add("tcId " + tcId + " invalid but accepted: " + test.get("comment"));
          }
        }
        default -> acceptable++; // either outcome is correct
      }
    }

    void assertExactly(List<Skip> skips) {
      System.out.printf(
          "Wycheproof %s: %d run (%d valid, %d invalid, %d acceptable; %d by SignatureCheck alone),"
              + " skipped %s%n",
          file,
          run(),
          valid,
          invalid,
          acceptable,
          emptyPayload.size(),
          skipped.entrySet().stream()
              .map(e -> e.getValue().size() + " (" + e.getKey() + ")")
              .toList());
      assertThat(wrong).as(file).isEmpty();
      Map<String, List<Integer>> expected = new TreeMap<>();
      skips.forEach(s -> expected.put(s.reason(), s.tcIds().stream().sorted().toList()));
      Map<String, List<Integer>> actual = new TreeMap<>();
      skipped.forEach((reason, ids) -> actual.put(reason, ids.stream().sorted().toList()));
      assertThat(actual).as(file + ": the cases skipped, by reason").isEqualTo(expected);
    }
  }

  private static List<Integer> range(int from, int to) {
    return IntStream.rangeClosed(from, to).boxed().toList();
  }

  @SafeVarargs
  private static Set<Integer> ids(List<Integer>... parts) {
    return Set.copyOf(java.util.Arrays.stream(parts).flatMap(List::stream).toList());
  }
}
