package io.tokenbroker.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenbroker.testing.RejectionReasons;
import org.junit.jupiter.api.Test;

class ExchangeReasonTest {

  @Test
  void loggedNamesAreDistinctSnakeCaseAndSayExchange() {
    RejectionReasons.assertDistinctAndSnakeCase(ExchangeReason.class);
    assertThat(RejectionReasons.loggedNames(ExchangeReason.class))
        .allSatisfy(name -> assertThat(name).startsWith("exchange_"));
  }
}
