package io.tokenbroker.functions.authorizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Issue 13: the authorizer reads the bearer token of an unescaped Authorization value in place
 * ({@link AuthorizerRequest#bearer(char[], int, int, boolean)}); on random credentials made of the
 * pieces that matter (the scheme in any case, near misses, spaces, Unicode whitespace, commas,
 * characters whose case mapping is unusual) it gives what the String rule gives, after the HTTP
 * API's comma filter where that applies.
 */
class BearerDifferentialTest {

  private static final String[] PIECES = {
    "Bearer",
    "bearer",
    "BEARER",
    "bEaReR",
    "Beare",
    "Bearerr",
    " ",
    " ",
    "  ",
    "\t",
    "\n",
    "\u000b",
    "\u001c",
    "\u00a0",
    "\u2003",
    "\u3000",
    ",",
    "eyJ.eyJ.sig",
    "abc",
    "\u017f",
    "\u0130",
    "\u212a",
    "\ud83d\ude00",
    "\ud800",
    "\u00e9",
    "x"
  };

  @Test
  void sameAsTheStringRuleOnRandomCredentials() {
    Random random = new Random(13);
    int tokens = 0;
    for (int i = 0; i < 300_000; i++) {
      StringBuilder credential = new StringBuilder();
      if (random.nextBoolean()) {
        credential.append("Bearer ");
      }
      int pieces = random.nextInt(5);
      for (int p = 0; p < pieces; p++) {
        credential.append(PIECES[random.nextInt(PIECES.length)]);
      }
      String value = credential.toString();
      String padded = "##" + value + "##";
      for (boolean noComma : new boolean[] {false, true}) {
        Optional<String> expected =
            Optional.of(value)
                .filter(v -> !noComma || !v.contains(","))
                .flatMap(AuthorizerRequest::bearer);
        Optional<String> actual =
            AuthorizerRequest.bearer(padded.toCharArray(), 2, 2 + value.length(), noComma);
        assertThat(actual).as("%s (no comma: %s)", value, noComma).isEqualTo(expected);
        tokens += actual.isPresent() ? 1 : 0;
      }
    }
    assertThat(tokens).isGreaterThan(30_000);
  }
}
