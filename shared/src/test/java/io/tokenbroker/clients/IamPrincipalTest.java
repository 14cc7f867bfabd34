package io.tokenbroker.clients;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IamPrincipalTest {

  @ParameterizedTest
  @CsvSource({
    "arn:aws:sts::123456789012:assumed-role/ci/job-42, arn:aws:iam::123456789012:role/ci",
    "arn:aws:iam::123456789012:role/ci, arn:aws:iam::123456789012:role/ci",
    "arn:aws:iam::123456789012:role/team/a/ci, arn:aws:iam::123456789012:role/ci",
    "arn:aws-us-gov:sts::123456789012:assumed-role/ci@x/s2,"
        + " arn:aws-us-gov:iam::123456789012:role/ci@x"
  })
  void mapsACallerToItsRole(String caller, String role) {
    assertThat(IamPrincipal.roleOfCaller(caller)).contains(role);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "arn:aws:iam::123456789012:user/alice",
        "arn:aws:iam::123456789012:root",
        "arn:aws:sts::123456789012:federated-user/bob",
        "arn:aws:sts::12345:assumed-role/ci/s",
        "arn:aws:sts::123456789012:assumed-role/ci",
        "arn:aws:iam::123456789012:role/ci\nx",
        "not an arn"
      })
  void refusesAnythingButARole(String caller) {
    assertThat(IamPrincipal.roleOfCaller(caller)).isEmpty();
  }
}
