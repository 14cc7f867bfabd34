package io.tokenbroker.keys;

/** A conditional write on the key table lost to a concurrent change; re-read and decide again. */
public final class KeyConflict extends RuntimeException {
  public KeyConflict(String kid) {
    super("key record changed concurrently: " + kid, null, false, false);
  }
}
