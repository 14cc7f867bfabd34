package io.tokenbroker.testing;

import io.tokenbroker.errors.ServiceFailure;
import io.tokenbroker.tokens.Issuance;
import io.tokenbroker.tokens.IssuanceRepository;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Issuance records in memory; can be told to fail, like a store that is down. */
public final class InMemoryIssuanceRepository implements IssuanceRepository {

  private final Map<String, Issuance> records = new ConcurrentHashMap<>();
  private final AtomicInteger lost = new AtomicInteger();
  private volatile boolean failing;

  public void failing(boolean value) {
    failing = value;
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
    return copy;
  }

  public List<Issuance> all() {
    return List.copyOf(records.values());
  }
}
