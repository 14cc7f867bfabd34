package io.tokenbroker.tokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenbroker.adapters.http.Form;
import io.tokenbroker.errors.OAuthError;
import io.tokenbroker.errors.RequestRejected;
import java.util.Collections;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TokenRequestTest {

  private static TokenRequest request(String body) {
    return TokenRequest.from(Form.parse("grant_type=client_credentials&" + body));
  }

  @Test
  void readsSpaceSeparatedScopesInOrderWithoutRepeats() {
    assertThat(request("scope=b+a+b").scopes())
        .hasValueSatisfying(s -> assertThat(s).containsExactly("b", "a"));
  }

  /**
   * Found by review of the fuzz targets, replayed by the formBody and serve corpora
   * (scope-of-2500-tokens): one regex with a repeated group over the whole list recursed per token
   * and threw StackOverflowError, an Error no handler maps, before the client was authenticated.
   */
  @Test
  void checksALongScopeListWithoutExhaustingTheStack() {
    String many = String.join("+", Collections.nCopies(4000, "a"));

    assertThat(request("scope=" + many).scopes())
        .hasValueSatisfying(s -> assertThat(s).containsExactly("a"));
    assertThatThrownBy(() -> request("scope=" + many + "++b"))
        .isInstanceOf(RequestRejected.class)
        .satisfies(
            e -> assertThat(((RequestRejected) e).error()).isEqualTo(OAuthError.INVALID_SCOPE));
  }

  @ParameterizedTest
  @ValueSource(strings = {"a++b", "+a", "a+", "a%22b", "a%5Cb", "a%09b", "%C3%A9"})
  void refusesAMalformedScope(String scope) {
    assertThatThrownBy(() -> request("scope=" + scope))
        .isInstanceOf(RequestRejected.class)
        .satisfies(
            e -> {
              assertThat(((RequestRejected) e).error()).isEqualTo(OAuthError.INVALID_SCOPE);
              assertThat(((RequestRejected) e).reason()).isEqualTo("malformed_scope");
            });
  }
}
