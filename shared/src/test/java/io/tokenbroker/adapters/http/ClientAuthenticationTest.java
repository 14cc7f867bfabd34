package io.tokenbroker.adapters.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClientAuthenticationTest {

  /** RFC 9110 section 5.6.4: a realm holding a quote or a backslash stays one quoted-string. */
  @Test
  void quotesTheRealmAsAQuotedString() {
    assertThat(ClientAuthentication.quoted("https://broker.example"))
        .isEqualTo("\"https://broker.example\"");
    assertThat(ClientAuthentication.quoted("a\"b\\c")).isEqualTo("\"a\\\"b\\\\c\"");
  }
}
