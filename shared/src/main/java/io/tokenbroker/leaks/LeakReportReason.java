package io.tokenbroker.leaks;

import io.tokenbroker.errors.RejectionReason;

/**
 * Why a leak report is refused as a whole (nothing of it is acted on): its signature ({@link
 * ReportSignature}, 401) or its form ({@link LeakReport}, 400 or 413).
 */
public enum LeakReportReason implements RejectionReason {
  REPORT_UNSIGNED("report_unsigned"),
  REPORT_KEY_UNKNOWN("report_key_unknown"),
  REPORT_BAD_SIGNATURE("report_bad_signature"),
  REPORT_MALFORMED("report_malformed"),
  REPORT_EMPTY("report_empty"),
  REPORT_TOO_MANY_TOKENS("report_too_many_tokens"),
  REPORT_TOO_LARGE("report_too_large");

  private final String logName;

  LeakReportReason(String logName) {
    this.logName = logName;
  }

  @Override
  public String logName() {
    return logName;
  }
}
