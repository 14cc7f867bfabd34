package io.tokenbroker.bench.sim;

/** What one run counted. Plain counters, filled by {@link ScaleModel}. */
public final class Result {

  public final Scenario scenario;

  public Result(Scenario scenario) {
    this.scenario = scenario;
  }

  // mints
  public long mintRequests;
  public long mintOk;
  public long mint429;
  public long mintLambdaThrottled;
  public long mint503;
  public long kmsSigns;
  public long kmsFirstAttempts;
  public long kmsThrottles;
  public long kmsRetries;
  public long reuseHits;
  public long tokenColdStarts;
  public int tokenPeakConcurrency;
  public int tokenEnvironments;
  public double tokenBilledSeconds;
  public double tokenDdbReads;
  public double tokenDdbWrites;
  public long tokenDdbThrottles;

  /** AWS calls the token function made (one aws.call log line each, retries included). */
  public long tokenAwsCalls;

  public final Histogram mintLatency = new Histogram();

  // decisions
  public long decisionRequests;
  public long decision429;
  public long gatewayCacheHits;
  public long authorizerInvocations;
  public long authorizerLambdaThrottled;
  public long authorizerFailClosed;
  public long deniedRevoked;

  /** Revocation BatchGetItem calls answered. */
  public long revocationReads;

  /** Read units those calls used (strongly consistent, 1 per item). */
  public double revocationUnits;

  /** Read units asked of the revocations table, throttled or not. */
  public double revocationUnitsOffered;

  /** Reads of the signing keys' rows (hot items: one partition each), answered / asked. */
  public long keyRowReads;

  public long keyRowReadsOffered;

  /** Reads of clients' watermark rows. */
  public long clientRowReads;

  /** Authorizer environments integrated over the run (environment-seconds). */
  public double authorizerEnvironmentSeconds;

  public long feedReads;
  public long keyScans;
  public long revocationDdbThrottles;
  public long authorizerColdStarts;
  public int authorizerPeakConcurrency;
  public int authorizerEnvironments;
  public double authorizerBilledSeconds;
  public final Histogram decisionLatency = new Histogram();

  public int accountPeakConcurrency;
  public long events;
  public double wallSeconds;

  public long decisionsAnswered() {
    return decisionRequests - decision429 - authorizerLambdaThrottled - authorizerFailClosed;
  }
}
