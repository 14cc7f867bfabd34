package io.tokenbroker.alerts;

/**
 * What a {@link SecurityAlert} reports. {@link #eventName()} is the alert's name in logs, in the
 * EventBridge {@code detail-type} and in the SNS subject; it never changes once shipped (rules and
 * subscriptions match on it).
 */
public enum AlertKind {
  /** A honeytoken (a decoy token or a decoy client's credential) was presented somewhere. */
  HONEYTOKEN_USED("honeytoken_used"),
  /** A report said a broker token was found where it should not be; it has been revoked. */
  LEAK_REPORTED("leak_reported"),
  /** A detection rule fired for a client; the evidence says which and why. */
  ANOMALY_DETECTED("anomaly_detected"),
  /** A client's tokens were revoked automatically by its response policy. */
  CLIENT_CONTAINED("client_contained"),
  /** Containment was due but withheld: its cool-down or the broker-wide cap stopped it. */
  CONTAINMENT_WITHHELD("containment_withheld");

  private final String eventName;

  AlertKind(String eventName) {
    this.eventName = eventName;
  }

  public String eventName() {
    return eventName;
  }
}
