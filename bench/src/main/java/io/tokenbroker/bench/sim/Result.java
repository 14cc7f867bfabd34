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
  public final Histogram mintLatency = new Histogram();

  // decisions
  public long decisionRequests;
  public long decision429;
  public long gatewayCacheHits;
  public long authorizerInvocations;
  public long authorizerLambdaThrottled;
  public long authorizerFailClosed;
  public long deniedRevoked;
  public long revocationReads;
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
