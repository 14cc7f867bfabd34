package io.tokenbroker.adapters.wiring;

import io.tokenbroker.adapters.aws.AwsClients;
import io.tokenbroker.adapters.aws.AwsSettings;
import io.tokenbroker.adapters.aws.ClientTimeouts;
import io.tokenbroker.adapters.dynamodb.BrokerTables;
import io.tokenbroker.adapters.dynamodb.DynamoDbAssertionReplayGuard;
import io.tokenbroker.adapters.dynamodb.DynamoDbClientRepository;
import io.tokenbroker.adapters.dynamodb.DynamoDbIssuanceRepository;
import io.tokenbroker.adapters.dynamodb.DynamoDbKeyCreations;
import io.tokenbroker.adapters.dynamodb.DynamoDbKeyRepository;
import io.tokenbroker.adapters.dynamodb.DynamoDbOperatorAudit;
import io.tokenbroker.adapters.dynamodb.DynamoDbRefreshTokenStore;
import io.tokenbroker.adapters.dynamodb.DynamoDbRevocationRepository;
import io.tokenbroker.adapters.dynamodb.DynamoDbRotationLock;
import io.tokenbroker.adapters.kms.KmsKeyManager;
import io.tokenbroker.adapters.kms.KmsKeySigner;
import io.tokenbroker.adapters.kms.KmsPublishedKeyCheck;
import io.tokenbroker.config.Env;
import io.tokenbroker.telemetry.Telemetry;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.Function;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * The one set of AWS adapters every function's wiring builds on: one DynamoDB client, built once
 * per container (building a client calls nothing), and one KMS client, built when the first KMS
 * adapter is asked for (an authorizer reading a JWKS URL, or a brokerctl command on tables only,
 * never asks); and each DynamoDB or KMS adapter over them, given the table it works on. Wirings ask
 * for their adapters in their constructors, so both clients exist before the first request. The
 * table names and other settings come from the configuration records ({@link BrokerTables}, {@link
 * io.tokenbroker.config.BrokerConfig}, ...).
 *
 * <p>A wiring whose first KMS call comes after a DynamoDB read (a verifier confirming the keys it
 * read) can have the KMS client built on a second, short-lived thread meanwhile ({@link
 * #buildKmsClientAlongside}); every KMS adapter waits for that client, and {@link #awaitKmsClient}
 * ends the init phase with the thread finished and any failure thrown as if the client had been
 * built in line.
 */
public final class BrokerAdapters {

  private final AwsSettings aws;
  private final DynamoDbClient dynamoDb;
  private KmsClient kms;
  private final Function<AwsSettings, KmsClient> kmsFactory;
  private FutureTask<KmsClient> kmsBuild; // the KMS client being built on kmsBuilder
  private Thread kmsBuilder;

  public BrokerAdapters(AwsSettings aws) {
    this(aws, AwsClients::kms);
  }

  /** With how the KMS client is built: for tests of when and where it is built. */
  BrokerAdapters(AwsSettings aws, Function<AwsSettings, KmsClient> kmsFactory) {
    this.aws = aws;
    this.kmsFactory = kmsFactory;
    this.dynamoDb = AwsClients.dynamoDb(aws);
  }

  /** From AWS_REGION, AWS_ENDPOINT_URL and the credentials ({@link AwsSettings#from}). */
  public static BrokerAdapters from(Env env, ClientTimeouts timeouts) {
    return new BrokerAdapters(AwsSettings.from(env, timeouts));
  }

  /** As {@link #from(Env, ClientTimeouts)}, every call timed into {@code telemetry}. */
  public static BrokerAdapters from(Env env, ClientTimeouts timeouts, Telemetry telemetry) {
    return new BrokerAdapters(AwsSettings.from(env, timeouts).withCallTelemetry(telemetry));
  }

  /** For operator tools' own reads and writes (brokerctl, the local server's provisioning). */
  public DynamoDbClient dynamoDb() {
    return dynamoDb;
  }

  /**
   * Drops cached credentials: the next AWS call fetches them again (a process restored from a
   * SnapStart snapshot).
   */
  public void renewCredentials() {
    aws.renewCredentials();
  }

  public DynamoDbKeyRepository keys(String keysTable) {
    return new DynamoDbKeyRepository(dynamoDb, keysTable);
  }

  public DynamoDbKeyCreations keyCreations(String keysTable) {
    return new DynamoDbKeyCreations(dynamoDb, keysTable);
  }

  public DynamoDbRotationLock rotationLock(String keysTable) {
    return new DynamoDbRotationLock(dynamoDb, keysTable);
  }

  public DynamoDbClientRepository clients(String clientsTable) {
    return new DynamoDbClientRepository(dynamoDb, clientsTable);
  }

  public DynamoDbAssertionReplayGuard assertionReplayGuard(
      String assertionsTable, Duration clockSkew) {
    return new DynamoDbAssertionReplayGuard(dynamoDb, assertionsTable, clockSkew);
  }

  /** Single use of DPoP proofs, in the assertions table (PutItem). */
  public io.tokenbroker.adapters.dynamodb.DynamoDbDpopReplayGuard dpopReplayGuard(
      String assertionsTable, Duration clockSkew) {
    return new io.tokenbroker.adapters.dynamodb.DynamoDbDpopReplayGuard(
        assertionReplayGuard(assertionsTable, clockSkew));
  }

  /** Single use of outside tokens (federation), in the assertions table (PutItem). */
  public io.tokenbroker.adapters.dynamodb.DynamoDbOutsideTokenReplayGuard outsideTokenReplayGuard(
      String assertionsTable, Duration clockSkew) {
    return new io.tokenbroker.adapters.dynamodb.DynamoDbOutsideTokenReplayGuard(
        assertionReplayGuard(assertionsTable, clockSkew));
  }

  public DynamoDbIssuanceRepository issuances(String issuancesTable) {
    return new DynamoDbIssuanceRepository(dynamoDb, issuancesTable);
  }

  public DynamoDbRevocationRepository revocations(String revocationsTable) {
    return new DynamoDbRevocationRepository(dynamoDb, revocationsTable);
  }

  public DynamoDbRefreshTokenStore refreshTokens(BrokerTables tables) {
    return new DynamoDbRefreshTokenStore(
        dynamoDb, tables.refreshTokens(), tables.issuances(), tables.revocations());
  }

  /** The operators' audit trail (PutItem, Query). */
  public DynamoDbOperatorAudit operatorAudit(String auditTable, java.time.Clock clock) {
    return new DynamoDbOperatorAudit(dynamoDb, auditTable, clock);
  }

  /** Signs with the broker's KMS keys (kms:Sign). */
  public KmsKeySigner keySigner() {
    return new KmsKeySigner(kms());
  }

  /** DPoP nonces' MAC under the deployment's HMAC key (kms:GenerateMac). */
  public io.tokenbroker.adapters.kms.KmsNonceMac nonceMac(String keyId) {
    return new io.tokenbroker.adapters.kms.KmsNonceMac(kms(), keyId);
  }

  /**
   * Confirms a published key against KMS (kms:GetPublicKey). The KMS client is built now, unless it
   * is being built alongside ({@link #buildKmsClientAlongside}): then the first check waits for it.
   */
  public KmsPublishedKeyCheck publishedKeyCheck() {
    boolean buildingAlongside;
    synchronized (this) {
      buildingAlongside = kmsBuild != null;
    }
    if (!buildingAlongside) {
      kms();
    }
    return new KmsPublishedKeyCheck(this::kms);
  }

  /** Creates, disables and schedules deletion of the KMS keys tagged {@code brokerName}. */
  public KmsKeyManager keyManager(String brokerName) {
    return new KmsKeyManager(kms(), brokerName);
  }

  /**
   * Starts building the KMS client on a second thread, which ends once it is built: for Lambda's
   * init phase, where a verifier builds the DynamoDB client, reads the key table and only then asks
   * KMS to confirm the keys read; the KMS client's build (about 30 ms of a cold C1-only JVM here,
   * class loading and configuration only, no call) and the loading of GetPublicKey's model classes
   * then overlap the key read instead of preceding the check. Nothing if the client exists or is
   * being built.
   */
  public void buildKmsClientAlongside() {
    buildKmsClientAlongside(null);
  }

  /**
   * As {@link #buildKmsClientAlongside()}, the thread then running {@code alsoLoad}: the loading of
   * classes the caller's first request will need (it must call nothing and change nothing), such as
   * {@link DynamoDbRevocationRepository#loadCallClasses}.
   */
  public synchronized void buildKmsClientAlongside(Runnable alsoLoad) {
    if (kms != null || kmsBuild != null) {
      return;
    }
    FutureTask<KmsClient> build = new FutureTask<>(new KmsBuild(kmsFactory, aws, alsoLoad));
    Thread thread = new Thread(build, "kms-client-build");
    thread.setDaemon(true); // never keeps a process alive; it ends once the client is built
    thread.start();
    kmsBuild = build;
    kmsBuilder = thread;
  }

  /**
   * Waits until a KMS client being built alongside is built and its thread has ended, and throws
   * what the build threw: called at the end of the init phase, so that no thread outlives it and a
   * client that cannot be built fails the init as if it had been built in line. Nothing otherwise.
   */
  public void awaitKmsClient() {
    boolean pending;
    synchronized (this) {
      pending = kmsBuild != null;
    }
    if (pending) {
      kms();
    }
  }

  private KmsClient kms() {
    FutureTask<KmsClient> build;
    Thread builder;
    synchronized (this) {
      if (kms != null) {
        return kms;
      }
      build = kmsBuild;
      builder = kmsBuilder;
      if (build == null) {
        kms = kmsFactory.apply(aws);
        return kms;
      }
    }
    KmsClient built = await(build, builder);
    synchronized (this) {
      kms = built;
      kmsBuild = null;
      kmsBuilder = null;
    }
    return built;
  }

  /** A named class, not a lambda: one class fewer to spin at a cold start. */
  private record KmsBuild(
      Function<AwsSettings, KmsClient> factory, AwsSettings aws, Runnable alsoLoad)
      implements Callable<KmsClient> {
    @Override
    public KmsClient call() {
      KmsClient client = factory.apply(aws);
      KmsPublishedKeyCheck.loadCallClasses(); // the verifier's one KMS call, also off its path
      if (alsoLoad != null) {
        alsoLoad.run();
      }
      return client;
    }
  }

  /** The built client once its thread has ended; the build's own exception if it failed. */
  private static KmsClient await(FutureTask<KmsClient> build, Thread builder) {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          builder.join(); // the build ends by itself, quickly
          return build.get();
        } catch (InterruptedException e) {
          interrupted = true; // wait all the same: the thread must not outlive the init
        } catch (ExecutionException e) {
          if (e.getCause() instanceof RuntimeException failure) {
            throw failure;
          }
          if (e.getCause() instanceof Error error) {
            throw error;
          }
          throw new IllegalStateException(e.getCause());
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
