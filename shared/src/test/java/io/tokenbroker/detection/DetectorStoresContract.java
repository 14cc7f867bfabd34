package io.tokenbroker.detection;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The detector table's two ports, held to one contract on the fakes and on DynamoDB (moto). */
public abstract class DetectorStoresContract {

  protected abstract Baselines baselines();

  /** A ledger of its own (its cap slots shared by no other test). */
  protected abstract ContainmentLedger freshLedger();

  private static final Instant T = Instant.parse("2026-11-30T14:00:00.250Z");

  private static String unique(String prefix) {
    return prefix + UUID.randomUUID();
  }

  @Test
  void storesABaselineAndReadsItBackAsSaved() {
    String client = unique("c");
    ClientBaseline baseline =
        new ClientBaseline(
            client,
            0,
            Instant.parse("2026-11-30T14:00:00Z"),
            7,
            12.5,
            38.25, // the peak window
            40,
            500,
            List.of("10.1.2.0/24", "2001:db8:1::/48"),
            List.of("ua/1"),
            List.of("https://a.example"),
            Map.of("invalid_scope", 2));

    assertThat(baselines().save(baseline)).isTrue();

    ClientBaseline read = baselines().find(client).orElseThrow();
    assertThat(read.version()).isEqualTo(1);
    assertThat(read).usingRecursiveComparison().ignoringFields("version").isEqualTo(baseline);
    assertThat(baselines().find(unique("nobody"))).isEmpty();
  }

  @Test
  void refusesASaveOverAVersionItWasNotLoadedAt() {
    String client = unique("c");
    assertThat(baselines().save(ClientBaseline.fresh(client))).isTrue();
    ClientBaseline first = baselines().find(client).orElseThrow();
    ClientBaseline second = baselines().find(client).orElseThrow();

    assertThat(baselines().save(first)).isTrue();
    assertThat(baselines().save(second)).isFalse();
    assertThat(baselines().save(ClientBaseline.fresh(client))).isFalse();
    assertThat(baselines().find(client).orElseThrow().version()).isEqualTo(2);
  }

  @Test
  void recordsAContainmentOnlyOutsideTheClientsCoolDownAndReleasesItOnce() {
    ContainmentLedger ledger = freshLedger();
    String client = unique("c");
    Containment first =
        new Containment(
            client,
            T,
            "rate_spike",
            Optional.of(Instant.parse("2026-11-30T10:00:00Z")),
            Instant.parse("2026-11-30T14:00:01Z"),
            Optional.empty());

    assertThat(ledger.record(first, Duration.ofHours(1))).isTrue();
    assertThat(ledger.latest(client)).contains(first);
    Containment soon =
        new Containment(
            client,
            T.plus(Duration.ofMinutes(59)),
            "refresh_reuse",
            Optional.empty(),
            Instant.parse("2026-11-30T14:00:00Z"),
            Optional.empty());
    assertThat(ledger.record(soon, Duration.ofHours(1))).isFalse();
    assertThat(ledger.latest(client)).contains(first);

    Instant released = T.plus(Duration.ofMinutes(5));
    assertThat(ledger.release(client, T.plusMillis(1), released)).isFalse();
    assertThat(ledger.release(client, T, released)).isTrue();
    assertThat(ledger.release(client, T, released)).isFalse();
    assertThat(ledger.latest(client).orElseThrow().releasedAt()).contains(released);
    assertThat(ledger.list()).extracting(Containment::clientId).contains(client);

    Containment later =
        new Containment(
            client,
            T.plus(Duration.ofMinutes(60)),
            "rate_spike",
            Optional.empty(),
            Instant.parse("2026-11-30T15:00:01Z"),
            Optional.empty());
    assertThat(ledger.record(later, Duration.ofHours(1))).isTrue();
    assertThat(ledger.latest(client)).contains(later);
    assertThat(ledger.latest(unique("nobody"))).isEmpty();
  }

  @Test
  void givesOutAtMostTheCapOfSlotsPerRollingWindowEvenToConcurrentCallers() throws Exception {
    ContainmentLedger ledger = freshLedger();
    List<Callable<Boolean>> takers = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      String client = "c" + i;
      takers.add(() -> ledger.takeSlot(T, Duration.ofHours(1), 3, client));
    }
    int taken = 0;
    try (ExecutorService pool = Executors.newFixedThreadPool(5)) {
      for (Future<Boolean> f : pool.invokeAll(takers)) {
        taken += f.get() ? 1 : 0;
      }
    }

    assertThat(taken).isEqualTo(3);
    assertThat(ledger.takeSlot(T.plus(Duration.ofMinutes(59)), Duration.ofHours(1), 3, "x"))
        .isFalse();
    assertThat(ledger.takeSlot(T.plus(Duration.ofMinutes(60)), Duration.ofHours(1), 3, "x"))
        .isTrue();
  }

  /** Two findings of one client, in two containers at once, use one slot between them. */
  @Test
  void aClientHoldingASlotTakesItAgainRatherThanASecondOne() throws Exception {
    ContainmentLedger ledger = freshLedger();
    List<Callable<Boolean>> takers = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      Instant at = T.plusSeconds(i % 2);
      takers.add(() -> ledger.takeSlot(at, Duration.ofHours(1), 2, "same"));
    }
    try (ExecutorService pool = Executors.newFixedThreadPool(6)) {
      for (Future<Boolean> f : pool.invokeAll(takers)) {
        assertThat(f.get()).isTrue();
      }
    }

    assertThat(ledger.takeSlot(T.plusSeconds(5), Duration.ofHours(1), 2, "other")).isTrue();
    assertThat(ledger.takeSlot(T.plusSeconds(6), Duration.ofHours(1), 2, "third")).isFalse();
  }
}
