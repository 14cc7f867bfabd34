package io.tokenbroker.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import io.tokenbroker.errors.ServiceFailure;
import io.tokenbroker.testing.InMemoryKeyCreations;
import io.tokenbroker.testing.InMemoryKeyRepository;
import io.tokenbroker.testing.InMemoryRevocations;
import io.tokenbroker.testing.InMemoryRotationLock;
import io.tokenbroker.testing.LocalKeys;
import io.tokenbroker.testing.MutableClock;
import io.tokenbroker.testing.RecordingTelemetry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class KeyRotationServiceTest {

  static final RotationPolicy POLICY =
      new RotationPolicy(
          Duration.ofDays(30),
          Duration.ofMinutes(15),
          Duration.ofSeconds(30),
          Duration.ofMinutes(15),
          Duration.ofSeconds(60),
          Duration.ofDays(1),
          30,
          JWSAlgorithm.RS256);

  private final MutableClock clock = MutableClock.at("2026-11-28T12:00:00Z");
  private final InMemoryKeyRepository keys = new InMemoryKeyRepository();
  private final LocalKeys kms = new LocalKeys();
  private final InMemoryRotationLock lock = new InMemoryRotationLock();
  private final InMemoryRevocations revocations = new InMemoryRevocations();
  private final InMemoryKeyCreations creations = new InMemoryKeyCreations();
  private final RecordingTelemetry telemetry = new RecordingTelemetry();
  private final KeyRotationService rotation =
      new KeyRotationService(keys, creations, kms, lock, revocations, POLICY, clock, telemetry);

  private Map<KeyState, List<String>> states() {
    return keys.findAll().stream()
        .collect(
            Collectors.groupingBy(
                SigningKey::state, Collectors.mapping(SigningKey::kid, Collectors.toList())));
  }

  private SigningKey only(KeyState state) {
    List<SigningKey> matching = keys.findAll().stream().filter(k -> k.state() == state).toList();
    assertThat(matching).hasSize(1);
    return matching.getFirst();
  }

  @Test
  void bootstrapsAnEmptyTableWithAnActiveKeyAtOnce() {
    var report = rotation.rotate(false);

    assertThat(report.ran()).isTrue();
    assertThat(report.actions()).singleElement().asString().startsWith("bootstrapped");
    assertThat(only(KeyState.ACTIVE).activatedAt()).isEqualTo(clock.instant());
  }

  /**
   * Every run reports the ACTIVE key's age and how far past its rotation it is: what the overdue
   * alarm watches. Runs that stopped for a day past the rotation show a day overdue.
   */
  @Test
  void reportsTheActiveKeysAgeAndHowFarPastItsRotationItIs() {
    rotation.rotate(false);
    SigningKey first = only(KeyState.ACTIVE);

    clock.advance(Duration.ofDays(10));
    rotation.rotate(false);
    clock.advance(Duration.ofDays(21));
    rotation.rotate(false); // a day past rotation: publishes the successor, still signs with first

    List<io.tokenbroker.telemetry.TelemetryEvent> reports =
        telemetry.events().stream().filter(e -> e.name().equals("key.active_age")).toList();
    assertThat(reports).hasSize(2);
    assertThat(reports.get(0).fields())
        .containsEntry("kid", first.kid())
        .containsEntry("age_seconds", Duration.ofDays(10).toSeconds())
        .containsEntry("overdue_seconds", 0L)
        .containsEntry("rotation_period_seconds", Duration.ofDays(30).toSeconds());
    assertThat(reports.get(1).fields())
        .containsEntry("age_seconds", Duration.ofDays(31).toSeconds())
        .containsEntry("overdue_seconds", Duration.ofDays(1).toSeconds());
    assertThat(reports.get(1).metrics())
        .extracting(m -> m.name() + "=" + (long) m.value() + " " + m.unit())
        .containsExactly(
            "ActiveKeyAgeSeconds=" + Duration.ofDays(31).toSeconds() + " Seconds",
            "RotationOverdueSeconds=" + Duration.ofDays(1).toSeconds() + " Seconds");
  }

  /**
   * Every scheduled run counts the table's keys whose tokens stand revoked, whoever revoked them (a
   * compromise, or `brokerctl revoke key` writing the table directly, neither of which runs in a
   * function): the gauge KeysCompromisedAlarm watches, from a function that runs in AWS.
   */
  @Test
  void reportsHowManyKeysStandRevokedOnEveryRun() {
    rotation.rotate(false);
    SigningKey first = only(KeyState.ACTIVE);
    clock.advance(Duration.ofMinutes(15));
    revocations.revokeKey(first.kid(), clock.instant().plus(Duration.ofHours(1)), "operator");
    rotation.rotate(false);

    List<io.tokenbroker.telemetry.TelemetryEvent> reports = telemetry.named("key.revoked_keys");
    assertThat(reports).hasSize(2);
    assertThat(reports)
        .extracting(e -> e.metrics().getFirst())
        .extracting(m -> m.name() + "=" + (long) m.value() + " " + m.unit())
        .containsExactly("SigningKeysRevoked=0 Count", "SigningKeysRevoked=1 Count");
    assertThat(reports.get(1).fields()).containsEntry("kids", List.of(first.kid()));
  }

  @Test
  void publishesTheSuccessorALeadBeforeRotationAndSwapsAtRotation() {
    rotation.rotate(false);
    SigningKey first = only(KeyState.ACTIVE);

    clock.advance(Duration.ofDays(30).minus(Duration.ofMinutes(16)));
    rotation.rotate(false);
    assertThat(states()).doesNotContainKey(KeyState.PENDING);

    clock.advance(Duration.ofMinutes(1));
    rotation.rotate(false);
    SigningKey successor = only(KeyState.PENDING);

    clock.advance(Duration.ofMinutes(14));
    rotation.rotate(false);
    assertThat(only(KeyState.ACTIVE).kid()).isEqualTo(first.kid());

    clock.advance(Duration.ofMinutes(1));
    rotation.rotate(false);
    assertThat(only(KeyState.ACTIVE).kid()).isEqualTo(successor.kid());
    assertThat(only(KeyState.RETIRED).kid()).isEqualTo(first.kid());
    assertThat(Duration.between(successor.createdAt(), only(KeyState.ACTIVE).activatedAt()))
        .isGreaterThanOrEqualTo(POLICY.publishLead());
  }

  @Test
  void keepsARetiredKeyPublishedUntilEveryTokenItSignedHasExpiredEverywhere() {
    rotation.rotate(false);
    SigningKey first = only(KeyState.ACTIVE);
    rotation.rotate(true);
    clock.advance(POLICY.publishLead());
    rotation.rotate(true);
    assertThat(only(KeyState.RETIRED).kid()).isEqualTo(first.kid());
    Duration keepPublished =
        POLICY
            .signerCache()
            .plus(POLICY.maxTokenLifetime())
            .plus(POLICY.publishLead())
            .plus(POLICY.clockSkew());

    clock.advance(keepPublished.minusSeconds(1));
    rotation.rotate(false);
    assertThat(only(KeyState.RETIRED).kid()).isEqualTo(first.kid());
    assertThat(kms.disabled).isEmpty();

    clock.advance(Duration.ofSeconds(1));
    rotation.rotate(false);
    assertThat(keys.find(first.kid()).orElseThrow().state()).isEqualTo(KeyState.WITHDRAWN);
    assertThat(kms.disabled).contains(first.keyReference());

    clock.advance(POLICY.withdrawnRetention());
    rotation.rotate(false);
    assertThat(keys.find(first.kid()).orElseThrow().state()).isEqualTo(KeyState.DELETION_SCHEDULED);
    assertThat(kms.deletionScheduled).contains(first.keyReference());
  }

  @Test
  void compromisedActiveKeyIsRevokedUnpublishedDisabledAndReplacedAtOnce() {
    rotation.rotate(false);
    SigningKey active = only(KeyState.ACTIVE);

    rotation.compromise(active.kid());

    assertThat(
            revocations.status("any", "any", active.kid(), java.util.Optional.empty()).keyRevoked())
        .isTrue();
    assertThat(keys.find(active.kid()).orElseThrow().state()).isEqualTo(KeyState.WITHDRAWN);
    assertThat(kms.disabled).contains(active.keyReference());
    assertThat(only(KeyState.ACTIVE).kid()).isNotEqualTo(active.kid());
  }

  @Test
  void compromisePromotesThePendingKeyIfThereIsOne() {
    rotation.rotate(false);
    SigningKey active = only(KeyState.ACTIVE);
    rotation.rotate(true);
    SigningKey pending = only(KeyState.PENDING);

    rotation.compromise(active.kid());

    assertThat(only(KeyState.ACTIVE).kid()).isEqualTo(pending.kid());
  }

  @Test
  void refusesToCompromiseAnUnknownKey() {
    assertThatThrownBy(() -> rotation.compromise("nope"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void doesNothingWhileAnotherRunHoldsTheLease() {
    lock.tryAcquire("someone", clock.instant(), clock.instant().plusSeconds(300));

    assertThat(rotation.rotate(false).ran()).isFalse();
    assertThat(keys.findAll()).isEmpty();

    // Past the lease's end: at its very end the DynamoDB lease (expires_at < now) is still held.
    clock.advance(Duration.ofMinutes(5).plusSeconds(1));
    assertThat(rotation.rotate(false).ran()).isTrue();
  }

  @Test
  void schedulesDeletionOfAKeyWhoseCreationWasRecordedButWhoseTableRecordWasLost() {
    rotation.rotate(false);
    var losingTheTableWrite =
        new KeyRotationService(
            new KeyRepository() {
              @Override
              public List<SigningKey> findAll() {
                return keys.findAll();
              }

              @Override
              public java.util.Optional<SigningKey> find(String kid) {
                return keys.find(kid);
              }

              @Override
              public void create(SigningKey key) {
                throw new ServiceFailure("dynamodb", "TransactWriteItems: injected", true, null);
              }

              @Override
              public void write(List<SigningKey> created, List<SigningKey> updated) {
                keys.write(created, updated);
              }
            },
            creations,
            kms,
            lock,
            revocations,
            POLICY,
            clock,
            new RecordingTelemetry());
    clock.advance(Duration.ofDays(30)); // the successor is due
    assertThatThrownBy(() -> losingTheTableWrite.rotate(false)).isInstanceOf(ServiceFailure.class);
    var recorded = keys.findAll().stream().map(SigningKey::keyReference).toList();
    String lost =
        creations.findAll().stream()
            .map(c -> c.keyReference().orElseThrow())
            .filter(ref -> !recorded.contains(ref))
            .findFirst()
            .orElseThrow();

    clock.advance(Duration.ofHours(2));
    var report = rotation.rotate(false);

    assertThat(kms.deletionScheduled).containsExactly(lost);
    assertThat(kms.disabled).contains(lost);
    assertThat(report.actions()).contains("scheduled deletion of an unrecorded key");
    assertThat(creations.findAll())
        .as("a creation past the grace is forgotten")
        .noneMatch(c -> c.keyReference().equals(java.util.Optional.of(lost)));
  }

  @Test
  void schedulesDeletionOfTheExtraKeyACreateKeyRetriedAfterALostAnswerMade() {
    rotation.rotate(false);
    var retriedOnce =
        new KeyRotationService(
            keys,
            creations,
            new LocalKeys() {
              @Override
              public ManagedKey create(JWSAlgorithm algorithm, String creationId) {
                kms.create(algorithm, creationId); // made, but its answer never arrived
                return kms.create(algorithm, creationId); // the SDK's retry
              }
            },
            lock,
            revocations,
            POLICY,
            clock,
            new RecordingTelemetry());
    retriedOnce.rotate(true);
    SigningKey pending = only(KeyState.PENDING);

    clock.advance(Duration.ofHours(2));
    rotation.rotate(false);

    assertThat(kms.deletionScheduled).hasSize(1).doesNotContain(pending.keyReference());
    assertThat(creations.findAll()).isEmpty();
  }

  @Test
  void recognisesALostKeyByTheCreationIdItCarriesWhenItsIdWasNeverRecorded() {
    rotation.rotate(false);
    String creationId = "run-that-died-after-create-key";
    creations.record(KeyCreation.started(creationId, clock.instant()));
    ManagedKey lost = kms.create(JWSAlgorithm.RS256, creationId); // then the run died

    clock.advance(Duration.ofHours(2));
    rotation.rotate(false);

    assertThat(kms.deletionScheduled).containsExactly(lost.keyReference());
    assertThat(creations.findAll()).isEmpty();
  }

  @Test
  void leavesATaggedKeyTheBrokerNeverCreatedAloneAndReportsIt() {
    rotation.rotate(false);
    ManagedKey foreign = kms.tagged(JWSAlgorithm.RS256); // someone else put the broker's tag on it

    clock.advance(Duration.ofHours(2));
    var report = rotation.rotate(false);

    assertThat(kms.deletionScheduled).isEmpty();
    assertThat(kms.disabled).isEmpty();
    assertThat(report.actions()).doesNotContain("scheduled deletion of an unrecorded key");
    assertThat(telemetry.named("keys.unrecognised_tagged_key"))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.fields()).containsEntry("key_id", foreign.keyReference());
              assertThat(e.fields().toString()).doesNotContain("arn:");
            });
  }

  @Test
  void keepsACreationThroughTheGraceEvenOnceItsKeyIsRecordedThenForgetsIt() {
    rotation.rotate(false);
    rotation.rotate(true);
    assertThat(creations.findAll()).hasSize(2);

    clock.advance(Duration.ofHours(2));
    rotation.rotate(false);

    assertThat(keys.findAll()).hasSize(2);
    assertThat(kms.deletionScheduled).isEmpty();
    assertThat(creations.findAll()).isEmpty();
  }

  @Test
  void forgetsACreationThatNeverProducedAKey() {
    rotation.rotate(false);
    creations.record(KeyCreation.started("create-key-failed", clock.instant()));

    rotation.rotate(false);
    assertThat(creations.findAll())
        .as("its run may still be working")
        .anyMatch(c -> c.creationId().equals("create-key-failed"));

    clock.advance(Duration.ofHours(2));
    rotation.rotate(false);
    assertThat(creations.findAll()).isEmpty();
  }

  @Test
  void leavesTheTableAsItWasWhenTheKeyManagerFails() {
    rotation.rotate(false);
    LocalKeys failing =
        new LocalKeys() {
          @Override
          public ManagedKey create(JWSAlgorithm algorithm, String creationId) {
            throw new ServiceFailure("kms", "CreateKey failed: injected", true, null);
          }
        };
    var broken =
        new KeyRotationService(
            keys, creations, failing, lock, revocations, POLICY, clock, new RecordingTelemetry());

    assertThatThrownBy(() -> broken.rotate(true)).isInstanceOf(ServiceFailure.class);
    assertThat(states()).containsOnlyKeys(KeyState.ACTIVE);
    assertThat(rotation.rotate(true).ran()).as("the lease was released").isTrue();
  }
}
