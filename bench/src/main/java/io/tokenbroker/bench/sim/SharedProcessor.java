package io.tokenbroker.bench.sim;

import java.util.ArrayList;
import java.util.List;

/**
 * Processor sharing over {@code cores}: every job in progress advances at {@code min(1, cores /
 * (jobs + background))}, as an operating system shares CPUs fairly among runnable threads, {@code
 * background} of them someone else's (a short job does not wait behind a long one, unlike {@link
 * FifoStation}).
 */
public final class SharedProcessor {

  private static final class Job {
    double remaining;
    final Runnable done;

    Job(double remaining, Runnable done) {
      this.remaining = remaining;
      this.done = done;
    }
  }

  private final Engine engine;
  private final double cores;
  private final double background;
  private final List<Job> jobs = new ArrayList<>();
  private double last;
  private long version;
  private double work;

  public SharedProcessor(Engine engine, double cores) {
    this(engine, cores, 0);
  }

  public SharedProcessor(Engine engine, double cores, double background) {
    this.engine = engine;
    this.cores = cores;
    this.background = background;
  }

  /** The speed of one job running alone beside the background. */
  public static double aloneRate(double cores, double background) {
    return Math.min(1, cores / (1 + background));
  }

  public void submit(double service, Runnable done) {
    advance();
    jobs.add(new Job(service, done));
    work += service;
    reschedule();
  }

  private double rate() {
    return jobs.isEmpty() ? 0 : Math.min(1, cores / (jobs.size() + background));
  }

  private void advance() {
    double now = engine.now();
    double rate = rate();
    for (Job job : jobs) {
      job.remaining -= (now - last) * rate;
    }
    last = now;
  }

  private void reschedule() {
    long mine = ++version;
    if (jobs.isEmpty()) {
      return;
    }
    Job next = jobs.get(0);
    for (Job job : jobs) {
      if (job.remaining < next.remaining) {
        next = job;
      }
    }
    Job first = next;
    double at = engine.now() + Math.max(0, next.remaining) / rate();
    engine.at(
        at,
        () -> {
          if (mine != version) {
            return; // superseded by a later arrival or departure
          }
          advance();
          // The job this event was for ends now whatever rounding left of it (time's resolution
          // shrinks as the clock grows), with any other as good as done.
          List<Job> finished = new ArrayList<>();
          for (Job job : jobs) {
            if (job == first || job.remaining <= 1e-9) {
              finished.add(job);
            }
          }
          jobs.removeAll(finished);
          reschedule();
          for (Job job : finished) {
            job.done.run();
          }
        });
  }

  /** Seconds of work submitted so far. */
  public double work() {
    return work;
  }
}
