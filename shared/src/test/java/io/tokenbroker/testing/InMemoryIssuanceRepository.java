package io.tokenbroker.testing;

import io.tokenbroker.errors.ServiceFailure;
import io.tokenbroker.tokens.Issuance;
import io.tokenbroker.tokens.IssuanceRepository;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Issuance records in memory; can be told to fail, like a store that is down. */
public final class InMemoryIssuanceRepository implements IssuanceRepository {

  private final Map<String, Issuance> records = new ConcurrentHashMap<>();
  private final Map<String, Long> deliveries = new ConcurrentHashMap<>();
  private volatile boolean failingDeliveries;
  private final AtomicInteger lost = new AtomicInteger();
  private volatile boolean failing;

  public void failing(boolean value) {
    failing = value;
  }

  /** Whether {@link #recordDelivery} fails, like an UpdateItem to a store that is down. */
  public void failingDeliveries(boolean value) {
    failingDeliveries = value;
  }

  @Override
  public void recordDelivery(String jti, Instant at) {
    if (failing || failingDeliveries) {
      throw new ServiceFailure("dynamodb", "UpdateItem issuance failed: injected", true, null);
    }
    if (!records.containsKey(jti)) {
      throw new ServiceFailure("dynamodb", "no issuance record for a delivery", false, null);
    }
    deliveries.merge(jti, 2L, (count, one) -> count + 1);
  }

  @Override
  public long deliveries(String jti) {
    return records.containsKey(jti) ? deliveries.getOrDefault(jti, 1L) : 0;
  }

  @Override
  public void record(Issuance issuance) {
    if (failing) {
      throw new ServiceFailure("dynamodb", "PutItem issuance failed: injected", true, null);
    }
    Issuance stored = records.putIfAbsent(issuance.jti(), issuance);
    if (stored != null && !stored.tokenSha256().equals(issuance.tokenSha256())) {
      throw new ServiceFailure("dynamodb", "jti already recorded", true, null);
    }
  }

  /**
   * This store, reached through a connection that loses the answer to each first write and retries
   * it, as the AWS SDK does after an attempt timeout.
   */
  public IssuanceRepository losingFirstAnswers() {
    return new IssuanceRepository() {
      @Override
      public void record(Issuance issuance) {
        InMemoryIssuanceRepository.this.record(issuance);
        lost.incrementAndGet();
        InMemoryIssuanceRepository.this.record(issuance);
      }

      @Override
      public Optional<Issuance> find(String jti) {
        return InMemoryIssuanceRepository.this.find(jti);
      }

      @Override
      public void recordDelivery(String jti, Instant at) {
        InMemoryIssuanceRepository.this.recordDelivery(jti, at);
      }

      @Override
      public long deliveries(String jti) {
        return InMemoryIssuanceRepository.this.deliveries(jti);
      }
    };
  }

  /** How many answers {@link #losingFirstAnswers()} has lost. */
  public int lostAnswers() {
    return lost.get();
  }

  @Override
  public Optional<Issuance> find(String jti) {
    return Optional.ofNullable(records.get(jti));
  }

  /** A repository holding the same records, independent of this one from now on. */
  public InMemoryIssuanceRepository copy() {
    InMemoryIssuanceRepository copy = new InMemoryIssuanceRepository();
    copy.records.putAll(records);
    copy.deliveries.putAll(deliveries);
    return copy;
  }

  public List<Issuance> all() {
    return List.copyOf(records.values());
  }
}
