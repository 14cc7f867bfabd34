package io.tokenbroker.clients;

/** A registration write lost to a concurrent change, or claims a role another client holds. */
public final class ClientConflict extends RuntimeException {
  public ClientConflict(String message) {
    super(message);
  }
}
