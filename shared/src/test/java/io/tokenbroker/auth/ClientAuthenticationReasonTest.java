package io.tokenbroker.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenbroker.testing.RejectionReasons;
import org.junit.jupiter.api.Test;

class ClientAuthenticationReasonTest {

  @Test
  void logsEveryReasonUnderItsOwnSnakeCaseName() {
    RejectionReasons.assertDistinctAndSnakeCase(ClientAuthenticationReason.class);
  }

  @Test
  void logsTheAssertionLimitsUnderTheNamesTheDocsGive() {
    assertThat(RejectionReasons.documentedInRequestLimits())
        .contains(
            ClientAuthenticationReason.ASSERTION_TOO_LARGE.logName(),
            ClientAuthenticationReason.ASSERTION_TOO_DEEP.logName(),
            ClientAuthenticationReason.CLIENT_ID_MALFORMED.logName());
  }
}
