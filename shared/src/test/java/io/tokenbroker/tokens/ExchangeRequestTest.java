package io.tokenbroker.tokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenbroker.adapters.http.Form;
import io.tokenbroker.errors.OAuthError;
import io.tokenbroker.errors.RequestRejected;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The token-exchange grant's parameters (RFC 8693 2.1), read from the form by TokenRequest. */
class ExchangeRequestTest {

  static final String GRANT =
      "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange";
  static final String JWT = "urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Ajwt";
  static final String ID_TOKEN = "urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Aid_token";
  static final String ACCESS_TOKEN = "urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Aaccess_token";

  static TokenRequest request(String body) {
    return TokenRequest.from(Form.parse(GRANT + "&" + body));
  }

  @Test
  void readsASubjectTokenAndItsType() {
    TokenRequest request =
        request(
            "subject_token=a.b.c&subject_token_type="
                + ID_TOKEN
                + "&scope=deploy%3Awrite&audience=https%3A%2F%2Fdeploy.example.com"
                + "&requested_token_type="
                + ACCESS_TOKEN);

    assertThat(request.grantType()).isEqualTo(TokenRequest.TOKEN_EXCHANGE);
    assertThat(request.exchange())
        .contains(
            new ExchangeRequest(
                "a.b.c", ExchangeRequest.ID_TOKEN, Optional.empty(), Optional.empty()));
    assertThat(request.audiences()).containsExactly("https://deploy.example.com");
    assertThat(request.scopes())
        .hasValueSatisfying(s -> assertThat(s).containsExactly("deploy:write"));
  }

  @Test
  void readsAnActorTokenWithItsType() {
    ExchangeRequest exchange =
        request(
                "subject_token=a.b.c&subject_token_type="
                    + ACCESS_TOKEN
                    + "&actor_token=d.e.f&actor_token_type="
                    + JWT)
            .exchange()
            .orElseThrow();

    assertThat(exchange.actorToken()).contains("d.e.f");
    assertThat(exchange.actorTokenType()).contains(ExchangeRequest.JWT);
  }

  @Test
  void otherGrantsCarryNoExchange() {
    assertThat(TokenRequest.from(Form.parse("grant_type=client_credentials")).exchange()).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "no subject_token | subject_token_type=" + JWT + " | missing_parameter",
        "no subject_token_type | subject_token=a.b.c | missing_parameter",
        "an empty subject_token | subject_token=&subject_token_type="
            + JWT
            + " | missing_parameter",
        "actor_token_type without actor_token | subject_token=a.b.c&subject_token_type="
            + JWT
            + "&actor_token_type="
            + JWT
            + " | missing_parameter",
        "actor_token without actor_token_type | subject_token=a.b.c&subject_token_type="
            + JWT
            + "&actor_token=d.e.f | missing_parameter",
        "a refresh token asked for | subject_token=a.b.c&subject_token_type="
            + JWT
            + "&requested_token_type=urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Arefresh_token |"
            + " unsupported_token_type",
        "an unknown subject_token_type |"
            + " subject_token=a.b.c&subject_token_type=urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Asaml2"
            + " | unsupported_token_type",
        "an unknown actor_token_type | subject_token=a.b.c&subject_token_type="
            + JWT
            + "&actor_token=d.e.f&actor_token_type=jwt | unsupported_token_type",
        "a repeated subject_token | subject_token=a.b.c&subject_token=d.e.f&subject_token_type="
            + JWT
            + " | duplicate_parameter",
        "a repeated subject_token_type | subject_token=a.b.c&subject_token_type="
            + JWT
            + "&subject_token_type="
            + JWT
            + " | duplicate_parameter",
        "a repeated actor_token | subject_token=a.b.c&subject_token_type="
            + JWT
            + "&actor_token=d&actor_token=e&actor_token_type="
            + JWT
            + " | duplicate_parameter",
        "a repeated requested_token_type | subject_token=a.b.c&subject_token_type="
            + JWT
            + "&requested_token_type="
            + ACCESS_TOKEN
            + "&requested_token_type="
            + ACCESS_TOKEN
            + " | duplicate_parameter",
      })
  void refusesAMalformedExchange(String what, String body, String reason) {
    assertThatThrownBy(() -> request(body))
        .isInstanceOfSatisfying(
            RequestRejected.class,
            rejected -> {
              assertThat(rejected.error()).isEqualTo(OAuthError.INVALID_REQUEST);
              assertThat(rejected.reason()).isEqualTo(reason);
            });
  }

  @Test
  void refusesASubjectTokenLongerThanAnyTokenItAccepts() {
    String huge = "a".repeat(ExchangeRequest.MAX_TOKEN_CHARS + 1);

    assertThatThrownBy(() -> request("subject_token=" + huge + "&subject_token_type=" + JWT))
        .isInstanceOfSatisfying(
            RequestRejected.class,
            rejected ->
                assertThat(rejected.reason())
                    .isIn("parameter_too_long", "malformed_token_parameter"));
  }
}
