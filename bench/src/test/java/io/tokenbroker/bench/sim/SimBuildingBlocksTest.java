package io.tokenbroker.bench.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The simulation's building blocks against figures computed by hand or in closed form. */
class SimBuildingBlocksTest {

  @Test
  void tokenBucketGrantsItsBurstThenItsRate() {
    TokenBucket bucket = new TokenBucket(10, 10);
    long granted = bucket.tryTake(0, 100);
    assertThat(granted).isEqualTo(10);
    assertThat(bucket.refused()).isEqualTo(90);

    // 200 requests at 20/s over the next 10 s: the bucket refills 10/s and never fills up, so
    // exactly 100 more are granted.
    TokenBucket steady = new TokenBucket(10, 10);
    steady.tryTake(0, 10);
    for (int i = 1; i <= 200; i++) {
      steady.tryTake(i * 0.05);
    }
    assertThat(steady.granted()).isEqualTo(10 + 100);
    assertThat(steady.refused()).isEqualTo(100);
  }

  @Test
  void tokenBucketRefillsOnlyUpToItsBurst() {
    TokenBucket bucket = new TokenBucket(100, 5);
    bucket.tryTake(0, 5);
    // An hour idle still leaves only 5.
    assertThat(bucket.tryTake(3600, 50)).isEqualTo(5);
    // Half units, as DynamoDB's eventually consistent reads.
    TokenBucket units = new TokenBucket(1, 1);
    assertThat(units.tryTakeUnits(0, 0.5)).isTrue();
    assertThat(units.tryTakeUnits(0, 0.5)).isTrue();
    assertThat(units.tryTakeUnits(0, 0.5)).isFalse();
  }

  @Test
  void fifoStationMatchesTheMm1ClosedForm() {
    // M/M/1 with arrival rate 0.5 and service rate 1: mean time in system 1 / (mu - lambda) = 2,
    // server busy half the time.
    Engine engine = new Engine(42);
    FifoStation station = new FifoStation(engine, 1);
    Histogram sojourn = new Histogram();
    double[] t = {0};
    int customers = 200_000;
    for (int i = 0; i < customers; i++) {
      t[0] += engine.exponential(2);
      double arrival = t[0];
      engine.at(
          arrival,
          () -> station.submit(engine.exponential(1), () -> sojourn.add(engine.now() - arrival)));
    }
    engine.runUntil(Double.MAX_VALUE);
    assertThat(sojourn.count()).isEqualTo(customers);
    assertThat(sojourn.mean()).isCloseTo(2.0, within(0.06));
    // The sojourn is exponential with mean 2: its median is 2 ln 2.
    assertThat(sojourn.quantile(0.5)).isCloseTo(2 * Math.log(2), within(0.06));
    assertThat(station.busyTime() / t[0]).isCloseTo(0.5, within(0.01));
  }

  @Test
  void fifoStationWithTwoServersMatchesErlangC() {
    // M/M/2, lambda 1.5, mu 1 (rho 0.75): P(wait) = 0.6429, mean wait = P(wait) / (2 - 1.5) =
    // 1.2857, mean time in system 2.2857.
    Engine engine = new Engine(7);
    FifoStation station = new FifoStation(engine, 2);
    Histogram sojourn = new Histogram();
    double t = 0;
    for (int i = 0; i < 200_000; i++) {
      t += engine.exponential(1 / 1.5);
      double arrival = t;
      engine.at(
          arrival,
          () -> station.submit(engine.exponential(1), () -> sojourn.add(engine.now() - arrival)));
    }
    engine.runUntil(Double.MAX_VALUE);
    assertThat(sojourn.mean()).isCloseTo(2.2857, within(0.09));
  }

  @Test
  void processorSharingServesShortJobsAlongsideLongOnes() {
    // One core, a 10 s job at t=0 and a 1 s job at t=1: both run at half speed from t=1, the
    // short one ends at t=3, the long one at t=11 (FIFO would end them at 10 and 11).
    Engine engine = new Engine(1);
    SharedProcessor cpu = new SharedProcessor(engine, 1);
    double[] ends = new double[2];
    engine.at(0, () -> cpu.submit(10, () -> ends[0] = engine.now()));
    engine.at(1, () -> cpu.submit(1, () -> ends[1] = engine.now()));
    engine.runUntil(100);
    assertThat(ends[1]).isCloseTo(3, within(1e-9));
    assertThat(ends[0]).isCloseTo(11, within(1e-9));

    // M/M/1 under processor sharing: mean time in system 1 / (mu - lambda), as FIFO.
    Engine e = new Engine(9);
    SharedProcessor ps = new SharedProcessor(e, 1);
    Histogram sojourn = new Histogram();
    double t = 0;
    for (int i = 0; i < 100_000; i++) {
      t += e.exponential(2);
      double arrival = t;
      e.at(arrival, () -> ps.submit(e.exponential(1), () -> sojourn.add(e.now() - arrival)));
    }
    e.runUntil(Double.MAX_VALUE);
    assertThat(sojourn.mean()).isCloseTo(2.0, within(0.1));
  }

  @Test
  void ttlCacheHitsAKnownStreamAsCounted() {
    TtlCache<String> cache = new TtlCache<>(5);
    for (int second = 0; second < 100; second++) {
      cache.lookup("jti", second);
    }
    // Filled at 0, 5, 10, ... 95: 20 misses, 80 hits; hits do not extend the entry.
    assertThat(cache.misses()).isEqualTo(20);
    assertThat(cache.hits()).isEqualTo(80);

    TtlCache<String> off = new TtlCache<>(0);
    for (int second = 0; second < 10; second++) {
      off.lookup("jti", second);
    }
    assertThat(off.hits()).isZero();
  }

  @Test
  void theGatewayCacheFormulaMatchesAPoissonStreamThroughACache() {
    // One token called at 2/s through a 3 s cache: 1 / (1 + 2 * 3) = 1/7 of calls invoke.
    Engine engine = new Engine(3);
    TtlCache<Integer> cache = new TtlCache<>(3);
    double t = 0;
    int calls = 200_000;
    for (int i = 0; i < calls; i++) {
      t += engine.exponential(0.5);
      cache.lookup(1, t);
    }
    double expected = ScaleModel.gatewayInvocations(calls, 2, 3) / calls;
    assertThat(expected).isCloseTo(1 / 7.0, within(1e-9));
    assertThat((double) cache.misses() / calls).isCloseTo(expected, within(0.004));
  }

  @Test
  void theRevocationCacheFormulaMatchesCallsSpreadOverContainers() {
    // A token invoked at 20/s over 50 containers, each with its own 5 s cache:
    // 1 / (1 + 20 * 5 / 50) = 1/3 of invocations read.
    Engine engine = new Engine(5);
    int containers = 50;
    @SuppressWarnings("unchecked")
    TtlCache<Integer>[] caches = new TtlCache[containers];
    for (int i = 0; i < containers; i++) {
      caches[i] = new TtlCache<>(5);
    }
    double t = 0;
    int calls = 300_000;
    long misses = 0;
    for (int i = 0; i < calls; i++) {
      t += engine.exponential(1 / 20.0);
      if (!caches[engine.random().nextInt(containers)].lookup(1, t)) {
        misses++;
      }
    }
    double expected = ScaleModel.revocationMisses(calls, 20, 5, containers) / calls;
    assertThat(expected).isCloseTo(1 / 3.0, within(1e-9));
    assertThat((double) misses / calls).isCloseTo(expected, within(0.01));
  }

  @Test
  void histogramQuantilesAreWithinOnePercent() {
    Histogram h = new Histogram();
    for (int ms = 1; ms <= 1000; ms++) {
      h.add(ms / 1000.0);
    }
    h.add(2.0, 0);
    assertThat(h.quantile(0.5)).isCloseTo(0.500, within(0.005));
    assertThat(h.quantile(0.99)).isCloseTo(0.990, within(0.01));
    assertThat(h.max()).isEqualTo(1.0);
    Histogram weighted = new Histogram();
    weighted.add(0.010, 90);
    weighted.add(1.0, 10);
    assertThat(weighted.quantile(0.5)).isCloseTo(0.010, within(0.0001));
    assertThat(weighted.quantile(0.95)).isCloseTo(1.0, within(0.01));
  }

  @Test
  void logNormalLatencyHasItsMedianAndP99() {
    Engine engine = new Engine(11);
    Latency latency = Latency.logNormal(0.010, 0.050);
    Histogram h = new Histogram();
    for (int i = 0; i < 100_000; i++) {
      h.add(latency.sample(engine));
    }
    assertThat(h.quantile(0.5)).isCloseTo(0.010, within(0.0003));
    assertThat(h.quantile(0.99)).isCloseTo(0.050, within(0.003));
  }

  @Test
  void costArithmeticPerMillion() {
    Result r = new Result(new Scenario());
    r.mintRequests = 1_000_000;
    r.mintOk = 1_000_000;
    r.tokenBilledSeconds = 50_000; // 50 ms each at 512 MB: 25,000 GB-s
    r.kmsSigns = 1_000_000;
    r.tokenDdbReads = 2_000_000;
    r.tokenDdbWrites = 2_000_000;
    r.tokenAwsCalls = 4_000_000;
    // Lambda 0.20 + 25,000 x 0.0000133334 = 0.333335; API Gateway 3.50; KMS (RS256, RSA 2048)
    // 100 x 0.03 = 3.00; DynamoDB 2 x 0.125 + 2 x 0.625 = 1.50; logs (728 + 4 x 557 bytes) x 1M =
    // 2.956 GB x 0.50 = 1.478.
    assertThat(Cost.perMillionTokens(r)).isCloseTo(10.011335, within(1e-6));
    // ES256 signs at the other asymmetric price: 100 x 0.15 = 15.00.
    Scenario ecc = new Scenario();
    ecc.alg = Scenario.Alg.ES256;
    Result e = new Result(ecc);
    e.mintRequests = r.mintRequests;
    e.mintOk = r.mintOk;
    e.tokenBilledSeconds = r.tokenBilledSeconds;
    e.kmsSigns = r.kmsSigns;
    e.tokenDdbReads = r.tokenDdbReads;
    e.tokenDdbWrites = r.tokenDdbWrites;
    e.tokenAwsCalls = r.tokenAwsCalls;
    assertThat(Cost.perMillionTokens(e)).isCloseTo(22.011335, within(1e-6));

    Result d = new Result(new Scenario());
    d.decisionRequests = 2_000_000;
    d.authorizerInvocations = 1_000_000;
    d.authorizerBilledSeconds = 1_000; // 1 ms each at 1024 MB: 1,000 GB-s
    d.revocationReads = 100_000;
    d.revocationUnits = 300_000;
    // per 2 million answered: 0.20 + 0.0133334 + 300,000 RRU 0.0375 + logs (1M x 592 + 100,000 x
    // 557 bytes = 0.6477 GB) x 0.5 = 0.32385: 0.5746834.
    assertThat(Cost.perMillionDecisions(d)).isCloseTo(0.5746834 / 2, within(1e-6));
    assertThat(Cost.perMillionDecisionsWithGateway(d))
        .isCloseTo(0.5746834 / 2 + 3.50, within(1e-6));
  }

  @Test
  void aRunIsAFunctionOfItsSeed() {
    Scenario s = small();
    String first = Report.csv(ScaleModel.run(s));
    String again = Report.csv(ScaleModel.run(s.copy()));
    Scenario other = s.copy();
    other.seed = 2;
    assertThat(again).isEqualTo(first);
    assertThat(Report.csv(ScaleModel.run(other))).isNotEqualTo(first);
  }

  @Test
  void kmsSignsAtItsQuotaAndShardsMultiplyIt() {
    Scenario s = small();
    double quota = s.kmsQuota();
    s.tokensPerSecond = 2 * quota;
    s.noReuseShare = 0;
    Result one = ScaleModel.run(s);
    // Twice the Sign quota asked for: about the quota signed a second, the rest throttled,
    // retried and finally answered 503.
    assertThat(one.kmsSigns / s.seconds).isCloseTo(quota, within(quota * 0.05));
    assertThat(one.kmsThrottles).isPositive();
    assertThat(one.mint503).isPositive();

    s.shards = 3;
    Result three = ScaleModel.run(s);
    assertThat(three.kmsThrottles).isZero();
    assertThat(three.mint503).isZero();
    assertThat(three.kmsSigns / s.seconds).isCloseTo(2 * quota, within(quota * 0.1));
  }

  @Test
  void theReuseWindowSavesSignaturesOfClientsMintingPerCall() {
    // 20 clients minting once a second over a handful of environments: all but each client's
    // first request in each environment are served from that environment's cache.
    Scenario s = small();
    s.tokensPerSecond = 20;
    s.noReuseShare = 1;
    s.noReuseMintsPerSecond = 1;
    Result off = ScaleModel.run(s);
    s.reuseWindow = 60;
    Result on = ScaleModel.run(s);
    assertThat(off.reuseHits).isZero();
    assertThat(on.reuseHits).isPositive();
    // Both answer the 400 requests asked for (a Poisson count: 3 standard deviations is 60).
    long asked = (long) (s.tokensPerSecond * s.seconds);
    assertThat(on.mintOk).isCloseTo(asked, within(60L));
    assertThat(off.mintOk).isCloseTo(asked, within(60L));
    // Every answer signed or reused once (a mint signed just before the run ends may still be
    // writing its record).
    assertThat(on.kmsSigns + on.reuseHits).isBetween(on.mintOk, on.mintOk + 3);
    assertThat(on.kmsSigns).isLessThan(off.kmsSigns / 2);
  }

  @Test
  void theSharedReuseCacheServesRepeatsWhateverEnvironmentTheyLandOn() {
    // 1,000 clients minting once a second over tens of environments: per environment a client's
    // next request rarely finds its token; shared, it signs once per window.
    Scenario s = small();
    s.tokensPerSecond = 1_000;
    s.noReuseShare = 1;
    s.reuseWindow = 60;
    Result perEnvironment = ScaleModel.run(s);
    s.reuseShared = true;
    Result shared = ScaleModel.run(s);
    assertThat(perEnvironment.reuseHits).isLessThan(perEnvironment.mintOk / 5);
    // private_key_jwt and iam mints (90%) reuse; each client signs about once in the 20 s run.
    // (Mints past their Sign at the run's end, ~40 ms of them, are not answered yet.)
    assertThat(shared.kmsSigns + shared.reuseHits)
        .isBetween(shared.mintOk, shared.mintOk + (long) (s.tokensPerSecond * 0.1));
    assertThat((double) shared.reuseHits).isGreaterThan(0.8 * shared.mintOk);
    assertThat(shared.kmsSigns).isLessThan(perEnvironment.kmsSigns / 4);
  }

  @Test
  void theAuthorizerCacheCutsInvocationsAsItsFormulaSays() {
    Scenario s = small();
    s.tokensPerSecond = 10;
    s.clients = 1_000;
    s.decisionsPerSecond = 10_000; // 10 calls a second per token
    s.apigwSteady = 1e6;
    s.apigwBurst = 1e6;
    // Revocation from the feed: no per-token reads, whose hot key row would throttle here.
    s.revocationReads = Scenario.RevocationReads.FEED;
    Result off = ScaleModel.run(s);
    s.authorizerCacheTtl = 60;
    Result on = ScaleModel.run(s);
    assertThat(off.authorizerInvocations)
        .isCloseTo(off.decisionRequests, within(off.decisionRequests / 100));
    // 1 / (1 + 10 x 60) of the calls, plus each new token's first call.
    double expected = on.decisionRequests / 601.0 + on.mintOk;
    assertThat((double) on.authorizerInvocations).isBetween(expected * 0.8, expected * 1.25);
  }

  @Test
  void perTokenReadsCapOnTheKeyRowAndSharedCachedOnesReadItOncePerContainerPerPeriod() {
    // 10,000 decisions a second on 1,000 tokens, one signing key: about half the calls miss the
    // per-container revocation cache.
    Scenario s = small();
    s.decisionsPerSecond = 10_000;
    s.clients = 1_000;
    s.apigwSteady = 1e6;
    s.apigwBurst = 1e6;
    s.revocationReads = Scenario.RevocationReads.PER_TOKEN_ALL_ITEMS;
    Result before = ScaleModel.run(s);
    // Before revcache every miss read the key's row: one partition, 3,000 reads a second plus the
    // one second of burst it starts with; the rest fail closed.
    double cap = Facts.DDB_PARTITION_RCU * (s.seconds + 1) / s.seconds;
    assertThat(before.keyRowReads / s.seconds).isCloseTo(cap, within(10.0));
    assertThat(before.keyRowReadsOffered / s.seconds).isGreaterThan(4_000);
    assertThat(before.authorizerFailClosed).isPositive();
    assertThat(before.revocationUnits / before.revocationReads).isCloseTo(3, within(1e-9));

    s.revocationReads = Scenario.RevocationReads.SHARED_CACHED;
    Result now = ScaleModel.run(s);
    // Now each container reads the key's row once per 5 s: containers / 5 a second.
    double containers = now.authorizerEnvironmentSeconds / s.seconds;
    double perPeriod = containers / Facts.REVOCATION_CACHE_SECONDS;
    assertThat(containers).isGreaterThan(20);
    assertThat(now.keyRowReadsOffered / s.seconds).isCloseTo(perPeriod, within(perPeriod * 0.05));
    assertThat(now.authorizerFailClosed).isZero();
    // A miss reads its token's own item and (one token per client here) its client's row: 2 units
    // where it read 3.
    assertThat(now.revocationUnits / now.revocationReads).isCloseTo(2, within(0.05));

    s.revocationReads = Scenario.RevocationReads.FEED;
    assertThat(ScaleModel.run(s).authorizerFailClosed).isZero();
  }

  @Test
  void theTableMaximumCapsTheSpreadReadsUntilRaised() {
    // 100,000 decisions a second on 100,000 tokens: nearly every call reads its token's and its
    // client's rows, 2 units, about 200,000 a second against the table's 40,000.
    Scenario s = small();
    s.seconds = 10;
    s.decisionsPerSecond = 100_000;
    s.clients = 100_000;
    s.apigwSteady = 1e7;
    s.apigwBurst = 1e7;
    Result capped = ScaleModel.run(s);
    assertThat(capped.revocationUnitsOffered / s.seconds).isGreaterThan(Facts.DDB_TABLE_UNITS);
    assertThat(capped.revocationUnits / s.seconds)
        .isLessThanOrEqualTo(Facts.DDB_TABLE_UNITS * (s.seconds + 1) / s.seconds);
    assertThat(capped.authorizerFailClosed).isPositive();
    s.ddbTableMax = 1_000_000;
    Result raised = ScaleModel.run(s);
    assertThat(raised.authorizerFailClosed).isZero();
    assertThat(raised.revocationUnits / s.seconds).isGreaterThan(3 * Facts.DDB_TABLE_UNITS);
  }

  @Test
  void theRevocationFeedReplacesReadsPerToken() {
    Scenario s = small();
    s.decisionsPerSecond = 5_000;
    s.clients = 1_000;
    Result reads = ScaleModel.run(s);
    s.revocationReads = Scenario.RevocationReads.FEED;
    Result feed = ScaleModel.run(s);
    assertThat(reads.revocationReads).isPositive();
    assertThat(feed.revocationReads).isZero();
    assertThat(feed.feedReads).isPositive();
  }

  @Test
  void theCommandRefusesUnknownOptionsAndHelps() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        ScaleSimulation.run(
            new String[] {"--shard", "3"},
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(status).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown option --shard");
    assertThat(out.size()).isZero();

    assertThat(
            ScaleSimulation.run(
                new String[] {"--alg", "HS256"}, new PrintStream(out), new PrintStream(err)))
        .isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--alg is one of rs256, es256");
    assertThat(
            ScaleSimulation.run(
                new String[] {"--revocation-reads", "all"},
                new PrintStream(out),
                new PrintStream(err)))
        .isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("--revocation-reads is one of shared-cached, per-token-all-items, feed");
    assertThat(
            ScaleSimulation.run(
                new String[] {"--help"}, new PrintStream(out), new PrintStream(err)))
        .isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("--tokens-per-second");
  }

  private static Scenario small() {
    Scenario s = new Scenario();
    s.seconds = 20;
    s.tokensPerSecond = 200;
    s.decisionsPerSecond = 0;
    s.seed = 1;
    return s;
  }
}
