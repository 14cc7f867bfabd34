package io.tokenbroker.tokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.tokenbroker.adapters.http.Form;
import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.testing.RejectionReasons;
import org.junit.jupiter.api.Test;

class TokenRequestReasonTest {

  @Test
  void logsEveryReasonUnderItsOwnSnakeCaseName() {
    RejectionReasons.assertDistinctAndSnakeCase(TokenRequestReason.class);
  }

  @Test
  void refusesAnUnknownGrantWithItsReason() {
    RequestRejected rejected =
        catchThrowableOfType(
            RequestRejected.class, () -> TokenRequest.from(Form.parse("grant_type=password")));

    assertThat(rejected.rejectionReason()).isEqualTo(TokenRequestReason.UNSUPPORTED_GRANT_TYPE);
    assertThat(rejected.reason()).isEqualTo("unsupported_grant_type");
  }
}
