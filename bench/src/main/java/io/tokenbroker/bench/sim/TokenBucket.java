package io.tokenbroker.bench.sim;

/**
 * A token bucket: {@code rate} tokens a second up to {@code burst}, full at the start. How AWS
 * describes its request-rate quotas (KMS, API Gateway's steady rate and burst) and how DynamoDB
 * limits one partition.
 */
public final class TokenBucket {

  private final double rate;
  private final double burst;
  private double tokens;
  private double last;
  private long granted;
  private long refused;

  public TokenBucket(double rate, double burst) {
    if (rate <= 0 || burst < 1) {
      throw new IllegalArgumentException("rate > 0 and burst >= 1");
    }
    this.rate = rate;
    this.burst = burst;
    this.tokens = burst;
  }

  /** Takes one token at {@code now}; false (counted as refused) when the bucket is empty. */
  public boolean tryTake(double now) {
    return tryTake(now, 1) == 1;
  }

  /** Takes up to {@code wanted} units at {@code now}; returns how many it granted. */
  public long tryTake(double now, long wanted) {
    refill(now);
    long got = (long) Math.min(wanted, Math.floor(tokens + 1e-9));
    tokens -= got;
    granted += got;
    refused += wanted - got;
    return got;
  }

  /** Takes {@code units} (a fractional capacity unit, as DynamoDB's 0.5 RCU) or none of them. */
  public boolean tryTakeUnits(double now, double units) {
    refill(now);
    if (tokens + 1e-9 >= units) {
      tokens -= units;
      granted++;
      return true;
    }
    refused++;
    return false;
  }

  private void refill(double now) {
    if (now > last) {
      tokens = Math.min(burst, tokens + (now - last) * rate);
      last = now;
    }
  }

  public long granted() {
    return granted;
  }

  public long refused() {
    return refused;
  }

  public double rate() {
    return rate;
  }
}
