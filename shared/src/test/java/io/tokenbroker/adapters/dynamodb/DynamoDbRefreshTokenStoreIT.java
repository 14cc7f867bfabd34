package io.tokenbroker.adapters.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenbroker.devsupport.LocalAws;
import io.tokenbroker.devsupport.MotoExtension;
import io.tokenbroker.errors.ServiceFailure;
import io.tokenbroker.refresh.RefreshTokenRecord;
import io.tokenbroker.refresh.RefreshTokenStore;
import io.tokenbroker.refresh.RefreshTokenStoreContract;
import io.tokenbroker.revocation.RevocationRepository;
import io.tokenbroker.testing.AwsFixture;
import io.tokenbroker.testing.LostResponses;
import io.tokenbroker.tokens.IssuanceRepository;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * The refresh-token transactions against moto's DynamoDB: the port's contract, and how the store
 * reads DynamoDB's cancellation reasons.
 */
@ExtendWith(MotoExtension.class)
class DynamoDbRefreshTokenStoreIT extends RefreshTokenStoreContract {

  private static DynamoDbRefreshTokenStore store;
  private static DynamoDbIssuanceRepository issuances;
  private static DynamoDbRevocationRepository revocations;
  private static AwsFixture fixture;
  private static LostResponses.Client lossy;

  @BeforeAll
  static void setUp(LocalAws aws) {
    fixture = AwsFixture.provisioned(aws);
    store = storeOn(fixture.dynamoDb);
    issuances = new DynamoDbIssuanceRepository(fixture.dynamoDb, fixture.tables.issuances());
    revocations = new DynamoDbRevocationRepository(fixture.dynamoDb, fixture.tables.revocations());
    lossy = LostResponses.dynamoDb(aws, "TransactWriteItems");
  }

  @Override
  protected RefreshTokenStore store() {
    return store;
  }

  @Override
  protected RefreshTokenStore storeLosingFirstAnswers() {
    return storeOn(lossy.dynamoDb());
  }

  @Override
  protected int lostAnswers() {
    return lossy.lost();
  }

  @Override
  protected IssuanceRepository issuances() {
    return issuances;
  }

  @Override
  protected RevocationRepository revocations() {
    return revocations;
  }

  /**
   * The fixture's client, except that every TransactWriteItems is cancelled with these reasons, one
   * per item, as DynamoDB reports a cancelled transaction.
   */
  private static DynamoDbClient cancellingTransactionsWith(String... codes) {
    CancellationReason[] reasons = new CancellationReason[codes.length];
    for (int i = 0; i < codes.length; i++) {
      reasons[i] = CancellationReason.builder().code(codes[i]).build();
    }
    return (DynamoDbClient)
        Proxy.newProxyInstance(
            DynamoDbClient.class.getClassLoader(),
            new Class<?>[] {DynamoDbClient.class},
            (proxy, method, args) -> {
              if (method.getName().equals("transactWriteItems")) {
                throw TransactionCanceledException.builder()
                    .message("Transaction cancelled")
                    .cancellationReasons(reasons)
                    .build();
              }
              try {
                return method.invoke(fixture.dynamoDb, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }

  private static DynamoDbRefreshTokenStore storeOn(DynamoDbClient dynamoDb) {
    return new DynamoDbRefreshTokenStore(
        dynamoDb,
        fixture.tables.refreshTokens(),
        fixture.tables.issuances(),
        fixture.tables.revocations());
  }

  /**
   * Every family of a client checks the client's one revocation record, and DynamoDB cancels a
   * transaction that touches an item another transaction holds ({@code TransactionConflict}), even
   * a condition check: two refreshes of different families of one client at the same moment. That
   * is no reuse of this token: a retryable failure, never a revoked family.
   */
  @Test
  void aConflictOnTheClientsRevocationRecordIsRetryableNotReuse() {
    String id = UUID.randomUUID().toString();
    RefreshTokenRecord first = token(id);
    store.startFamily(family(id), first, issuance(id));
    DynamoDbClient contended =
        cancellingTransactionsWith("None", "None", "TransactionConflict", "None", "None");

    assertThatThrownBy(() -> storeOn(contended).rotate(family(id), first, token(id), issuance(id)))
        .isInstanceOfSatisfying(
            ServiceFailure.class, failure -> assertThat(failure.retryable()).isTrue());
    assertThat(store.find(first.hash()).orElseThrow().used()).isFalse();
  }

  @Test
  void aRotationCancelledByThrottlingIsARetryableFailureNotAConflict() {
    String id = UUID.randomUUID().toString();
    RefreshTokenRecord first = token(id);
    store.startFamily(family(id), first, issuance(id));
    DynamoDbClient throttled =
        cancellingTransactionsWith("ThrottlingError", "None", "None", "None");

    assertThatThrownBy(() -> storeOn(throttled).rotate(family(id), first, token(id), issuance(id)))
        .isInstanceOfSatisfying(
            ServiceFailure.class, failure -> assertThat(failure.retryable()).isTrue());
    assertThat(store.find(first.hash()).orElseThrow().used()).isFalse();
  }
}
