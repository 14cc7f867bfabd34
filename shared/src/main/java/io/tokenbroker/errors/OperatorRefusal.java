package io.tokenbroker.errors;

/**
 * An operator action refused before it changed anything (an unknown target, a held lease): the
 * audit trail records it as refused. Any other exception from an action is recorded as failed,
 * since it may come after a change (an IllegalStateException from KMS after a revocation was
 * written, say).
 */
public class OperatorRefusal extends IllegalArgumentException {

  public OperatorRefusal(String message) {
    super(message);
  }
}
