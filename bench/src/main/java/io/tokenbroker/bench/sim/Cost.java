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

  /** RS256 signs with an RSA 2048 key (cheaper per request); ES256 with ECC P-256. */
  public static double kmsSign(long signs, Scenario.Alg alg) {
    double per10k =
        alg == Scenario.Alg.RS256
            ? Facts.PRICE_KMS_RSA2048_PER_10K
            : Facts.PRICE_KMS_ASYMMETRIC_PER_10K;
    return signs * per10k / 1e4;
  }

  public static double dynamoDb(double readUnits, double writeUnits) {
    return readUnits * Facts.PRICE_DDB_RRU_PER_MILLION / 1e6
        + writeUnits * Facts.PRICE_DDB_WRU_PER_MILLION / 1e6;
  }

  /** CloudWatch Logs ingestion for {@code bytes} of log lines. */
  public static double logs(double bytes) {
    return bytes / 1e9 * Facts.PRICE_LOGS_PER_GB;
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
            + kmsSign(r.kmsSigns, r.scenario.alg)
            + dynamoDb(r.tokenDdbReads, r.tokenDdbWrites)
            + logs(
                invocations * Facts.LOG_BYTES_TOKEN_ISSUED
                    + r.tokenAwsCalls * Facts.LOG_BYTES_AWS_CALL);
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
            // BatchGetItem: its items, strongly consistent, 1 RRU each (aws D3, D4); the key
            // Scan and a feed read ASSUMED one unit each.
            + dynamoDb(r.revocationUnits + r.feedReads + r.keyScans, 0)
            + logs(
                r.authorizerInvocations * Facts.LOG_BYTES_DECISION
                    + (r.revocationReads + r.revocationDdbThrottles + r.feedReads + r.keyScans)
                        * Facts.LOG_BYTES_AWS_CALL);
    return usd / answered * 1e6;
  }

  public static double perMillionDecisionsWithGateway(Result r) {
    long answered = r.decisionsAnswered();
    return perMillionDecisions(r) + apiGateway(r.decisionRequests - r.decision429) / answered * 1e6;
  }
}
