package io.tokenbroker.clients;

/** A client registration that breaks a rule; the message names the field and the rule. */
public final class InvalidClientPolicy extends RuntimeException {
  public InvalidClientPolicy(String message) {
    super(message);
  }
}
