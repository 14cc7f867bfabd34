package io.tokenbroker.detection;

import io.tokenbroker.testing.InMemoryBaselines;
import io.tokenbroker.testing.InMemoryContainmentLedger;

class InMemoryDetectorStoresTest extends DetectorStoresContract {

  private final InMemoryBaselines baselines = new InMemoryBaselines();

  @Override
  protected Baselines baselines() {
    return baselines;
  }

  @Override
  protected ContainmentLedger freshLedger() {
    return new InMemoryContainmentLedger();
  }
}
