package io.tokenbroker.bench.sim;

import java.util.List;

/**
 * The local server as the simulation sees it, for the calibration against it: a closed loop of
 * {@code workers}, each minting a token (private_key_jwt) and then calling the demo API with it
 * {@code decisionsPerToken} times, as fast as answers come. The JVM's own work (HTTP, the handlers,
 * the authorizer's verify) shares {@code cpuServers} cores with {@code background} runnable threads
 * of other processes (the machine's load); every AWS call is served by moto, which serves one
 * request at a time (a single FIFO server). Each piece's service time is what the test measured
 * with one worker.
 *
 * @param workers closed-loop clients
 * @param cpuServers the machine's cores
 * @param background other processes' runnable threads (the load average outside this test)
 * @param mintLocal a mint's CPU work outside its AWS calls
 * @param mintDelay a mint's time outside its AWS calls that is not CPU (loopback, hand-offs)
 * @param mintCalls the mint's AWS calls, in order, each moto's service time
 * @param decisionLocal a decision's CPU work (the demo API round trip included)
 * @param decisionDelay a decision's time that is not CPU
 * @param revocationRead the authorizer's BatchGetItem, on a token's first call
 * @param decisionsPerToken demo calls per minted token
 */
public record LocalSetupModel(
    int workers,
    int cpuServers,
    double background,
    Latency mintLocal,
    double mintDelay,
    List<Latency> mintCalls,
    Latency decisionLocal,
    double decisionDelay,
    Latency revocationRead,
    int decisionsPerToken) {

  /** Figures of one run. */
  public record Figures(
      double mintsPerSecond,
      double decisionsPerSecond,
      double mintMedian,
      double decisionMedian,
      double motoUtilisation) {}

  public Figures run(double seconds, long seed) {
    Engine engine = new Engine(seed);
    SharedProcessor cpu = new SharedProcessor(engine, cpuServers, background);
    FifoStation moto = new FifoStation(engine, 1);
    Histogram mints = new Histogram();
    Histogram decisions = new Histogram();
    for (int w = 0; w < workers; w++) {
      // Staggered a little, as threads start.
      engine.at(w * 0.001, () -> iteration(engine, cpu, moto, mints, decisions, seconds));
    }
    engine.runUntil(seconds);
    return new Figures(
        mints.count() / seconds,
        decisions.count() / seconds,
        mints.quantile(0.5),
        decisions.quantile(0.5),
        Math.min(1, moto.busyTime() / seconds));
  }

  private void iteration(
      Engine engine,
      SharedProcessor cpu,
      FifoStation moto,
      Histogram mints,
      Histogram decisions,
      double end) {
    double began = engine.now();
    cpu.submit(
        mintLocal.sample(engine),
        () ->
            engine.after(
                mintDelay,
                () ->
                    calls(
                        engine,
                        moto,
                        0,
                        () -> {
                          if (engine.now() <= end) {
                            mints.add(engine.now() - began);
                          }
                          decide(engine, cpu, moto, mints, decisions, end, 0);
                        })));
  }

  private void calls(Engine engine, FifoStation moto, int index, Runnable done) {
    if (index == mintCalls.size()) {
      done.run();
      return;
    }
    moto.submit(mintCalls.get(index).sample(engine), () -> calls(engine, moto, index + 1, done));
  }

  private void decide(
      Engine engine,
      SharedProcessor cpu,
      FifoStation moto,
      Histogram mints,
      Histogram decisions,
      double end,
      int done) {
    if (done == decisionsPerToken) {
      iteration(engine, cpu, moto, mints, decisions, end);
      return;
    }
    double began = engine.now();
    Runnable answered =
        () -> {
          if (engine.now() <= end) {
            decisions.add(engine.now() - began);
          }
          decide(engine, cpu, moto, mints, decisions, end, done + 1);
        };
    Runnable afterCpu =
        done == 0 ? () -> moto.submit(revocationRead.sample(engine), answered) : answered;
    cpu.submit(decisionLocal.sample(engine), () -> engine.after(decisionDelay, afterCpu));
  }
}
