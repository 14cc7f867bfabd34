package io.tokenbroker.federation;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenbroker.testing.RejectionReasons;
import org.junit.jupiter.api.Test;

class FederationReasonTest {

  @Test
  void loggedNamesAreDistinctSnakeCaseAndSayFederation() {
    RejectionReasons.assertDistinctAndSnakeCase(FederationReason.class);
    assertThat(RejectionReasons.loggedNames(FederationReason.class))
        .allSatisfy(name -> assertThat(name).startsWith("federation_"));
  }

  /** The policy that got furthest names the refusal: the order of the checks is the enum's. */
  @Test
  void signatureRulesComeBeforeClaimRules() {
    assertThat(FederationReason.BAD_SIGNATURE).isLessThan(FederationReason.AUDIENCE_MISMATCH);
    assertThat(FederationReason.ALGORITHM_NOT_ALLOWED).isLessThan(FederationReason.KEY_UNKNOWN);
    assertThat(FederationReason.SUBJECT_MISMATCH).isLessThan(FederationReason.CLAIM_MISMATCH);
  }
}
