package io.tokenbroker.tokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenbroker.adapters.http.Form;
import io.tokenbroker.clients.Client;
import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.testing.Clients;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GrantTest {

  private static final Duration BROKER_MAX = Duration.ofMinutes(15);

  private static Client client(int defaultSeconds, int maxSeconds, String... audiences) {
    Map<String, Object> json = Clients.json("c");
    json.put("iam_roles", List.of("arn:aws:iam::123456789012:role/c"));
    json.put("default_lifetime_seconds", defaultSeconds);
    json.put("max_lifetime_seconds", maxSeconds);
    json.put("audiences", List.of(audiences));
    return Clients.parse(json);
  }

  private static Grant decide(Client client, String form) {
    return Grant.decide(client, TokenRequest.from(Form.parse(form)), BROKER_MAX);
  }

  @Test
  void grantsTheDefaultScopesWhenNoneAreAsked() {
    Grant grant = decide(client(300, 900, "https://a"), "grant_type=client_credentials");

    assertThat(grant.scopes()).containsExactly("orders:read");
    assertThat(grant.audiences()).containsExactly("https://a");
    assertThat(grant.lifetime()).isEqualTo(Duration.ofSeconds(300));
  }

  @ParameterizedTest(name = "asked {0}s, client max {1}s -> {2}s")
  @CsvSource({"60, 900, 60", "900, 600, 600", "3600, 86400, 900", "899, 900, 899"})
  void capsTheLifetimeAtTheClientAndBrokerMaximum(int asked, int clientMax, int granted) {
    Grant grant =
        decide(
            client(60, clientMax, "https://a"),
            "grant_type=client_credentials&expires_in=" + asked);

    assertThat(grant.lifetime()).isEqualTo(Duration.ofSeconds(granted));
  }

  @Test
  void refusesAScopeOutsideThePolicyRatherThanNarrowingIt() {
    assertThatThrownBy(
            () ->
                decide(
                    client(300, 900, "https://a"),
                    "grant_type=client_credentials&scope=orders:read+orders:delete"))
        .isInstanceOf(RequestRejected.class)
        .satisfies(
            e -> {
              assertThat(((RequestRejected) e).error().code()).isEqualTo("invalid_scope");
              assertThat(((RequestRejected) e).reason()).isEqualTo("scope_not_allowed");
            });
  }

  @Test
  void refusesAnAudienceOutsideThePolicy() {
    assertThatThrownBy(
            () ->
                decide(
                    client(300, 900, "https://a", "https://b"),
                    "grant_type=client_credentials&resource=https://a&audience=https://c"))
        .isInstanceOf(RequestRejected.class)
        .satisfies(
            e -> assertThat(((RequestRejected) e).error().code()).isEqualTo("invalid_target"));
  }

  @Test
  void needsAnAudienceWhenThePolicyAllowsSeveral() {
    assertThatThrownBy(
            () ->
                decide(client(300, 900, "https://a", "https://b"), "grant_type=client_credentials"))
        .isInstanceOf(RequestRejected.class)
        .satisfies(e -> assertThat(((RequestRejected) e).reason()).isEqualTo("audience_required"));
  }

  @Test
  void mergesAudienceAndResourceParameters() {
    Grant grant =
        decide(
            client(300, 900, "https://a", "https://b"),
            "grant_type=client_credentials&audience=https://a&resource=https://b&resource=https://a");

    assertThat(grant.audiences()).containsExactly("https://a", "https://b");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "grant_type=password | unsupported_grant_type",
        "scope=orders:read | missing_parameter",
        "grant_type=client_credentials&grant_type=client_credentials | duplicate_parameter",
        "grant_type=client_credentials&scope=a++b | malformed_scope",
        "grant_type=client_credentials&expires_in=0 | malformed_expires_in",
        "grant_type=client_credentials&expires_in=-5 | malformed_expires_in",
        "grant_type=client_credentials&expires_in=1e3 | malformed_expires_in"
      })
  void refusesAMalformedRequest(String form, String reason) {
    assertThatThrownBy(() -> TokenRequest.from(Form.parse(form)))
        .isInstanceOf(RequestRejected.class)
        .satisfies(e -> assertThat(((RequestRejected) e).reason()).isEqualTo(reason));
  }
}
