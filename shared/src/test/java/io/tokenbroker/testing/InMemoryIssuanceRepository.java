package io.tokenbroker.testing;

import io.tokenbroker.errors.ServiceFailure;
import io.tokenbroker.tokens.Issuance;
import io.tokenbroker.tokens.IssuanceRepository;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Issuance records in memory; can be told to fail, like a store that is down. */
public final class InMemoryIssuanceRepository implements IssuanceRepository {

  private final Map<String, Issuance> records = new ConcurrentHashMap<>();
  private volatile boolean failing;

  public void failing(boolean value) {
    failing = value;
  }

  @Override
  public void record(Issuance issuance) {
    if (failing) {
      throw new ServiceFailure("dynamodb", "PutItem issuance failed: injected", true, null);
    }
    if (records.putIfAbsent(issuance.jti(), issuance) != null) {
      throw new ServiceFailure("dynamodb", "jti already recorded", true, null);
    }
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
