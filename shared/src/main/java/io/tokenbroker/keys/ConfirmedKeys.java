package io.tokenbroker.keys;

import io.tokenbroker.errors.ServiceFailure;
import io.tokenbroker.telemetry.Telemetry;
import io.tokenbroker.telemetry.TelemetryEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The published keys a verifier may trust: those the key manager confirms ({@link
 * PublishedKeyCheck}), each checked once per process while it stays published. A confirmation is
 * kept as long as the key is in the published set it is asked about (a key's public half never
 * changes), and forgotten once it leaves it (a withdrawn key's record put back is checked again),
 * so the hot path after the first check is one thumbprint per published key and a set lookup. A
 * refusal is kept for {@link #REFUSED_FOR} and logged as {@code keys.unverified_key} (kid only); a
 * check that failed is retried after {@link #FAILED_FOR}. Either way the key is left out: trust
 * never fails open. Thread-safe.
 */
public final class ConfirmedKeys {

  /** The confirmed keys among those asked about, and whether every one of them could be checked. */
  public record Result(List<SigningKey> keys, boolean complete) {}

  static final Duration REFUSED_FOR = Duration.ofMinutes(1);
  static final Duration FAILED_FOR = Duration.ofSeconds(5);

  private final PublishedKeyCheck check;
  private final Clock clock;
  private final Telemetry telemetry;
  private final Set<String> confirmed = ConcurrentHashMap.newKeySet();
  private final Map<String, Instant> refusedUntil = new ConcurrentHashMap<>();
  private final Map<String, Instant> failedUntil = new ConcurrentHashMap<>();
  private final Set<String> uncheckedKids = ConcurrentHashMap.newKeySet();

  public ConfirmedKeys(PublishedKeyCheck check, Clock clock, Telemetry telemetry) {
    this.check = check;
    this.clock = clock;
    this.telemetry = telemetry;
  }

  /** The keys among {@code published} that the key manager confirms, in the same order. */
  public Result confirm(List<SigningKey> published) {
    // A key that left the published set (withdrawn after a compromise) is checked with KMS again
    // should a record of it ever reappear: KMS then refuses the disabled key.
    List<String> identities = new ArrayList<>(published.size());
    for (SigningKey key : published) {
      identities.add(identity(key)); // a thumbprint each: computed once per key and read
    }
    confirmed.retainAll(new java.util.HashSet<>(identities));
    List<SigningKey> trusted = new ArrayList<>(published.size());
    boolean complete = true;
    for (int i = 0; i < published.size(); i++) {
      SigningKey key = published.get(i);
      switch (status(key, identities.get(i))) {
        case CONFIRMED -> {
          trusted.add(key);
          uncheckedKids.remove(key.kid());
        }
        case REFUSED -> uncheckedKids.remove(key.kid());
        case UNCHECKED -> {
          complete = false;
          uncheckedKids.add(key.kid());
        }
      }
    }
    return new Result(List.copyOf(trusted), complete);
  }

  /**
   * Whether the published key with this kid was left out, at the last {@link #confirm}, because its
   * check failed (not because it was refused): its tokens deserve a retryable failure, not a
   * refusal ({@code verify.FailClosedOnUncheckedKeys}).
   */
  public boolean couldNotCheck(String kid) {
    return uncheckedKids.contains(kid);
  }

  private enum Status {
    CONFIRMED,
    REFUSED,
    UNCHECKED
  }

  /**
   * @param identity the key's {@link #identity}, null if the record contradicts itself
   */
  private Status status(SigningKey key, String identity) {
    if (identity != null && confirmed.contains(identity)) {
      return Status.CONFIRMED;
    }
    Instant now = clock.instant();
    String held = identity == null ? key.kid() : identity;
    if (now.isBefore(refusedUntil.getOrDefault(held, Instant.MIN))) {
      return Status.REFUSED;
    }
    if (now.isBefore(failedUntil.getOrDefault(held, Instant.MIN))) {
      return Status.UNCHECKED;
    }
    boolean ok;
    try {
      ok = identity != null && check.confirms(key);
    } catch (ServiceFailure failure) {
      failedUntil.put(held, now.plus(FAILED_FOR));
      telemetry.emit(
          TelemetryEvent.error("keys.key_check_failed")
              .with("kid", key.kid())
              .with("dependency", failure.dependency())
              .with("detail", failure.getMessage())
              .count("KeyCheckFailures"));
      return Status.UNCHECKED;
    }
    if (ok) {
      confirmed.add(identity);
      failedUntil.remove(held);
      return Status.CONFIRMED;
    }
    refusedUntil.put(held, now.plus(REFUSED_FOR));
    telemetry.emit(
        TelemetryEvent.warn("keys.unverified_key").with("kid", key.kid()).count("UnverifiedKeys"));
    return Status.REFUSED;
  }

  /**
   * What a confirmation is about: the key reference, the algorithm and the public key (by its
   * thumbprint, computed here rather than read from the record). Null if the record contradicts
   * itself (its kid is not its key's thumbprint, or the key names another algorithm): refused
   * without asking the key manager.
   */
  private static String identity(SigningKey key) {
    String thumbprint;
    try {
      thumbprint = ManagedKey.thumbprint(key.publicJwk());
    } catch (RuntimeException e) {
      return null;
    }
    if (!thumbprint.equals(key.kid())
        || !key.kid().equals(key.publicJwk().getKeyID())
        || !key.algorithm().equals(key.publicJwk().getAlgorithm())) {
      return null;
    }
    return key.keyReference() + " " + key.algorithm().getName() + " " + thumbprint;
  }
}
