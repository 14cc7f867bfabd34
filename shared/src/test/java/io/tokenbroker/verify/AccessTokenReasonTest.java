package io.tokenbroker.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenbroker.testing.RejectionReasons;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AccessTokenReasonTest {

  private static final Instant ISSUED = Instant.parse("2026-11-30T08:00:00Z");

  @Test
  void logsEveryReasonUnderItsOwnSnakeCaseName() {
    RejectionReasons.assertDistinctAndSnakeCase(AccessTokenReason.class);
  }

  @Test
  void logsTheJsonDepthLimitUnderTheNameTheDocsGive() {
    assertThat(RejectionReasons.documentedInRequestLimits())
        .contains(AccessTokenReason.JSON_TOO_DEEP.logName());
  }

  /**
   * Dashboards count {@code <claim>_missing} and {@code <claim>_malformed} per identifier claim.
   */
  @ParameterizedTest
  @ValueSource(strings = {"jti", "sub", "client_id", "sid"})
  void namesAnIdentifierClaimsReasonsAfterTheClaim(String claim) {
    assertThat(AccessTokenReason.missing(claim).logName()).isEqualTo(claim + "_missing");
    assertThat(AccessTokenReason.malformed(claim).logName()).isEqualTo(claim + "_malformed");
  }

  @Test
  void hasNoReasonForAClaimItDoesNotCheck() {
    assertThatThrownBy(() -> AccessTokenReason.missing("aud"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void reportsEachRevocationUnderTheNameItWasLoggedUnderBefore() {
    assertThat(new RevocationStatus(true, Optional.empty(), true, true).reasonFor(ISSUED))
        .map(AccessTokenReason::logName)
        .hasValue("token_revoked");
    assertThat(new RevocationStatus(false, Optional.empty(), true, true).reasonFor(ISSUED))
        .map(AccessTokenReason::logName)
        .hasValue("signing_key_revoked");
    assertThat(new RevocationStatus(false, Optional.empty(), false, true).reasonFor(ISSUED))
        .map(AccessTokenReason::logName)
        .hasValue("refresh_family_revoked");
    assertThat(
            new RevocationStatus(false, Optional.of(ISSUED.plusSeconds(1)), false, false)
                .reasonFor(ISSUED))
        .map(AccessTokenReason::logName)
        .hasValue("client_tokens_revoked");
    assertThat(RevocationStatus.NONE.reasonFor(ISSUED)).isEmpty();
    assertThat(
            new RevocationStatus(true, Optional.empty(), true, true, false, false, true)
                .reasonFor(ISSUED))
        .map(AccessTokenReason::logName)
        .hasValue("honeytoken_used");
  }
}
