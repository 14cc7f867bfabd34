package io.tokenbroker.functions.rotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import io.tokenbroker.adapters.dynamodb.DynamoDbKeyCreations;
import io.tokenbroker.adapters.dynamodb.DynamoDbKeyRepository;
import io.tokenbroker.adapters.dynamodb.DynamoDbRevocationRepository;
import io.tokenbroker.adapters.dynamodb.DynamoDbRotationLock;
import io.tokenbroker.adapters.kms.KmsKeyManager;
import io.tokenbroker.devsupport.LocalAws;
import io.tokenbroker.devsupport.MotoExtension;
import io.tokenbroker.errors.ServiceFailure;
import io.tokenbroker.keys.KeyManager;
import io.tokenbroker.keys.KeyRotationService;
import io.tokenbroker.keys.KeyState;
import io.tokenbroker.keys.ManagedKey;
import io.tokenbroker.keys.RotationPolicy;
import io.tokenbroker.keys.SigningKey;
import io.tokenbroker.testing.AwsFixture;
import io.tokenbroker.testing.EventFiles;
import io.tokenbroker.testing.MutableClock;
import io.tokenbroker.testing.RecordingTelemetry;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The rotation function against moto's KMS and DynamoDB: races, and repairs after failures. */
@ExtendWith(MotoExtension.class)
class KeyRotationHandlerIT {

  static final RotationPolicy POLICY =
      new RotationPolicy(
          Duration.ofHours(6),
          Duration.ofMinutes(15),
          Duration.ofSeconds(30),
          Duration.ofMinutes(15),
          Duration.ofSeconds(60),
          Duration.ofHours(1),
          7,
          JWSAlgorithm.RS256);

  private AwsFixture aws;
  private final MutableClock clock =
      new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));

  private final RecordingTelemetry telemetry = new RecordingTelemetry();

  private KeyRotationService rotation(KeyManager keyManager) {
    return new KeyRotationService(
        keys(),
        new DynamoDbKeyCreations(aws.dynamoDb, aws.tables.keys()),
        keyManager,
        new DynamoDbRotationLock(aws.dynamoDb, aws.tables.keys()),
        new DynamoDbRevocationRepository(aws.dynamoDb, aws.tables.revocations()),
        POLICY,
        clock,
        telemetry);
  }

  private DynamoDbKeyRepository keys() {
    return new DynamoDbKeyRepository(aws.dynamoDb, aws.tables.keys());
  }

  private KmsKeyManager kms() {
    return new KmsKeyManager(aws.kms, aws.aws.prefix());
  }

  private static Map<String, Object> run(KeyRotationHandler handler) {
    return EventFiles.invoke(
        (in, out) -> handler.handleRequest(in, out, null),
        EventFiles.load("key-rotation/scheduled.json"));
  }

  private Map<KeyState, Long> states() {
    return keys().findAll().stream()
        .collect(Collectors.groupingBy(SigningKey::state, Collectors.counting()));
  }

  private software.amazon.awssdk.services.kms.model.KeyState kmsState(SigningKey key) {
    return aws.kms.describeKey(r -> r.keyId(key.keyReference())).keyMetadata().keyState();
  }

  @Test
  void bootstrapsOnTheFirstScheduledRun(LocalAws local) {
    aws = AwsFixture.provisioned(local.fresh());

    Map<String, Object> report = run(new KeyRotationHandler(rotation(kms())));

    assertThat(report).containsEntry("ran", true);
    assertThat(states()).containsExactly(Map.entry(KeyState.ACTIVE, 1L));
  }

  /**
   * A key revoked in the revocations table as brokerctl writes it (no function runs, no line
   * reaches a log group) is counted by the next scheduled run: the gauge KeysCompromisedAlarm
   * watches, read with the rotation function's one BatchGetItem.
   */
  @Test
  void theScheduledRunCountsTheKeysThatStandRevoked(LocalAws local) {
    aws = AwsFixture.provisioned(local.fresh());
    KeyRotationHandler handler = new KeyRotationHandler(rotation(kms()));
    run(handler);
    String kid = keys().findAll().getFirst().kid();
    new DynamoDbRevocationRepository(aws.dynamoDb, aws.tables.revocations())
        .revokeKey(kid, clock.instant().plus(java.time.Duration.ofHours(1)), "key_compromised");

    run(handler);

    assertThat(telemetry.named("key.revoked_keys"))
        .extracting(e -> (long) e.metrics().getFirst().value())
        .containsExactly(0L, 1L);
  }

  /**
   * A key whose creation this deployment recorded but whose key record never followed (a run that
   * died after CreateKey) is found and deleted by the scheduled run.
   */
  @Test
  void theScheduledRunDeletesAKeyOfOursTheTableNeverRecorded(LocalAws local) {
    aws = AwsFixture.provisioned(local.fresh());
    run(new KeyRotationHandler(rotation(kms())));
    new DynamoDbKeyCreations(aws.dynamoDb, aws.tables.keys())
        .record(io.tokenbroker.keys.KeyCreation.started("died-after-create-key", clock.instant()));
    ManagedKey orphan = kms().create(JWSAlgorithm.RS256, "died-after-create-key");
    clock.advance(Duration.ofHours(2));

    run(new KeyRotationHandler(rotation(kms())));

    assertThat(aws.kms.describeKey(r -> r.keyId(orphan.keyReference())).keyMetadata().keyState())
        .isEqualTo(software.amazon.awssdk.services.kms.model.KeyState.PENDING_DELETION);
    assertThat(states()).containsExactly(Map.entry(KeyState.ACTIVE, 1L));
  }

  @Test
  void twoRacingRunsLeaveOneConsistentOutcome(LocalAws local) throws Exception {
    aws = AwsFixture.provisioned(local.fresh());
    ExecutorService pool = Executors.newFixedThreadPool(2);
    for (int round = 0; round < 4; round++) {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Map<String, Object>>> runs =
          List.of(
              pool.submit(
                  () -> {
                    go.await();
                    return run(new KeyRotationHandler(rotation(kms())));
                  }),
              pool.submit(
                  () -> {
                    go.await();
                    return run(new KeyRotationHandler(rotation(kms())));
                  }));
      go.countDown();
      for (Future<Map<String, Object>> run : runs) {
        run.get();
      }
      // Whatever interleaving happened: one signing key, at most one successor.
      assertThat(states().getOrDefault(KeyState.ACTIVE, 0L)).isEqualTo(1);
      assertThat(states().getOrDefault(KeyState.PENDING, 0L)).isLessThanOrEqualTo(1);
      clock.advance(Duration.ofHours(3));
    }
    pool.shutdown();
    // Every KMS key the runs created is recorded, or scheduled for deletion as an orphan.
    clock.advance(Duration.ofHours(2));
    rotation(kms()).rotate(false);
    var recorded =
        keys().findAll().stream().map(SigningKey::keyReference).collect(Collectors.toSet());
    for (var owned : kms().ownedKeysOtherThan(java.util.Set.of())) {
      assertThat(recorded.contains(owned.keyReference()) || owned.pendingDeletion()).isTrue();
    }
  }

  @Test
  void theNextRunRepairsAFailureBetweenKmsAndTheKeyTable(LocalAws local) {
    aws = AwsFixture.provisioned(local.fresh());
    rotation(kms()).rotate(false);
    KmsKeyManager real = kms();
    KeyManager dyingAfterCreateKey =
        new KeyManager() {
          @Override
          public ManagedKey create(JWSAlgorithm algorithm, String creationId) {
            real.create(algorithm, creationId); // the key exists in KMS ...
            throw new ServiceFailure(
                "lambda",
                "function timed out: injected",
                true,
                null); // ... the table never hears of it
          }

          @Override
          public void disable(String keyReference) {
            real.disable(keyReference);
          }

          @Override
          public void scheduleDeletion(String keyReference, int waitingPeriodDays) {
            real.scheduleDeletion(keyReference, waitingPeriodDays);
          }

          @Override
          public List<io.tokenbroker.keys.OwnedKey> ownedKeysOtherThan(
              java.util.Set<String> known) {
            return real.ownedKeysOtherThan(known);
          }
        };

    assertThatThrownBy(() -> rotation(dyingAfterCreateKey).rotate(true))
        .isInstanceOf(ServiceFailure.class);
    assertThat(states()).containsExactly(Map.entry(KeyState.ACTIVE, 1L));
    assertThat(real.ownedKeysOtherThan(java.util.Set.of())).hasSize(2);

    clock.advance(Duration.ofHours(2));
    var report = rotation(real).rotate(true);

    assertThat(report.actions()).contains("scheduled deletion of an unrecorded key");
    assertThat(states()).containsEntry(KeyState.PENDING, 1L).containsEntry(KeyState.ACTIVE, 1L);
    var recorded =
        keys().findAll().stream().map(SigningKey::keyReference).collect(Collectors.toSet());
    assertThat(real.ownedKeysOtherThan(java.util.Set.of()))
        .filteredOn(k -> !recorded.contains(k.keyReference()))
        .singleElement()
        .satisfies(orphan -> assertThat(orphan.pendingDeletion()).isTrue());
  }

  @Test
  void leavesATaggedKeyItNeverCreatedAloneAndForgetsItsOwnCreations(LocalAws local) {
    aws = AwsFixture.provisioned(local.fresh());
    rotation(kms()).rotate(false);
    String foreign =
        aws.kms
            .createKey(
                r ->
                    r.keySpec(software.amazon.awssdk.services.kms.model.KeySpec.RSA_2048)
                        .keyUsage(
                            software.amazon.awssdk.services.kms.model.KeyUsageType.SIGN_VERIFY)
                        .tags(
                            software.amazon.awssdk.services.kms.model.Tag.builder()
                                .tagKey(KmsKeyManager.TAG_KEY)
                                .tagValue(aws.aws.prefix())
                                .build()))
            .keyMetadata()
            .keyId();

    clock.advance(Duration.ofHours(2));
    var report = rotation(kms()).rotate(false);

    assertThat(report.actions()).doesNotContain("scheduled deletion of an unrecorded key");
    assertThat(aws.kms.describeKey(r -> r.keyId(foreign)).keyMetadata().keyState())
        .isEqualTo(software.amazon.awssdk.services.kms.model.KeyState.ENABLED);
    assertThat(new DynamoDbKeyCreations(aws.dynamoDb, aws.tables.keys()).findAll()).isEmpty();
  }

  @Test
  void theNextRunDisablesAWithdrawnKeyWhoseDisableFailed(LocalAws local) {
    aws = AwsFixture.provisioned(local.fresh());
    KmsKeyManager real = kms();
    rotation(real).rotate(false);
    rotation(real).rotate(true);
    clock.advance(POLICY.publishLead());
    rotation(real).rotate(true);
    SigningKey retired =
        keys().findAll().stream()
            .filter(k -> k.state() == KeyState.RETIRED)
            .findFirst()
            .orElseThrow();
    KeyManager disableFails =
        new KeyManager() {
          @Override
          public ManagedKey create(JWSAlgorithm algorithm, String creationId) {
            return real.create(algorithm, creationId);
          }

          @Override
          public void disable(String keyReference) {
            throw new ServiceFailure("kms", "DisableKey failed: injected", true, null);
          }

          @Override
          public void scheduleDeletion(String keyReference, int waitingPeriodDays) {
            real.scheduleDeletion(keyReference, waitingPeriodDays);
          }

          @Override
          public List<io.tokenbroker.keys.OwnedKey> ownedKeysOtherThan(
              java.util.Set<String> known) {
            return real.ownedKeysOtherThan(known);
          }
        };
    clock.set(POLICY.withdrawalDue(retired));

    assertThatThrownBy(() -> rotation(disableFails).rotate(false))
        .isInstanceOf(ServiceFailure.class);
    assertThat(keys().find(retired.kid()).orElseThrow().state()).isEqualTo(KeyState.WITHDRAWN);
    assertThat(kmsState(retired))
        .isEqualTo(software.amazon.awssdk.services.kms.model.KeyState.ENABLED);

    rotation(real).rotate(false);
    assertThat(kmsState(retired))
        .isEqualTo(software.amazon.awssdk.services.kms.model.KeyState.DISABLED);

    clock.advance(POLICY.withdrawnRetention());
    rotation(real).rotate(false);
    assertThat(kmsState(retired))
        .isEqualTo(software.amazon.awssdk.services.kms.model.KeyState.PENDING_DELETION);
    assertThat(keys().find(retired.kid()).orElseThrow().state())
        .isEqualTo(KeyState.DELETION_SCHEDULED);
  }
}
