package io.tokenbroker.adapters.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenbroker.errors.RequestRejected;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class FormTest {

  @Test
  void decodesPercentEscapesAndPlus() {
    Form form = Form.parse("scope=a+b%3Ac&resource=https%3A%2F%2Fx.example%2F%C3%A9");

    assertThat(form.single("scope")).contains("a b:c");
    assertThat(form.single("resource")).contains("https://x.example/é");
  }

  @Test
  void treatsEmptyValuesAsOmitted() {
    Form form = Form.parse("scope=&grant_type=client_credentials&flag");

    assertThat(form.single("scope")).isEmpty();
    assertThat(form.has("flag")).isFalse();
    assertThat(form.required("grant_type")).isEqualTo("client_credentials");
  }

  @Test
  void keepsRepeatableParametersInOrder() {
    assertThat(Form.parse("resource=a&resource=b").all("resource")).containsExactly("a", "b");
  }

  @Test
  void refusesARepeatedSingleParameter() {
    Form form = Form.parse("grant_type=a&grant_type=b");

    assertThatThrownBy(() -> form.single("grant_type"))
        .isInstanceOf(RequestRejected.class)
        .satisfies(
            e -> assertThat(((RequestRejected) e).reason()).isEqualTo("duplicate_parameter"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"a=%", "a=%4", "a=%zz", "a=%C3%28", "a=\u00e9", "a=b\nc"})
  void refusesMalformedEncoding(String body) {
    assertThatThrownBy(() -> Form.parse(body))
        .isInstanceOf(RequestRejected.class)
        .satisfies(e -> assertThat(((RequestRejected) e).reason()).isEqualTo("malformed_form"));
  }

  @Test
  void acceptsParametersUpToTheLimitAndNoMore() {
    String atLimit = "p=1&".repeat(Form.MAX_PARAMETERS - 1) + "last=1";

    assertThat(Form.parse(atLimit).all("p")).hasSize(Form.MAX_PARAMETERS - 1);
    assertThatThrownBy(() -> Form.parse(atLimit + "&one=more"))
        .isInstanceOfSatisfying(
            RequestRejected.class,
            e -> {
              assertThat(e.reason()).isEqualTo("too_many_parameters");
              assertThat(e.status()).isEqualTo(400);
            });
  }

  @Test
  void acceptsNamesAndValuesUpToTheirLimitsAndNoLonger() {
    String name = "n".repeat(Form.MAX_NAME_LENGTH);
    // The value's limit counts decoded characters: %41 is one.
    String value = "%41".repeat(Form.MAX_VALUE_LENGTH);

    Form form = Form.parse(name + "=" + value);

    assertThat(form.single(name)).contains("A".repeat(Form.MAX_VALUE_LENGTH));
    for (String over : List.of(name + "n=1", "v=" + value + "A")) {
      assertThatThrownBy(() -> Form.parse(over))
          .isInstanceOfSatisfying(
              RequestRejected.class,
              e -> {
                assertThat(e.reason()).isEqualTo("parameter_too_long");
                assertThat(e.status()).isEqualTo(400);
              });
    }
  }

  @Test
  void refusesTooManyParameters() {
    assertThatThrownBy(() -> Form.parse("a=1&".repeat(33)))
        .isInstanceOf(RequestRejected.class)
        .satisfies(
            e -> assertThat(((RequestRejected) e).reason()).isEqualTo("too_many_parameters"));
  }

  @ParameterizedTest
  @CsvSource({
    "application/json, false",
    "application/x-www-form-urlencoded, true",
    "Application/X-WWW-Form-Urlencoded; charset=UTF-8, true",
    "multipart/form-data, false"
  })
  void acceptsOnlyTheFormMediaType(String contentType, boolean accepted) {
    HttpRequest request =
        new HttpRequest(
            "POST",
            "/token",
            "/token",
            java.util.Map.of("content-type", java.util.List.of(contentType)),
            java.util.Map.of(),
            "a=b",
            new HttpRequest.RequestContext(
                "r", "api", "prod", "203.0.113.1", "ua", java.util.Optional.empty()));
    if (accepted) {
      assertThat(Form.of(request).single("a")).contains("b");
    } else {
      assertThatThrownBy(() -> Form.of(request))
          .isInstanceOf(RequestRejected.class)
          .satisfies(
              e -> assertThat(((RequestRejected) e).reason()).isEqualTo("wrong_content_type"));
    }
  }
}
