package io.tokenbroker.adapters.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.testing.RejectionReasons;
import org.junit.jupiter.api.Test;

class HttpReasonTest {

  @Test
  void logsEveryReasonUnderItsOwnSnakeCaseName() {
    RejectionReasons.assertDistinctAndSnakeCase(HttpReason.class);
  }

  @Test
  void logsTheEventAndFormLimitsUnderTheNamesTheDocsGive() {
    assertThat(RejectionReasons.documentedInRequestLimits())
        .contains(
            HttpReason.EVENT_TOO_LARGE.logName(),
            HttpReason.EVENT_TOO_DEEP.logName(),
            HttpReason.TOO_MANY_HEADERS.logName(),
            HttpReason.HEADER_TOO_LARGE.logName(),
            HttpReason.HEADERS_TOO_LARGE.logName(),
            HttpReason.BODY_TOO_LARGE.logName(),
            HttpReason.TOO_MANY_PARAMETERS.logName(),
            HttpReason.PARAMETER_TOO_LONG.logName());
  }

  @Test
  void refusesABadPercentEscapeWithItsReason() {
    RequestRejected rejected =
        catchThrowableOfType(RequestRejected.class, () -> Form.parse("a=%zz"));

    assertThat(rejected.rejectionReason()).isEqualTo(HttpReason.MALFORMED_FORM);
    assertThat(rejected.reason()).isEqualTo("malformed_form");
  }
}
