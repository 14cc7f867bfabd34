package io.tokenbroker.leaks;

import io.tokenbroker.testing.RejectionReasons;
import org.junit.jupiter.api.Test;

class LeakReportReasonTest {

  @Test
  void logsEveryReasonUnderItsOwnSnakeCaseName() {
    RejectionReasons.assertDistinctAndSnakeCase(LeakReportReason.class);
  }
}
