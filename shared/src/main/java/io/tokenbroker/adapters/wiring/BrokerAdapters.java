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
 */
public final class BrokerAdapters {

  private final AwsSettings aws;
  private final DynamoDbClient dynamoDb;
  private KmsClient kms;

  public BrokerAdapters(AwsSettings aws) {
    this.aws = aws;
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

  /** Confirms a published key against KMS (kms:GetPublicKey). */
  public KmsPublishedKeyCheck publishedKeyCheck() {
    return new KmsPublishedKeyCheck(kms());
  }

  /** Creates, disables and schedules deletion of the KMS keys tagged {@code brokerName}. */
  public KmsKeyManager keyManager(String brokerName) {
    return new KmsKeyManager(kms(), brokerName);
  }

  private synchronized KmsClient kms() {
    if (kms == null) {
      kms = AwsClients.kms(aws);
    }
    return kms;
  }
}
