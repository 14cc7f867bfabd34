package io.tokenbroker.jose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.testing.RejectionReasons;
import org.junit.jupiter.api.Test;

class JwsReasonTest {

  @Test
  void logsEveryReasonUnderItsOwnSnakeCaseName() {
    RejectionReasons.assertDistinctAndSnakeCase(JwsReason.class);
  }

  @Test
  void refusesAnOversizedTokenWithTheReasonTheDocsName() {
    RequestRejected rejected =
        catchThrowableOfType(RequestRejected.class, () -> CompactJws.parse("a.b.c", 4));

    assertThat(rejected.rejectionReason()).isEqualTo(JwsReason.TOKEN_TOO_LARGE);
    assertThat(rejected.reason()).isEqualTo("token_too_large");
    assertThat(RejectionReasons.documentedInRequestLimits()).contains(rejected.reason());
  }

  @Test
  void tellsAnEncryptedTokenFromAMalformedOne() {
    assertThat(
            catchThrowableOfType(RequestRejected.class, () -> CompactJws.parse("a.b.c.d.e", 100))
                .rejectionReason())
        .isEqualTo(JwsReason.JWE_NOT_ACCEPTED);
    assertThat(
            catchThrowableOfType(RequestRejected.class, () -> CompactJws.parse("a.b.c.d", 100))
                .rejectionReason())
        .isEqualTo(JwsReason.NOT_COMPACT_JWS);
  }
}
