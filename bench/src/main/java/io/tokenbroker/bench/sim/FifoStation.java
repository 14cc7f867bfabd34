package io.tokenbroker.bench.sim;

import java.util.ArrayDeque;
import java.util.function.DoubleSupplier;

/**
 * A first-come first-served queue with {@code servers} identical servers: moto (one request at a
 * time, so one server), or a machine's cores. {@link #submit} calls {@code done} when the job has
 * waited and been served.
 */
public final class FifoStation {

  private record Job(double service, Runnable done) {}

  private final Engine engine;
  private final int servers;
  private final ArrayDeque<Job> waiting = new ArrayDeque<>();
  private int busy;
  private double busyTime;
  private int peakQueue;

  public FifoStation(Engine engine, int servers) {
    this.engine = engine;
    this.servers = servers;
  }

  /** Queues a job whose service takes {@code service} seconds. */
  public void submit(double service, Runnable done) {
    Job job = new Job(service, done);
    if (busy < servers) {
      start(job);
    } else {
      waiting.add(job);
      peakQueue = Math.max(peakQueue, waiting.size());
    }
  }

  public void submit(DoubleSupplier service, Runnable done) {
    submit(service.getAsDouble(), done);
  }

  private void start(Job job) {
    busy++;
    busyTime += job.service;
    engine.after(
        job.service,
        () -> {
          busy--;
          Job next = waiting.poll();
          if (next != null) {
            start(next);
          }
          job.done.run();
        });
  }

  /** Seconds of service given (or started) so far, summed over servers. */
  public double busyTime() {
    return busyTime;
  }

  public int peakQueue() {
    return peakQueue;
  }
}
