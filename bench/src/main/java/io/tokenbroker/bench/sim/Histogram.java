package io.tokenbroker.bench.sim;

/**
 * Latencies in seconds, counted in logarithmic buckets 1% wide from 1 microsecond to about 30
 * minutes, so that an aggregated batch of decisions adds one weighted value and percentiles stay
 * within 1% of the exact ones.
 */
public final class Histogram {

  private static final double MIN = 1e-6;
  private static final double GROWTH = 1.01;
  private static final int BUCKETS = (int) Math.ceil(Math.log(2e3 / MIN) / Math.log(GROWTH)) + 1;

  private final long[] counts = new long[BUCKETS];
  private long total;
  private double max;
  private double sum;

  public void add(double seconds) {
    add(seconds, 1);
  }

  public void add(double seconds, long count) {
    if (count <= 0) {
      return;
    }
    counts[bucket(seconds)] += count;
    total += count;
    sum += seconds * count;
    max = Math.max(max, seconds);
  }

  private static int bucket(double seconds) {
    if (seconds <= MIN) {
      return 0;
    }
    return Math.min(BUCKETS - 1, (int) Math.ceil(Math.log(seconds / MIN) / Math.log(GROWTH)));
  }

  /** The value at quantile {@code q} (0..1): the upper edge of its bucket, or NaN when empty. */
  public double quantile(double q) {
    if (total == 0) {
      return Double.NaN;
    }
    long rank = (long) Math.ceil(q * total);
    long seen = 0;
    for (int i = 0; i < BUCKETS; i++) {
      seen += counts[i];
      if (seen >= Math.max(1, rank)) {
        return Math.min(max, MIN * Math.pow(GROWTH, i));
      }
    }
    return max;
  }

  public long count() {
    return total;
  }

  public double max() {
    return max;
  }

  public double mean() {
    return total == 0 ? Double.NaN : sum / total;
  }
}
