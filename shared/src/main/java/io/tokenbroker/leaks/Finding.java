package io.tokenbroker.leaks;

import java.util.List;
import java.util.Optional;

/**
 * What the broker made of one reported value: the answer to the reporter ({@link #label}), and for
 * the record what was revoked.
 *
 * @param tokenHash hex SHA-256 of the value, as GitHub's feedback format names it
 * @param tokenType the reporter's type, echoed
 * @param kind {@link Kind}
 * @param id the access token's jti or the refresh token's family id, when the value is the broker's
 * @param clientId the client it was issued to, when the value is the broker's
 * @param revoked what was revoked ({@code jti:<jti>}, {@code family:<id>}), in order
 * @param honeytoken the value is a honeytoken (a decoy: someone found it where it was planted)
 */
public record Finding(
    String tokenHash,
    String tokenType,
    Kind kind,
    Optional<String> id,
    Optional<String> clientId,
    List<String> revoked,
    boolean honeytoken) {

  /** What the reported value turned out to be. */
  public enum Kind {
    /** A broker access token whose signature verified (expired or not); revoked. */
    ACCESS_TOKEN("access_token"),
    /** A broker refresh token found in the store; its family revoked. */
    REFRESH_TOKEN("refresh_token"),
    /**
     * Shaped like a broker token (a JWS, or a refresh token with its checksum right) but not one: a
     * forged or foreign token, one signed by a key no longer published, a refresh token the store
     * does not hold. Nothing is done.
     */
    NOT_OURS("not_ours"),
    /** Nothing like a broker token. Nothing is done. */
    UNRECOGNISED("unrecognised");

    private final String logName;

    Kind(String logName) {
      this.logName = logName;
    }

    public String logName() {
      return logName;
    }
  }

  public Finding {
    revoked = List.copyOf(revoked);
  }

  static Finding falsePositive(String tokenHash, String tokenType, Kind kind) {
    return new Finding(
        tokenHash, tokenType, kind, Optional.empty(), Optional.empty(), List.of(), false);
  }

  /** The broker's own token: GitHub's {@code true_positive}. */
  public boolean truePositive() {
    return kind == Kind.ACCESS_TOKEN || kind == Kind.REFRESH_TOKEN;
  }

  /** GitHub's feedback label: {@code true_positive} or {@code false_positive}. */
  public String label() {
    return truePositive() ? "true_positive" : "false_positive";
  }
}
