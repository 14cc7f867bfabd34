package io.tokenbroker.clients;

import java.util.Objects;

/**
 * How the broker watches a client and answers what it sees.
 *
 * @param decoy the client exists only to be watched: no workload uses it, so any use of its
 *     credentials or of tokens minted for it (honeytokens) is an alert, and it is never issued a
 *     token by any grant
 * @param anomalyResponse what the anomaly detector does when one of its rules fires for this client
 */
public record ClientMonitoring(boolean decoy, AnomalyResponse anomalyResponse) {

  /** An ordinary client: alerts, no automatic containment. */
  public static final ClientMonitoring DEFAULT = new ClientMonitoring(false, AnomalyResponse.ALERT);

  public ClientMonitoring {
    Objects.requireNonNull(anomalyResponse, "anomalyResponse");
  }

  /** The detector's answer to an anomaly: tell someone, or also revoke the client's tokens. */
  public enum AnomalyResponse {
    /** An alert (SNS and EventBridge) with the evidence; nothing revoked. */
    ALERT("alert"),
    /**
     * The alert, and every token of the client issued until now revoked (its watermark), within the
     * detector's cool-down and broker-wide cap; an operator can undo it.
     */
    CONTAIN("contain");

    private final String jsonName;

    AnomalyResponse(String jsonName) {
      this.jsonName = jsonName;
    }

    /** The name in a client registration's {@code anomaly_response} member. */
    public String jsonName() {
      return jsonName;
    }

    public static java.util.Optional<AnomalyResponse> byJsonName(String name) {
      for (AnomalyResponse response : values()) {
        if (response.jsonName.equals(name)) {
          return java.util.Optional.of(response);
        }
      }
      return java.util.Optional.empty();
    }
  }
}
