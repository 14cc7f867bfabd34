package io.tokenbroker.bench.sim;

/**
 * Cost arithmetic from a run's counts and {@link Facts}' prices: what the broker's AWS bill adds
 * per million tokens issued and per million decisions answered.
 */
public final class Cost {

  private Cost() {}

  /** Lambda: requests, and duration (billed per ms) times memory. */
  public static double lambda(long invocations, double billedSeconds, int memoryMb) {
    return invocations * Facts.PRICE_LAMBDA_PER_MILLION / 1e6
        + billedSeconds * memoryMb / 1024.0 * Facts.PRICE_LAMBDA_GB_SECOND;
  }

  public static double apiGateway(long requests) {
    return requests * Facts.PRICE_APIGW_PER_MILLION / 1e6;
  }

  public static double kmsSign(long signs) {
    return signs * Facts.PRICE_KMS_SIGN_PER_10K / 1e4;
  }

  public static double dynamoDb(long readUnits, long writeUnits) {
    return readUnits * Facts.PRICE_DDB_RRU_PER_MILLION / 1e6
        + writeUnits * Facts.PRICE_DDB_WRU_PER_MILLION / 1e6;
  }

  public static double logs(long requests) {
    return requests * Facts.LOG_BYTES_PER_REQUEST / 1e9 * Facts.PRICE_LOGS_PER_GB;
  }

  /** USD per million tokens issued (token function, API Gateway, KMS, DynamoDB, logs). */
  public static double perMillionTokens(Result r) {
    if (r.mintOk == 0) {
      return Double.NaN;
    }
    long invocations = r.mintRequests - r.mint429 - r.mintLambdaThrottled;
    double usd =
        lambda(invocations, r.tokenBilledSeconds, Facts.TOKEN_MEMORY_MB)
            + apiGateway(r.mintRequests - r.mint429)
            + kmsSign(r.kmsSigns)
            + dynamoDb(r.tokenDdbReads, r.tokenDdbWrites)
            + logs(invocations);
    return usd / r.mintOk * 1e6;
  }

  /**
   * USD per million decisions answered: the authorizer's Lambda, its DynamoDB reads and logs. API
   * Gateway's request price is the protected API's own; {@link #perMillionDecisionsWithGateway}
   * adds it.
   */
  public static double perMillionDecisions(Result r) {
    long answered = r.decisionsAnswered();
    if (answered <= 0) {
      return Double.NaN;
    }
    double usd =
        lambda(r.authorizerInvocations, r.authorizerBilledSeconds, Facts.AUTHORIZER_MEMORY_MB)
            + dynamoDb(r.revocationReads * 3 + r.feedReads + r.keyScans, 0)
            + logs(r.authorizerInvocations);
    return usd / answered * 1e6;
  }

  public static double perMillionDecisionsWithGateway(Result r) {
    long answered = r.decisionsAnswered();
    return perMillionDecisions(r) + apiGateway(r.decisionRequests - r.decision429) / answered * 1e6;
  }
}
