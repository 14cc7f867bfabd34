package io.tokenbroker.leaks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenbroker.errors.RequestRejected;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LeakReportTest {

  @Test
  void readsGitHubsFormatAndIgnoresMembersItDoesNotKnow() {
    var tokens =
        LeakReport.parse(
            "[{\"token\":\"a\",\"type\":\"t\",\"url\":\"https://u\",\"source\":\"commit\",\"x\":1},"
                + "{\"token\":\"b\"}]");

    assertThat(tokens)
        .containsExactly(
            new ReportedToken("a", "t", "https://u", "commit"), new ReportedToken("b", "", "", ""));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"token\":\"a\"}|report_malformed|400",
        "[]|report_empty|400",
        "[{\"type\":\"t\"}]|report_malformed|400",
        "[{\"token\":\"\"}]|report_malformed|400",
        "[{\"token\":1}]|report_malformed|400",
        "[{\"token\":\"a\",\"url\":5}]|report_malformed|400",
        "[\"a\"]|report_malformed|400",
        "[{\"token\":\"a\"}] x|report_malformed|400",
      })
  void refusesWhatIsNotAReport(String body, String reason, int status) {
    assertThatThrownBy(() -> LeakReport.parse(body))
        .isInstanceOfSatisfying(
            RequestRejected.class,
            e -> {
              assertThat(e.reason()).isEqualTo(reason);
              assertThat(e.status()).isEqualTo(status);
            });
  }

  @Test
  void refusesMoreTokensThanTheBoundWhole() {
    String entry = "{\"token\":\"a\"}";
    String within =
        "[" + String.join(",", java.util.Collections.nCopies(LeakReport.MAX_TOKENS, entry)) + "]";
    String over =
        "["
            + String.join(",", java.util.Collections.nCopies(LeakReport.MAX_TOKENS + 1, entry))
            + "]";

    assertThat(LeakReport.parse(within)).hasSize(LeakReport.MAX_TOKENS);
    assertThatThrownBy(() -> LeakReport.parse(over))
        .isInstanceOfSatisfying(
            RequestRejected.class,
            e -> {
              assertThat(e.reason()).isEqualTo("report_too_many_tokens");
              assertThat(e.status()).isEqualTo(413);
            });
    assertThatThrownBy(() -> LeakReport.parse("[" + "x".repeat(LeakReport.MAX_BODY_CHARS) + "]"))
        .isInstanceOfSatisfying(
            RequestRejected.class, e -> assertThat(e.reason()).isEqualTo("report_too_large"));
  }
}
