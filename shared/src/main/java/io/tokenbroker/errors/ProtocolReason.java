package io.tokenbroker.errors;

/** Rejections {@link RequestRejected} itself builds, whatever the function. */
public enum ProtocolReason implements RejectionReason {
  METHOD_NOT_ALLOWED("method_not_allowed");

  private final String logName;

  ProtocolReason(String logName) {
    this.logName = logName;
  }

  @Override
  public String logName() {
    return logName;
  }
}
