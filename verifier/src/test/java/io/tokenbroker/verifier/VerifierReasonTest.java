package io.tokenbroker.verifier;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenbroker.jose.JwsReason;
import io.tokenbroker.testing.RejectionReasons;
import io.tokenbroker.verify.AccessTokenReason;
import org.junit.jupiter.api.Test;

class VerifierReasonTest {

  @Test
  void logsEveryReasonUnderItsOwnSnakeCaseName() {
    RejectionReasons.assertDistinctAndSnakeCase(VerifierReason.class);
  }

  /**
   * A refusal's reason is one name whichever area gave it, with no event name beside it to tell
   * areas apart: the library's own names must not be any the token checks log.
   */
  @Test
  void sharesNoNameWithTheTokenChecks() {
    assertThat(RejectionReasons.loggedNames(VerifierReason.class))
        .doesNotContainAnyElementsOf(RejectionReasons.loggedNames(AccessTokenReason.class))
        .doesNotContainAnyElementsOf(RejectionReasons.loggedNames(JwsReason.class));
  }
}
