package io.tokenbroker.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.tokenbroker.jose.JwtTypes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link SigningInput} makes the bytes Nimbus's {@code SignedJWT.getSigningInput()} makes, for the
 * claims the minter puts in a token (every optional claim, one or many audiences, any characters).
 */
class SigningInputTest {

  private static final List<JWSAlgorithm> ALGORITHMS =
      List.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256, JWSAlgorithm.PS256);

  @Test
  void randomTokensAreWrittenAsNimbusWritesThem() {
    Random random = new Random(13);
    for (int i = 0; i < 3_000; i++) {
      JWSAlgorithm alg = ALGORITHMS.get(random.nextInt(ALGORITHMS.size()));
      String kid = random.nextInt(20) == 0 ? null : text(random);
      JWTClaimsSet claims = claims(random);
      byte[] nimbus =
          new SignedJWT(
                  new JWSHeader.Builder(alg).type(JwtTypes.ACCESS_TOKEN).keyID(kid).build(), claims)
              .getSigningInput();
      assertThat(new String(SigningInput.of(alg, kid, claims), StandardCharsets.US_ASCII))
          .as("%s %s", kid, claims)
          .isEqualTo(new String(nimbus, StandardCharsets.US_ASCII));
    }
  }

  @Test
  void aClaimOfAnotherTypeIsLeftToNimbus() {
    JWTClaimsSet claims = new JWTClaimsSet.Builder().subject("s").claim("ratio", 0.5).build();
    assertThat(SigningInput.of(JWSAlgorithm.RS256, "k", claims))
        .isEqualTo(
            new SignedJWT(
                    new JWSHeader.Builder(JWSAlgorithm.RS256)
                        .type(JwtTypes.ACCESS_TOKEN)
                        .keyID("k")
                        .build(),
                    claims)
                .getSigningInput());
  }

  /** As AccessTokenMinter builds them, each optional claim sometimes. */
  private static JWTClaimsSet claims(Random random) {
    Date issued = new Date(random.nextLong(4_000_000_000_000L));
    JWTClaimsSet.Builder claims =
        new JWTClaimsSet.Builder()
            .issuer(text(random))
            .subject(text(random))
            .claim("client_id", text(random))
            .claim("scope", text(random) + " " + text(random))
            .issueTime(issued)
            .notBeforeTime(issued)
            .expirationTime(new Date(issued.getTime() + random.nextInt(86_400_000)))
            .jwtID(text(random));
    if (random.nextBoolean()) {
      claims.claim("sid", text(random));
    }
    if (random.nextBoolean()) {
      claims.claim("cnf", Map.of(random.nextBoolean() ? "jkt" : "x5t#S256", text(random)));
    }
    if (random.nextBoolean()) {
      Map<String, Object> act = new LinkedHashMap<>();
      act.put("sub", text(random));
      act.put("client_id", text(random));
      act.put("act", Map.of("sub", text(random)));
      claims.claim("act", act);
    }
    if (random.nextBoolean()) {
      List<Map<String, Object>> lineage = new ArrayList<>();
      for (int i = random.nextInt(3); i >= 0; i--) {
        Map<String, Object> ancestor = new LinkedHashMap<>();
        ancestor.put("jti", text(random));
        ancestor.put("iat", random.nextLong(4_000_000_000L));
        lineage.add(ancestor);
      }
      claims.claim("lineage", lineage);
    }
    int audiences = 1 + random.nextInt(3);
    if (audiences == 1) {
      claims.audience(text(random));
    } else {
      List<String> list = new ArrayList<>();
      for (int i = 0; i < audiences; i++) {
        list.add(text(random));
      }
      claims.audience(list);
    }
    return claims.build();
  }

  private static String text(Random random) {
    StringBuilder s = new StringBuilder();
    for (int i = random.nextInt(14); i >= 0; i--) {
      s.append(
          switch (random.nextInt(5)) {
            case 0 -> (char) random.nextInt(0x20);
            case 1 -> "\"\\/<>&'=\u2028\u00e9".charAt(random.nextInt(10));
            case 2 -> (char) (0xD800 + random.nextInt(0x800));
            default -> (char) ('a' + random.nextInt(26));
          });
    }
    return s.toString();
  }
}
