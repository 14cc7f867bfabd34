package io.tokenbroker.keys;

import io.tokenbroker.testing.InMemoryRotationLock;

/** The fake the rotation tests use, held to the DynamoDB lease's contract. */
class InMemoryRotationLockTest extends RotationLockContract {

  private final InMemoryRotationLock lock = new InMemoryRotationLock();

  @Override
  protected RotationLock lock() {
    return lock;
  }

  @Override
  protected RotationLock lockLosingFirstAnswers() {
    return lock.losingFirstAnswers();
  }

  @Override
  protected int lostAnswers() {
    return lock.lostAnswers();
  }
}
