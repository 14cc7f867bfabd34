package io.tokenbroker.testing;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A fuzz target's oracle for "genuine": the exact serializations (tokens, client assertions) the
 * test itself signed. A verifier may accept only those; anything else it accepts, however close to
 * a minted one, is a forgery it let through. The oracle never asks a signature library, so it stays
 * right when the verifier and that library share a bug.
 *
 * <p>Kept as SHA-256 digests of the serializations: equal digests mean equal bytes for every
 * practical purpose, and a two-minute fuzzing run mints too many tokens to hold them whole.
 */
public final class Minted {

  private final Set<ByteBuffer> digests = ConcurrentHashMap.newKeySet();

  /** Records a serialization the test signed, and returns it. */
  public String add(String serialization) {
    digests.add(digest(serialization));
    return serialization;
  }

  /** Whether these exact bytes are ones the test minted. */
  public boolean contains(String serialization) {
    return digests.contains(digest(serialization));
  }

  private static ByteBuffer digest(String serialization) {
    try {
      // Every UTF-16 unit as it is: no charset may fold two different strings into one.
      ByteBuffer units = ByteBuffer.allocate(serialization.length() * 2);
      units.asCharBuffer().put(serialization);
      return ByteBuffer.wrap(MessageDigest.getInstance("SHA-256").digest(units.array()));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
