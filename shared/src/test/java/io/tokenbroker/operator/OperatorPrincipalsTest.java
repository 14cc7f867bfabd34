package io.tokenbroker.operator;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenbroker.errors.OAuthError;
import io.tokenbroker.errors.RequestRejected;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class OperatorPrincipalsTest {

  private final OperatorPrincipals operators =
      OperatorPrincipals.parse(
          "arn:aws:iam::123456789012:role/ops/broker-operator,"
              + " arn:aws-us-gov:iam::123456789012:role/gov-op");

  @ParameterizedTest
  @ValueSource(
      strings = {
        "arn:aws:sts::123456789012:assumed-role/broker-operator/jane",
        "arn:aws:iam::123456789012:role/broker-operator",
        "arn:aws:iam::123456789012:role/ops/broker-operator",
        "arn:aws-us-gov:sts::123456789012:assumed-role/gov-op/s1"
      })
  void admitsAnOperatorRoleAndItsSessionsWhateverThePath(String caller) {
    assertThatCode(() -> operators.check(Optional.of(caller))).doesNotThrowAnyException();
  }

  @ParameterizedTest
  @CsvSource({
    "arn:aws:sts::123456789012:assumed-role/workload/s1, caller_not_an_operator",
    "arn:aws:sts::210987654321:assumed-role/broker-operator/s1, caller_not_an_operator",
    "arn:aws:sts::123456789012:assumed-role/broker-operator2/s1, caller_not_an_operator",
    "arn:aws:sts::123456789012:assumed-role/gov-op/s1, caller_not_an_operator",
    "arn:aws:iam::123456789012:user/broker-operator, caller_not_a_role",
    "arn:aws:iam::123456789012:root, caller_not_a_role",
    "arn:aws:sts::123456789012:federated-user/broker-operator, caller_not_a_role",
  })
  void refusesEveryoneElseWithAccessDenied(String caller, String reason) {
    assertThatThrownBy(() -> operators.check(Optional.of(caller)))
        .isInstanceOfSatisfying(
            RequestRejected.class,
            e -> {
              org.assertj.core.api.Assertions.assertThat(e.error())
                  .isEqualTo(OAuthError.ACCESS_DENIED);
              org.assertj.core.api.Assertions.assertThat(e.status()).isEqualTo(403);
              org.assertj.core.api.Assertions.assertThat(e.reason()).isEqualTo(reason);
              org.assertj.core.api.Assertions.assertThat(e.description()).doesNotContain("arn:");
            });
  }

  @Test
  void refusesACallerApiGatewayDidNotIdentify() {
    assertThatThrownBy(() -> operators.check(Optional.empty()))
        .isInstanceOfSatisfying(
            RequestRejected.class,
            e ->
                org.assertj.core.api.Assertions.assertThat(e.reason())
                    .isEqualTo("iam_identity_missing"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "  "})
  void noRolesMeansNobody(String configured) {
    assertThatThrownBy(
            () ->
                OperatorPrincipals.parse(configured)
                    .check(
                        Optional.of("arn:aws:sts::123456789012:assumed-role/broker-operator/s1")))
        .isInstanceOfSatisfying(
            RequestRejected.class,
            e ->
                org.assertj.core.api.Assertions.assertThat(e.reason())
                    .isEqualTo("no_operators_configured"));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "arn:aws:iam::123456789012:role/a,|2",
        "arn:aws:iam::123456789012:user/a|1",
        "arn:aws:sts::123456789012:assumed-role/a/s|1",
        "arn:aws:iam::123456789012:role/a,*|2",
        "arn:aws:iam::12345678901:role/a|1",
      })
  void refusesAListWithAnythingButRoleArnsNamingOnlyThePosition(String configured, int position) {
    assertThatThrownBy(() -> OperatorPrincipals.parse(configured))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("entry " + position + " is not an IAM role ARN")
        .hasMessageNotContaining("123456789012");
  }
}
