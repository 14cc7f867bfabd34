package io.tokenbroker.testing;

import io.tokenbroker.detection.Baselines;
import io.tokenbroker.detection.ClientBaseline;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The detector's baselines in memory, with the table's conditional write on the version. */
public final class InMemoryBaselines implements Baselines {

  private final Map<String, ClientBaseline> stored = new ConcurrentHashMap<>();

  @Override
  public Optional<ClientBaseline> find(String clientId) {
    return Optional.ofNullable(stored.get(clientId)).map(b -> copy(b, b.version()));
  }

  @Override
  public synchronized boolean save(ClientBaseline baseline) {
    ClientBaseline now = stored.get(baseline.clientId());
    long storedVersion = now == null ? 0 : now.version();
    if (storedVersion != baseline.version()) {
      return false;
    }
    stored.put(baseline.clientId(), copy(baseline, baseline.version() + 1));
    return true;
  }

  private static ClientBaseline copy(ClientBaseline b, long version) {
    return new ClientBaseline(
        b.clientId(),
        version,
        b.windowStart(),
        b.windowCount(),
        b.average(),
        b.peak(),
        b.windowsSeen(),
        b.issuances(),
        new ArrayList<>(b.networks()),
        new ArrayList<>(b.userAgents()),
        new ArrayList<>(b.audiences()),
        new LinkedHashMap<>(b.refusals()));
  }
}
