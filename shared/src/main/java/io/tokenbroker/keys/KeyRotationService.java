package io.tokenbroker.keys;

import io.tokenbroker.errors.OperatorRefusal;
import io.tokenbroker.revocation.RevocationReason;
import io.tokenbroker.revocation.RevocationRepository;
import io.tokenbroker.revocation.RevocationRetention;
import io.tokenbroker.telemetry.Telemetry;
import io.tokenbroker.telemetry.TelemetryEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The signing-key lifecycle, one step per run (scheduled, or an operator's command). Each run reads
 * the key table, does what is due, and stops; the table is the state, so a run that fails part way
 * is repaired by the next one:
 *
 * <ol>
 *   <li>an empty table gets a key, ACTIVE at once (no token exists yet);
 *   <li>no ACTIVE key (after a compromise or a failure): the PENDING key, else a new one, is
 *       activated at once;
 *   <li>{@code publishLead} before rotation is due, a successor is created PENDING (published);
 *   <li>when rotation is due and the successor has been published for {@code publishLead}, one
 *       atomic write makes it ACTIVE and the old key RETIRED;
 *   <li>a RETIRED key whose every token has expired everywhere is WITHDRAWN (unpublished) and
 *       disabled in the key manager; later its deletion is scheduled;
 *   <li>keys carrying the broker's tag that the table does not know are scheduled for deletion if a
 *       recorded {@link KeyCreation} names them (a run that died between the key manager and the
 *       table); any other tagged key is left alone and reported: the tag alone proves nothing.
 * </ol>
 *
 * Runs are serialised by a lease ({@link RotationLock}) and every write is conditional on the
 * version read, so duplicate, concurrent and retried runs leave one consistent state.
 */
public final class KeyRotationService {

  /** Result of one run: what it did, or that another run held the lease. */
  public record RotationReport(boolean ran, List<String> actions) {}

  private static final Duration LEASE = Duration.ofMinutes(5);

  /** A tagged key younger than this may belong to a run still recording it. */
  private static final Duration ORPHAN_GRACE = Duration.ofHours(1);

  private final KeyRepository keys;
  private final KeyCreations creations;
  private final KeyManager keyManager;
  private final RotationLock lock;
  private final RevocationRepository revocations;
  private final RotationPolicy policy;
  private final Clock clock;
  private final Telemetry telemetry;

  public KeyRotationService(
      KeyRepository keys,
      KeyCreations creations,
      KeyManager keyManager,
      RotationLock lock,
      RevocationRepository revocations,
      RotationPolicy policy,
      Clock clock,
      Telemetry telemetry) {
    this.keys = keys;
    this.creations = creations;
    this.keyManager = keyManager;
    this.lock = lock;
    this.revocations = revocations;
    this.policy = policy;
    this.clock = clock;
    this.telemetry = telemetry;
  }

  /**
   * One lifecycle step.
   *
   * @param force treat the active key's rotation as due now (an operator's early rotation: the
   *     successor is still published {@code publishLead} before it signs)
   */
  public RotationReport rotate(boolean force) {
    return underLease(
        actions -> {
          step(force, actions);
          reportRevokedKeys(keys.findAll());
        });
  }

  /**
   * A key is compromised: every token it signed is revoked, it is unpublished and disabled at once,
   * and if it was signing, a successor signs from now on (the PENDING key if there is one, else a
   * new one: verifiers pick it up on its first unknown kid).
   *
   * @throws OperatorRefusal if there is no such key
   */
  public RotationReport compromise(String kid) {
    return underLease(
        actions -> {
          Instant now = clock.instant();
          SigningKey key =
              keys.find(kid).orElseThrow(() -> new OperatorRefusal("no such key: " + kid));
          revocations.revokeKey(
              kid,
              RevocationRetention.keepUntil(now.plus(policy.maxTokenLifetime())),
              RevocationReason.KEY_COMPROMISED.logName());
          actions.add("revoked every token signed by " + kid);
          if (key.state().isPublished()) {
            List<SigningKey> updated =
                new ArrayList<>(List.of(key.moveTo(KeyState.WITHDRAWN, now)));
            // Only a compromised ACTIVE key needs a successor: the PENDING one, or a new key.
            Optional<SigningKey> pending =
                key.state() == KeyState.ACTIVE
                    ? newest(keys.findAll(), KeyState.PENDING)
                    : Optional.empty();
            if (key.state() == KeyState.ACTIVE && pending.isEmpty()) {
              SigningKey fresh =
                  createKey(KeyState.ACTIVE, now, k -> keys.write(List.of(k), updated));
              actions.add("created " + fresh.kid() + " active at once");
            } else {
              if (key.state() == KeyState.ACTIVE) {
                updated.add(pending.get().moveTo(KeyState.ACTIVE, now));
                actions.add("activated " + pending.get().kid() + " at once");
              }
              keys.write(List.of(), updated);
            }
            actions.add("withdrew " + kid);
          }
          keyManager.disable(key.keyReference());
          actions.add("disabled " + kid);
          telemetry.emit(
              TelemetryEvent.warn("key.compromised").with("kid", kid).count("KeysCompromised"));
        });
  }

  private interface Step {
    void run(List<String> actions);
  }

  private RotationReport underLease(Step step) {
    String owner = UUID.randomUUID().toString();
    Instant now = clock.instant();
    if (!lock.tryAcquire(owner, now, now.plus(LEASE))) {
      telemetry.emit(TelemetryEvent.info("key.rotation_skipped").with("reason", "lease_held"));
      return new RotationReport(false, List.of());
    }
    List<String> actions = new ArrayList<>();
    try {
      step.run(actions);
    } catch (KeyConflict conflict) {
      actions.add("stopped: the key table changed meanwhile; the next run continues");
    } finally {
      lock.release(owner);
      for (String action : actions) {
        telemetry.emit(
            TelemetryEvent.info("key.lifecycle")
                .with("action", action)
                .count("KeyLifecycleActions"));
      }
    }
    return new RotationReport(true, List.copyOf(actions));
  }

  private void step(boolean force, List<String> actions) {
    Instant now = clock.instant();
    List<SigningKey> all = keys.findAll();
    if (all.isEmpty()) {
      SigningKey first = createKey(KeyState.ACTIVE, now, keys::create);
      actions.add("bootstrapped " + first.kid() + " active");
      return;
    }
    Optional<SigningKey> active = newest(all, KeyState.ACTIVE);
    Optional<SigningKey> pending = newest(all, KeyState.PENDING);
    retireExtraActiveKeys(all, active, now, actions);

    if (active.isEmpty()) {
      if (pending.isPresent()) {
        keys.update(pending.get().moveTo(KeyState.ACTIVE, now));
        actions.add("activated " + pending.get().kid() + " at once (no active key)");
      } else {
        SigningKey fresh = createKey(KeyState.ACTIVE, now, keys::create);
        actions.add("created " + fresh.kid() + " active at once (no active key)");
      }
    } else {
      Instant rotationDue = force ? now : policy.rotationDue(active.get());
      if (pending.isEmpty() && !now.isBefore(rotationDue.minus(policy.publishLead()))) {
        SigningKey successor = createKey(KeyState.PENDING, now, keys::create);
        actions.add("published " + successor.kid() + " (pending)");
      } else if (pending.isPresent()
          && !now.isBefore(rotationDue)
          && !now.isBefore(policy.usableFrom(pending.get()))) {
        keys.write(
            List.of(),
            List.of(
                pending.get().moveTo(KeyState.ACTIVE, now),
                active.get().moveTo(KeyState.RETIRED, now)));
        actions.add("activated " + pending.get().kid() + ", retired " + active.get().kid());
      }
    }

    List<SigningKey> after = keys.findAll();
    reportActiveKey(after, now);
    for (SigningKey key : after) {
      if (key.state() == KeyState.RETIRED && !now.isBefore(policy.withdrawalDue(key))) {
        keys.update(key.moveTo(KeyState.WITHDRAWN, now));
        keyManager.disable(key.keyReference());
        actions.add("withdrew and disabled " + key.kid());
      } else if (key.state() == KeyState.WITHDRAWN) {
        keyManager.disable(key.keyReference()); // repeats a disable a failed run may have missed
        if (!now.isBefore(policy.deletionDue(key))) {
          keyManager.scheduleDeletion(key.keyReference(), policy.deletionWaitingDays());
          keys.update(key.moveTo(KeyState.DELETION_SCHEDULED, now));
          actions.add("scheduled deletion of " + key.kid());
        }
      }
    }
    deleteOrphans(now, actions);
  }

  /**
   * How many of the table's keys stand revoked (every token they signed refused), every run: a
   * compromise or a key revocation may be recorded by brokerctl, which writes the tables directly
   * and whose lines reach no log group, so the alarm watches this gauge from the scheduled run.
   * Keys scheduled for deletion are left out: their tokens expired long ago.
   */
  private void reportRevokedKeys(List<SigningKey> all) {
    List<String> revoked = new ArrayList<>();
    for (SigningKey key : all) {
      // The store's read is per token; a jti and client that no token carries leave only the key.
      if (key.state() != KeyState.DELETION_SCHEDULED
          && revocations.status(KEY_CHECK, KEY_CHECK, key.kid(), Optional.empty()).keyRevoked()) {
        revoked.add(key.kid());
      }
    }
    telemetry.emit(
        TelemetryEvent.info("key.revoked_keys")
            .with("kids", List.copyOf(revoked))
            .measure("SigningKeysRevoked", "Count", revoked.size()));
  }

  /** A jti and client id no token carries (ids are UUIDs and registered names). */
  private static final String KEY_CHECK = "#key-check";

  /**
   * The ACTIVE key's age and how far past its rotation it is, every run: the overdue-rotation alarm
   * watches {@code RotationOverdueSeconds} (and treats its absence as a failure, since a rotation
   * that never runs reports nothing).
   */
  private void reportActiveKey(List<SigningKey> all, Instant now) {
    newest(all, KeyState.ACTIVE)
        .ifPresent(
            active -> {
              Instant since =
                  active.activatedAt() != null ? active.activatedAt() : active.createdAt();
              long age = Math.max(0, Duration.between(since, now).toSeconds());
              long overdue =
                  Math.max(0, Duration.between(policy.rotationDue(active), now).toSeconds());
              telemetry.emit(
                  TelemetryEvent.info("key.active_age")
                      .with("kid", active.kid())
                      .with("age_seconds", age)
                      .with("rotation_period_seconds", policy.rotationPeriod().toSeconds())
                      .with("overdue_seconds", overdue)
                      .measure("ActiveKeyAgeSeconds", "Seconds", age)
                      .measure("RotationOverdueSeconds", "Seconds", overdue));
            });
  }

  /** At most one key signs: should a failure ever leave two, the newer stays. */
  private void retireExtraActiveKeys(
      List<SigningKey> all, Optional<SigningKey> newest, Instant now, List<String> actions) {
    for (SigningKey key : all) {
      if (key.state() == KeyState.ACTIVE
          && !key.kid().equals(newest.map(SigningKey::kid).orElse(""))) {
        keys.update(key.moveTo(KeyState.RETIRED, now));
        actions.add("retired extra active key " + key.kid());
      }
    }
  }

  /**
   * Creates a key in the key manager and records it in the table with {@code record}. The creation
   * is recorded first, so that a key whose table record is lost (the run dies, the write fails) is
   * still known to be the broker's and deleted by a later run. The creation is kept until the sweep
   * is past its grace even when the key is recorded: a CreateKey whose answer was lost and that the
   * SDK retried made a second key with the same creation id, which the sweep must still recognise.
   */
  private SigningKey createKey(KeyState state, Instant now, Consumer<SigningKey> record) {
    KeyCreation creation = KeyCreation.started(UUID.randomUUID().toString(), now);
    creations.record(creation);
    ManagedKey managed = keyManager.create(policy.algorithm(), creation.creationId());
    creations.record(creation.madeAs(managed.keyReference()));
    SigningKey key = SigningKey.created(managed, state, now);
    record.accept(key);
    return key;
  }

  /**
   * Tagged keys the table does not know. One that a recorded creation names was made by a run that
   * died before recording it: it is deleted. Any other was tagged by someone else (the tag is not
   * proof of ownership), and is left alone and reported. A creation is forgotten once it is older
   * than the grace: by then every key it made is visible here and either recorded in the table or
   * scheduled for deletion by this sweep.
   */
  private void deleteOrphans(Instant now, List<String> actions) {
    Set<String> known = new HashSet<>();
    keys.findAll().forEach(k -> known.add(k.keyReference()));
    List<KeyCreation> open = creations.findAll();
    Set<String> stillMaking = new HashSet<>();
    for (OwnedKey owned : keyManager.ownedKeysOtherThan(known)) {
      if (owned.pendingDeletion()) {
        continue; // on its way out already
      }
      Optional<KeyCreation> creation = open.stream().filter(c -> c.made(owned)).findFirst();
      if (creation.isEmpty()) {
        telemetry.emit(
            TelemetryEvent.warn("keys.unrecognised_tagged_key")
                .with("key_id", owned.keyReference())
                .count("UnrecognisedTaggedKeys"));
      } else if (!owned.createdAt().isBefore(now.minus(ORPHAN_GRACE))) {
        stillMaking.add(creation.get().creationId()); // its run may still be recording it
      } else {
        keyManager.disable(owned.keyReference());
        keyManager.scheduleDeletion(owned.keyReference(), policy.deletionWaitingDays());
        actions.add("scheduled deletion of an unrecorded key");
      }
    }
    for (KeyCreation creation : open) {
      if (creation.startedAt().isBefore(now.minus(ORPHAN_GRACE))
          && !stillMaking.contains(creation.creationId())) {
        creations.forget(creation.creationId());
      }
    }
  }

  private static Optional<SigningKey> newest(List<SigningKey> all, KeyState state) {
    return all.stream()
        .filter(k -> k.state() == state)
        .max(Comparator.comparing(SigningKey::createdAt).thenComparing(SigningKey::kid));
  }
}
