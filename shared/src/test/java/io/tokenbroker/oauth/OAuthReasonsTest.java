package io.tokenbroker.oauth;

import io.tokenbroker.testing.RejectionReasons;
import org.junit.jupiter.api.Test;

class OAuthReasonsTest {

  @Test
  void logsEveryRefreshReasonUnderItsOwnSnakeCaseName() {
    RejectionReasons.assertDistinctAndSnakeCase(RefreshReason.class);
  }

  @Test
  void logsEveryPermissionReasonUnderItsOwnSnakeCaseName() {
    RejectionReasons.assertDistinctAndSnakeCase(PermissionReason.class);
  }
}
