package io.tokenbroker.testing;

import io.tokenbroker.detection.Containment;
import io.tokenbroker.detection.ContainmentLedger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The detector's containment ledger in memory; atomic as the table's conditional writes are. */
public final class InMemoryContainmentLedger implements ContainmentLedger {

  private final Map<String, Containment> latest = new ConcurrentHashMap<>();
  private final Map<Integer, Instant> slots = new ConcurrentHashMap<>();
  private final Map<Integer, String> holders = new ConcurrentHashMap<>();

  @Override
  public Optional<Containment> latest(String clientId) {
    return Optional.ofNullable(latest.get(clientId));
  }

  @Override
  public List<Containment> list() {
    List<Containment> all = new ArrayList<>(latest.values());
    all.sort(Comparator.comparing(Containment::containedAt).reversed());
    return all;
  }

  @Override
  public synchronized boolean takeSlot(Instant at, Duration window, int cap, String clientId) {
    for (int slot = 0; slot < cap; slot++) {
      Instant used = slots.get(slot);
      // As the table's condition: free, or held by this very client.
      if (used == null || !used.plus(window).isAfter(at) || clientId.equals(holders.get(slot))) {
        slots.put(slot, at);
        holders.put(slot, clientId);
        return true;
      }
    }
    return false;
  }

  @Override
  public synchronized boolean record(Containment containment, Duration coolDown) {
    Containment now = latest.get(containment.clientId());
    if (now != null && now.containedAt().plus(coolDown).isAfter(containment.containedAt())) {
      return false;
    }
    latest.put(containment.clientId(), containment);
    return true;
  }

  @Override
  public synchronized boolean release(String clientId, Instant containedAt, Instant releasedAt) {
    Containment now = latest.get(clientId);
    if (now == null || !now.containedAt().equals(containedAt) || now.releasedAt().isPresent()) {
      return false;
    }
    latest.put(clientId, now.released(releasedAt));
    return true;
  }
}
