package io.tokenbroker.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.testing.RejectionReasons;
import org.junit.jupiter.api.Test;

class OperatorReasonTest {

  @Test
  void logsEveryReasonUnderItsOwnSnakeCaseName() {
    RejectionReasons.assertDistinctAndSnakeCase(OperatorReason.class);
  }

  @Test
  void refusesMalformedTargetsWithTheReasonsTheDocsName() {
    assertThat(
            catchThrowableOfType(
                    RequestRejected.class, () -> OperatorRevocations.requireWellFormedJti(""))
                .rejectionReason())
        .isEqualTo(OperatorReason.JTI_MALFORMED);
    assertThat(
            catchThrowableOfType(
                    RequestRejected.class,
                    () -> OperatorRevocations.requireWellFormedClientId(" c"))
                .rejectionReason())
        .isEqualTo(OperatorReason.CLIENT_ID_MALFORMED);
    assertThat(
            catchThrowableOfType(
                    RequestRejected.class, () -> OperatorRevocations.requireWellFormedKid("k d"))
                .rejectionReason())
        .isEqualTo(OperatorReason.KID_MALFORMED);
    assertThat(RejectionReasons.documentedInRequestLimits())
        .contains(
            OperatorReason.JTI_MALFORMED.logName(),
            OperatorReason.CLIENT_ID_MALFORMED.logName(),
            OperatorReason.KID_MALFORMED.logName());
  }
}
