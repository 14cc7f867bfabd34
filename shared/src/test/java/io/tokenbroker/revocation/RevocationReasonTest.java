package io.tokenbroker.revocation;

import io.tokenbroker.testing.RejectionReasons;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RevocationReasonTest {

  /** The names are stored in revocation records too: two alike could not be told apart there. */
  @Test
  void recordsEveryReasonUnderItsOwnSnakeCaseName() {
    RejectionReasons.assertDistinctAndSnakeCase(
        "RevocationReason",
        Arrays.stream(RevocationReason.values()).map(RevocationReason::logName).toList());
  }
}
