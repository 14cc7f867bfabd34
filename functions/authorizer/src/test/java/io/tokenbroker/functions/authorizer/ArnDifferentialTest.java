package io.tokenbroker.functions.authorizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Issue 13: {@link AuthorizerRequest.Arn#parse} finds the separators instead of splitting the ARN
 * twice; on random ARNs built from the pieces that matter (colons, slashes, the two fixed parts,
 * near misses of them, empty parts) it gives exactly what the split gave, or refuses where it
 * refused.
 */
class ArnDifferentialTest {

  private static final String[] PIECES = {
    ":",
    ":",
    ":",
    "/",
    "/",
    "/",
    "arn",
    "aws",
    "execute-api",
    "execute-ap",
    "execute-apis",
    "ar",
    "arnx",
    "us-east-1",
    "123456789012",
    "abc",
    "prod",
    "GET",
    "orders",
    "*",
    "",
    "é",
    " "
  };

  @Test
  void sameAsTheSplitOnRandomArns() {
    Random random = new Random(13);
    int parsed = 0;
    for (int i = 0; i < 200_000; i++) {
      StringBuilder arn = new StringBuilder();
      switch (random.nextInt(3)) {
        case 0 -> arn.append("arn:aws:execute-api:");
        case 1 -> arn.append("arn:aws:execute-api:us-east-1:123456789012:api/");
        default -> {}
      }
      int pieces = random.nextInt(14);
      for (int p = 0; p < pieces; p++) {
        arn.append(PIECES[random.nextInt(PIECES.length)]);
      }
      Object expected = split(arn.toString());
      Object actual;
      try {
        actual = AuthorizerRequest.Arn.parse(arn.toString());
        parsed++;
      } catch (AuthorizerRequest.Malformed e) {
        actual = "Malformed";
      }
      assertThat(actual).as(arn.toString()).isEqualTo(expected);
    }
    assertThat(parsed).as("ARNs that parse").isGreaterThan(10_000);
  }

  @Test
  void theSampleArns() {
    assertThat(
            AuthorizerRequest.Arn.parse(
                "arn:aws:execute-api:us-east-1:123456789012:abcdef1234/prod/GET/orders/42"))
        .isEqualTo(
            new AuthorizerRequest.Arn(
                "arn:aws:execute-api:us-east-1:123456789012:abcdef1234/prod/",
                "GET",
                "/orders/42"));
    assertThat(AuthorizerRequest.Arn.parse("arn:aws:execute-api:r:a:api/$default/POST"))
        .isEqualTo(new AuthorizerRequest.Arn("arn:aws:execute-api:r:a:api/$default/", "POST", "/"));
  }

  /** The parse before issue 13's change, as LegacyAuthorizerRequest keeps it. */
  private static Object split(String arn) {
    String[] parts = arn.split(":", 6);
    if (parts.length != 6 || !parts[0].equals("arn") || !parts[2].equals("execute-api")) {
      return "Malformed";
    }
    String[] resource = parts[5].split("/", 4);
    if (resource.length < 3) {
      return "Malformed";
    }
    String base =
        String.join(":", parts[0], parts[1], parts[2], parts[3], parts[4], resource[0])
            + "/"
            + resource[1]
            + "/";
    return new AuthorizerRequest.Arn(
        base, resource[2], "/" + (resource.length == 4 ? resource[3] : ""));
  }
}
