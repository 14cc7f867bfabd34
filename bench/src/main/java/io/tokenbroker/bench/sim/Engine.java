package io.tokenbroker.bench.sim;

import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * The discrete-event engine: a priority queue of timestamped actions run in time order, ties in the
 * order they were scheduled, one thread, one seeded random source, so a run is a function of its
 * configuration and seed. Time is in seconds.
 */
public final class Engine {

  private record Event(double time, long seq, Runnable action) implements Comparable<Event> {
    @Override
    public int compareTo(Event other) {
      int byTime = Double.compare(time, other.time);
      return byTime != 0 ? byTime : Long.compare(seq, other.seq);
    }
  }

  private final PriorityQueue<Event> queue = new PriorityQueue<>();
  private final SplittableRandom random;
  private double now;
  private long seq;
  private long processed;

  public Engine(long seed) {
    this.random = new SplittableRandom(seed);
  }

  public double now() {
    return now;
  }

  public SplittableRandom random() {
    return random;
  }

  /** Runs {@code action} at absolute time {@code time} (never before now). */
  public void at(double time, Runnable action) {
    queue.add(new Event(Math.max(time, now), seq++, action));
  }

  public void after(double delay, Runnable action) {
    at(now + delay, action);
  }

  /** Runs every event up to and including {@code end}; later events stay queued. */
  public void runUntil(double end) {
    while (!queue.isEmpty() && queue.peek().time <= end) {
      Event event = queue.poll();
      now = event.time;
      processed++;
      event.action.run();
    }
    now = Math.max(now, end);
  }

  public long processed() {
    return processed;
  }

  /** An exponential variate with the given mean. */
  public double exponential(double mean) {
    return -mean * Math.log(1 - random.nextDouble());
  }

  /** A Poisson count with mean {@code mean} (normal approximation above 50). */
  public long poisson(double mean) {
    if (mean <= 0) {
      return 0;
    }
    if (mean > 50) {
      double n = mean + Math.sqrt(mean) * gaussian();
      return Math.max(0, Math.round(n));
    }
    double limit = Math.exp(-mean);
    double product = random.nextDouble();
    long count = 0;
    while (product > limit) {
      product *= random.nextDouble();
      count++;
    }
    return count;
  }

  public double gaussian() {
    double u = 1 - random.nextDouble();
    double v = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}
