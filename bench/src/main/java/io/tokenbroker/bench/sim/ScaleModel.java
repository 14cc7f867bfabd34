package io.tokenbroker.bench.sim;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The region-scale model. Mints are simulated request by request: API Gateway's account bucket, the
 * token function's execution environments (account concurrency shared with the authorizer, the
 * per-function scaling rate, cold starts), the function's CPU, then its AWS calls one after the
 * other, each against its quota (KMS Sign per shard, DynamoDB per partition) with the SDK's
 * retries. Decisions are simulated in batches: every {@link Scenario#decisionSlice} seconds, one
 * batch per cohort of tokens (tokens with the same call rate), at staggered times within the slice;
 * the caches' effect on a batch is taken from their renewal-process expectation (see {@link
 * #gatewayInvocations} and {@link #revocationMisses}), and the authorizer's concurrency from
 * Little's law over the slice.
 */
public final class ScaleModel {

  enum Grant {
    JWT,
    IAM,
    REFRESH
  }

  /**
   * The token function's calls, in order, per grant (docs/performance.md, AWS calls per request).
   */
  enum Call {
    GET_CLIENT(Table.CLIENTS, false, 0.5), // eventually consistent (DynamoDbClientRepository)
    PUT_JTI(Table.ASSERTIONS, true, 1),
    GET_REFRESH(Table.REFRESH, false, 1),
    BATCH_REVOCATIONS(Table.REVOCATIONS, false, 2), // grant and watermark, consistent
    SIGN(null, false, 0),
    PUT_ISSUANCE(Table.ISSUANCES, true, 1),
    TRANSACT(Table.REFRESH, true, 4), // two items, transactional writes cost 2 units each
    UPDATE_REUSE(Table.ISSUANCES, true, 1),
    // A reused token's revocation state, checked before it is delivered (TokenReuse: BatchGetItem
    // of its jti, client and key, strongly consistent).
    REUSE_REVOCATION_CHECK(Table.REVOCATIONS, false, 3),
    // The shared reuse cache (--reuse-shared): a strongly consistent read of the request's item,
    // and on a miss a write of the encrypted token (under 1 KB: 1 unit).
    GET_SHARED_REUSE(Table.REUSE, false, 1),
    PUT_SHARED_REUSE(Table.REUSE, true, 1);

    final Table table;
    final boolean write;
    final double units;

    Call(Table table, boolean write, double units) {
      this.table = table;
      this.write = write;
      this.units = units;
    }
  }

  enum Table {
    CLIENTS,
    ASSERTIONS,
    ISSUANCES,
    REFRESH,
    REVOCATIONS,
    REUSE
  }

  private static final List<Call> JWT_CALLS =
      List.of(Call.GET_CLIENT, Call.PUT_JTI, Call.SIGN, Call.PUT_ISSUANCE);
  private static final List<Call> IAM_CALLS =
      List.of(Call.GET_CLIENT, Call.GET_CLIENT, Call.SIGN, Call.PUT_ISSUANCE);
  private static final List<Call> REFRESH_CALLS =
      List.of(
          Call.GET_CLIENT,
          Call.PUT_JTI,
          Call.GET_REFRESH,
          Call.GET_REFRESH,
          Call.BATCH_REVOCATIONS,
          Call.SIGN,
          Call.TRANSACT);

  /** A token function execution environment and its reuse cache. */
  private static final class Env {
    final TtlCache<Long> reuse;
    boolean warm;

    Env(double reuseWindow) {
      this.reuse = new TtlCache<>(reuseWindow);
    }
  }

  /** Tokens with the same call rate, simulated together. */
  private static final class Cohort {
    final double tokens;
    double held;
    double newTokens;
    double revoked;
    double revokedVisibleAt;

    Cohort(double tokens, double held) {
      this.tokens = tokens;
      this.held = held;
    }
  }

  private final Scenario s;
  private final Engine engine;
  private final Result r;
  private final TokenBucket apigw;
  private final TokenBucket[] kms;
  private final int partitions;
  private final TokenBucket revocationTable;

  /** Each signing key's revocation row: one item, so one partition's read units. */
  private final TokenBucket[] keyRows;

  private final TokenBucket[] tableWrites = new TokenBucket[Table.values().length];
  private final TokenBucket[][] readUnits;
  private final TokenBucket[][] writeUnits;
  private final TokenBucket tokenScaling;
  private final TokenBucket authorizerScaling;
  private final ArrayDeque<Env> idle = new ArrayDeque<>();
  private final List<Env> all = new ArrayList<>();
  private final Latency ddb = Latency.logNormal(Facts.DDB_MEDIAN, Facts.DDB_P99);
  private final Latency sign;
  private final double tokenCpu;
  private final double decisionCpu;
  private final Cohort[] cohorts;

  /** The shared reuse cache's items: which identical requests have a token stored, until when. */
  private final TtlCache<Long> sharedReuse;

  private final long remintClients;
  private final long noReuseClients;
  private int tokenBusy;
  private int authorizerInUse;
  private double authorizerEnvironments;
  private long herdLeft;

  public ScaleModel(Scenario scenario) {
    this.s = scenario;
    this.engine = new Engine(scenario.seed);
    this.r = new Result(scenario);
    this.apigw = new TokenBucket(s.apigwSteady, s.apigwBurst);
    this.kms = new TokenBucket[s.shards];
    for (int i = 0; i < s.shards; i++) {
      kms[i] = new TokenBucket(s.kmsQuota(), s.kmsQuota());
    }
    int tables = Table.values().length;
    this.partitions = s.partitions();
    readUnits = new TokenBucket[tables][partitions];
    writeUnits = new TokenBucket[tables][partitions];
    for (int t = 0; t < tables; t++) {
      for (int p = 0; p < partitions; p++) {
        // ASSUMED: one second of burst per partition (DynamoDB keeps up to 300 s of unused
        // capacity, but a table at its peak has none unused).
        readUnits[t][p] = new TokenBucket(Facts.DDB_PARTITION_RCU, Facts.DDB_PARTITION_RCU);
        writeUnits[t][p] = new TokenBucket(Facts.DDB_PARTITION_WCU, Facts.DDB_PARTITION_WCU);
      }
    }
    for (int t = 0; t < tables; t++) {
      tableWrites[t] = new TokenBucket(s.ddbTableMax, s.ddbTableMax);
    }
    // aws D5: the table's on-demand maximum caps all its reads. Its partitions are ASSUMED warmed
    // to the read load (on-demand serves twice its previous peak), so reads spread by key meet the
    // table's maximum before a partition's; single hot items meet their partition's.
    this.revocationTable = new TokenBucket(s.ddbTableMax, s.ddbTableMax);
    // ASSUMED: each shard's key row on a partition of its own (two on one would halve it).
    this.keyRows = new TokenBucket[s.shards];
    for (int i = 0; i < s.shards; i++) {
      keyRows[i] = new TokenBucket(Facts.DDB_PARTITION_RCU, Facts.DDB_PARTITION_RCU);
    }
    double perSecond = s.lambdaScalePerSecond;
    this.tokenScaling = new TokenBucket(perSecond, perSecond * 10);
    this.authorizerScaling = new TokenBucket(perSecond, perSecond * 10);
    this.sign =
        s.alg == Scenario.Alg.RS256
            ? Latency.logNormal(Facts.KMS_SIGN_RSA_MEDIAN, Facts.KMS_SIGN_RSA_P99)
            : Latency.logNormal(Facts.KMS_SIGN_ECC_MEDIAN, Facts.KMS_SIGN_ECC_P99);
    this.tokenCpu = Facts.TOKEN_CPU_SECONDS * Facts.FULL_VCPU_MB / Facts.TOKEN_MEMORY_MB;
    this.decisionCpu =
        (s.alg == Scenario.Alg.RS256
                ? Facts.DECISION_CPU_RS256_SECONDS
                : Facts.DECISION_CPU_ES256_SECONDS)
            * Facts.FULL_VCPU_MB
            / Facts.AUTHORIZER_MEMORY_MB;
    this.sharedReuse = new TtlCache<>(s.reuseShared ? s.reuseWindow : 0);
    this.remintClients = s.remintClients();
    this.noReuseClients = s.noReuseClients();
    long live = s.liveTokens();
    int count = (int) Math.max(1, Math.min(s.maxCohorts, live));
    boolean herd = s.profile == Scenario.Profile.HERD;
    this.cohorts = new Cohort[count];
    for (int i = 0; i < count; i++) {
      double tokens = (double) live / count;
      cohorts[i] = new Cohort(tokens, herd ? 0 : tokens);
    }
    if (!herd) {
      // Warm at the start: environments for the steady load exist, as after minutes of it.
      int warmToken = (int) Math.ceil(s.tokensPerSecond * 0.05);
      for (int i = 0; i < Math.min(warmToken, s.accountConcurrency); i++) {
        Env env = new Env(s.reuseWindow);
        env.warm = true;
        idle.add(env);
        all.add(env);
      }
      authorizerEnvironments =
          Math.min(
              s.accountConcurrency / 2.0, s.decisionsPerSecond * (decisionCpu + Facts.DDB_MEDIAN));
    }
  }

  public static Result run(Scenario scenario) {
    long began = System.nanoTime();
    ScaleModel model = new ScaleModel(scenario);
    Result result = model.simulate();
    result.wallSeconds = (System.nanoTime() - began) / 1e9;
    return result;
  }

  Result simulate() {
    scheduleNextMint(Kind.REMINT);
    scheduleNextMint(Kind.NO_REUSE);
    if (s.profile == Scenario.Profile.HERD) {
      herdLeft = Math.min(s.liveTokens(), s.herdClientCap);
      scheduleHerd();
    }
    if (s.profile == Scenario.Profile.REVOCATION) {
      engine.at(s.revokeAt, this::revoke);
    }
    if (s.decisionsPerSecond > 0) {
      engine.at(0, this::decisionSlice);
    }
    engine.runUntil(s.seconds);
    r.events = engine.processed();
    r.tokenEnvironments = all.size();
    r.authorizerEnvironments = (int) Math.ceil(authorizerEnvironments);
    return r;
  }

  /** The workload's rate multiplier at {@code t}. */
  double shape(double t) {
    return s.profile == Scenario.Profile.DIURNAL
        ? 1 - 0.5 * Math.cos(2 * Math.PI * t / s.seconds)
        : 1;
  }

  enum Kind {
    REMINT,
    NO_REUSE
  }

  // ---------------------------------------------------------------- mints

  private void scheduleNextMint(Kind kind) {
    double share = kind == Kind.REMINT ? 1 - s.noReuseShare : s.noReuseShare;
    double peakRate = s.tokensPerSecond * share * 1.5;
    if (peakRate <= 0) {
      return;
    }
    // Thinning: candidate arrivals at the peak rate, kept with probability shape / 1.5.
    engine.after(
        engine.exponential(1 / peakRate),
        () -> {
          if (engine.random().nextDouble() < shape(engine.now()) / 1.5) {
            long client =
                kind == Kind.REMINT
                    ? engine.random().nextLong(remintClients)
                    : remintClients + engine.random().nextLong(Math.max(1, noReuseClients));
            if (s.profile != Scenario.Profile.HERD || cohortOf(client).held > 0) {
              mint(client, kind, 0);
            }
          }
          scheduleNextMint(kind);
        });
  }

  private void scheduleHerd() {
    if (herdLeft <= 0) {
      return;
    }
    double rate = Math.min(s.liveTokens(), s.herdClientCap) / s.herdSpread;
    engine.after(
        engine.exponential(1 / rate),
        () -> {
          herdLeft--;
          long client = engine.random().nextLong(Math.max(1, s.liveTokens()));
          mint(client, client < remintClients ? Kind.REMINT : Kind.NO_REUSE, 1);
          scheduleHerd();
        });
  }

  private Cohort cohortOf(long client) {
    return cohorts[(int) (client % cohorts.length)];
  }

  private Grant grantOf(long client) {
    double u = ((client * 0x9E3779B97F4A7C15L) >>> 11) / (double) (1L << 53);
    return u < s.jwtShare ? Grant.JWT : u < s.jwtShare + s.iamShare ? Grant.IAM : Grant.REFRESH;
  }

  /**
   * One mint; {@code attempt} > 0 for a client that had no token (herd, revoked): it retries a
   * refused request after a capped, jittered exponential backoff (ASSUMED: 1 s doubling to 30 s).
   */
  private void mint(long client, Kind kind, int attempt) {
    double began = engine.now();
    r.mintRequests++;
    if (!apigw.tryTake(began)) {
      r.mint429++;
      retryLater(client, kind, attempt);
      return;
    }
    Env env = acquire();
    if (env == null) {
      r.mintLambdaThrottled++;
      retryLater(client, kind, attempt);
      return;
    }
    double cold = env.warm ? 0 : Facts.TOKEN_COLD_START;
    if (!env.warm) {
      r.tokenColdStarts++;
      env.warm = true;
    }
    double used = engine.now();
    Grant grant = grantOf(client);
    List<Call> calls =
        switch (grant) {
          case JWT -> JWT_CALLS;
          case IAM -> IAM_CALLS;
          case REFRESH -> REFRESH_CALLS;
        };
    engine.after(
        cold + tokenCpu,
        () ->
            step(
                calls,
                0,
                client,
                env,
                grant,
                () -> {
                  finish(env, used);
                  r.mintOk++;
                  r.mintLatency.add(engine.now() - began + Facts.APIGW_OVERHEAD);
                  Cohort cohort = cohortOf(client);
                  if (attempt > 0 || cohort.held < cohort.tokens) {
                    cohort.held = Math.min(cohort.tokens, cohort.held + 1);
                  }
                  cohort.newTokens++;
                },
                () -> {
                  finish(env, used);
                  r.mint503++;
                  retryLater(client, kind, attempt);
                }));
  }

  private void retryLater(long client, Kind kind, int attempt) {
    if (attempt == 0) {
      return;
    }
    double cap = Math.min(30, Math.pow(2, attempt - 1));
    engine.after(
        cap * (0.5 + 0.5 * engine.random().nextDouble()), () -> mint(client, kind, attempt + 1));
  }

  private Env acquire() {
    // Account concurrency counts environments serving a request, warm or new.
    if (tokenBusy + authorizerInUse >= s.accountConcurrency) {
      return null;
    }
    Env env = idle.pollLast();
    if (env == null) {
      if (!tokenScaling.tryTake(engine.now())) {
        return null;
      }
      env = new Env(s.reuseWindow);
      all.add(env);
    }
    tokenBusy++;
    r.tokenPeakConcurrency = Math.max(r.tokenPeakConcurrency, tokenBusy);
    r.accountPeakConcurrency = Math.max(r.accountPeakConcurrency, tokenBusy + authorizerInUse);
    return env;
  }

  private void finish(Env env, double used) {
    tokenBusy--;
    // Lambda bills duration rounded up to the millisecond.
    r.tokenBilledSeconds += Math.ceil((engine.now() - used) * 1000) / 1000;
    idle.add(env);
  }

  private void step(
      List<Call> calls, int index, long client, Env env, Grant grant, Runnable ok, Runnable fail) {
    if (index == calls.size()) {
      ok.run();
      return;
    }
    Call call = calls.get(index);
    if (call == Call.SIGN && grant != Grant.REFRESH && s.reuseShared) {
      sharedReuse(calls, index, client, env, grant, ok, fail);
      return;
    }
    if (call == Call.SIGN && grant != Grant.REFRESH && env.reuse.lookup(client, engine.now())) {
      // Served from the container's reuse cache (a miss fills it with the token about to be
      // signed): no signature, the issuance record updated.
      r.reuseHits++;
      deliverReused(client, ok, fail);
      return;
    }
    aws(
        call,
        client,
        1,
        engine.now(),
        () -> step(calls, index + 1, client, env, grant, ok, fail),
        fail);
  }

  /**
   * The shared reuse cache in place of a Sign: read the request's item; if a token is stored
   * (within the window), decrypt it (a data key from KMS GenerateDataKey, cached per container: not
   * modelled) and record the delivery; else sign, store the token encrypted, and go on. The item
   * counts as stored from the read that missed (ASSUMED: two identical requests in the same few
   * milliseconds both sign in reality).
   */
  private void sharedReuse(
      List<Call> calls, int index, long client, Env env, Grant grant, Runnable ok, Runnable fail) {
    boolean stored = sharedReuse.lookup(client, engine.now());
    aws(
        Call.GET_SHARED_REUSE,
        client,
        1,
        engine.now(),
        () -> {
          if (stored) {
            r.reuseHits++;
            deliverReused(client, ok, fail);
            return;
          }
          aws(
              Call.SIGN,
              client,
              1,
              engine.now(),
              () ->
                  aws(
                      Call.PUT_SHARED_REUSE,
                      client,
                      1,
                      engine.now(),
                      () -> step(calls, index + 1, client, env, grant, ok, fail),
                      fail),
              fail);
        },
        fail);
  }

  /** A reused token: its revocation state read, then its delivery recorded (perf: reused rows). */
  private void deliverReused(long client, Runnable ok, Runnable fail) {
    aws(
        Call.REUSE_REVOCATION_CHECK,
        client,
        1,
        engine.now(),
        () -> aws(Call.UPDATE_REUSE, client, 1, engine.now(), ok, fail),
        fail);
  }

  /** One SDK call with the standard retry strategy: throttled attempts back off and retry. */
  private void aws(
      Call call, long client, int attempt, double callBegan, Runnable ok, Runnable fail) {
    double now = engine.now();
    boolean admitted;
    double latency;
    if (attempt == 1) {
      r.tokenAwsCalls++;
    }
    if (call == Call.SIGN) {
      if (attempt == 1) {
        r.kmsFirstAttempts++;
      }
      TokenBucket shard = kms[engine.random().nextInt(kms.length)];
      admitted = shard.tryTake(now);
      latency = sign.sample(engine);
      if (admitted) {
        r.kmsSigns++;
      } else {
        r.kmsThrottles++;
      }
    } else {
      admitted = ddbAdmit(call, client, now);
      latency = ddb.sample(engine);
      if (admitted) {
        if (call.write) {
          r.tokenDdbWrites += call.units;
        } else {
          r.tokenDdbReads += call.units;
        }
      } else {
        r.tokenDdbThrottles++;
      }
    }
    if (admitted) {
      engine.after(latency, ok);
      return;
    }
    double base = Facts.SDK_THROTTLED_BASE_DELAY;
    double delay =
        engine.random().nextDouble()
            * Math.min(Facts.SDK_MAX_BACKOFF, base * Math.pow(2, attempt - 1));
    double elapsed = now + latency + delay - callBegan;
    if (attempt >= Facts.SDK_MAX_ATTEMPTS || elapsed > Facts.SDK_API_CALL_TIMEOUT) {
      engine.after(latency, fail);
      return;
    }
    if (call == Call.SIGN) {
      r.kmsRetries++;
    }
    engine.after(latency + delay, () -> aws(call, client, attempt + 1, callBegan, ok, fail));
  }

  private boolean ddbAdmit(Call call, long client, double now) {
    int partition =
        call.table == Table.CLIENTS
            ? (int) Math.floorMod(client * 0x9E3779B97F4A7C15L >>> 7, partitions)
            : engine.random().nextInt(partitions);
    TokenBucket[] units =
        call.write ? writeUnits[call.table.ordinal()] : readUnits[call.table.ordinal()];
    // aws D5: the table's own on-demand maximum (40,000 units a second) caps writes too.
    return units[partition].tryTakeUnits(now, call.units)
        && (!call.write || tableWrites[call.table.ordinal()].tryTakeUnits(now, call.units));
  }

  // ---------------------------------------------------------------- revocation

  private void revoke() {
    double perTokenRate = s.decisionsPerSecond / Math.max(1, s.liveTokens());
    double notice = s.revocationCacheSeconds + s.authorizerCacheTtl;
    double spread = notice + Math.min(60, 1 / Math.max(perTokenRate, 1e-9));
    long revokedClients = 0;
    for (Cohort c : cohorts) {
      c.revoked = c.held * s.revokeFraction;
      c.revokedVisibleAt = s.revokeAt + notice;
      revokedClients += Math.round(c.revoked);
    }
    // Each revoked client is refused on a call after the revocation reaches the authorizer, then
    // mints again (and keeps trying when refused).
    long clients = revokedClients;
    double rate = clients / spread;
    scheduleRemints(clients, rate, s.revokeAt);
  }

  private void scheduleRemints(long left, double rate, double from) {
    if (left <= 0 || rate <= 0) {
      return;
    }
    engine.at(
        from + engine.exponential(1 / rate),
        () -> {
          long client = engine.random().nextLong(Math.max(1, s.liveTokens()));
          Cohort c = cohortOf(client);
          if (c.revoked >= 1) {
            c.revoked--;
          }
          mint(client, client < remintClients ? Kind.REMINT : Kind.NO_REUSE, 1);
          scheduleRemints(left - 1, rate, engine.now());
        });
  }

  // ---------------------------------------------------------------- decisions

  /**
   * API Gateway's authorizer cache keyed by token with TTL {@code ttl}: for one token called as a
   * Poisson stream at {@code rate}, each miss opens a window of {@code ttl}, and the next miss is
   * the first call after it: a renewal process with one invocation per {@code ttl + 1/rate}, i.e. a
   * fraction {@code 1 / (1 + rate * ttl)} of the calls.
   */
  static double gatewayInvocations(double calls, double perTokenRate, double ttl) {
    return ttl <= 0 ? calls : calls / (1 + perTokenRate * ttl);
  }

  /**
   * The authorizer's per-jti revocation cache (TTL {@code ttl}, per container) for one token's
   * invocations at {@code rate} spread evenly over {@code containers}: each container reads once
   * per {@code ttl + containers / rate}; a fraction {@code 1 / (1 + rate * ttl / containers)}.
   */
  static double revocationMisses(double invocations, double rate, double ttl, double containers) {
    return ttl <= 0 ? invocations : invocations / (1 + rate * ttl / Math.max(1, containers));
  }

  private void decisionSlice() {
    double start = engine.now();
    double slice = s.decisionSlice;
    double perTokenRate = s.decisionsPerSecond * shape(start) / Math.max(1, s.liveTokens());
    double[] sliceWork = new double[3];
    double held = 0;
    for (Cohort c : cohorts) {
      held += c.held;
    }
    double heldTokens = held;
    for (int i = 0; i < cohorts.length; i++) {
      Cohort cohort = cohorts[i];
      engine.at(
          start + slice * i / cohorts.length,
          () -> decisionBatch(cohort, perTokenRate, heldTokens, slice, sliceWork));
    }
    engine.at(start + slice - 1e-9, () -> settleAuthorizer(sliceWork, slice));
    if (start + slice < s.seconds) {
      engine.at(start + slice, this::decisionSlice);
    }
  }

  private void decisionBatch(
      Cohort cohort, double perTokenRate, double heldTokens, double slice, double[] work) {
    double now = engine.now();
    long calls = engine.poisson(cohort.held * perTokenRate * slice);
    if (calls == 0) {
      return;
    }
    r.decisionRequests += calls;
    long accepted = apigw.tryTake(now, calls);
    r.decision429 += calls - accepted;
    // Calls with a revoked token, once the revocation is visible: refused (401), as designed.
    long refused = 0;
    if (cohort.revoked > 0 && now >= cohort.revokedVisibleAt) {
      refused = Math.round(accepted * cohort.revoked / Math.max(1, cohort.held));
      r.deniedRevoked += refused;
    }
    // A new token misses both caches on its first call; beyond that, the renewal expectation.
    double fresh = Math.min(cohort.newTokens, accepted);
    cohort.newTokens = 0;
    double invocations =
        gatewayInvocations(accepted - fresh, perTokenRate, s.authorizerCacheTtl) + fresh;
    long invoked = Math.min(accepted, Math.round(invocations + engine.random().nextDouble() - 0.5));
    r.gatewayCacheHits += accepted - invoked;
    r.decisionLatency.add(Facts.APIGW_OVERHEAD, accepted - invoked);
    if (invoked == 0) {
      return;
    }
    double containers = Math.max(1, authorizerEnvironments);
    double invokeRate = perTokenRate * invoked / Math.max(1, accepted);
    long misses =
        s.revocationFeed()
            ? 0
            : Math.min(
                invoked,
                Math.round(
                    revocationMisses(
                            invoked - fresh, invokeRate, s.revocationCacheSeconds, containers)
                        + fresh));
    long throttled = 0;
    long reads = 0;
    if (misses > 0) {
      ReadPlan plan =
          s.revocationReads == Scenario.RevocationReads.PER_TOKEN_ALL_ITEMS
              ? ReadPlan.allItems(misses)
              : ReadPlan.sharedCached(
                  misses,
                  invoked,
                  revocationMisses(invoked, invokeRate, s.revocationCacheSeconds, containers),
                  keyReads(
                      invoked,
                      invokeRate * heldTokens,
                      s.shards,
                      containers,
                      s.revocationCacheSeconds),
                  engine.random().nextDouble());
      reads = plan.calls;
      // The key rows first (a throttled item fails the decision's read), then the table's maximum
      // over every unit the calls read.
      long hotGranted = grantKeyRows(now, plan.keyRowReads);
      long hotThrottled = plan.keyRowReads - hotGranted;
      long past = reads - Math.min(reads, hotThrottled);
      double unitsEach = plan.units / reads;
      long granted = grantUnits(revocationTable, now, past, unitsEach);
      throttled = reads - granted;
      r.revocationReads += granted;
      r.revocationUnits += granted * unitsEach;
      r.revocationUnitsOffered += plan.units;
      r.keyRowReadsOffered += plan.keyRowReads;
      r.keyRowReads += hotGranted;
      r.clientRowReads += Math.round(plan.clientRowReads * (double) granted / reads);
      r.revocationDdbThrottles += throttled;
    }
    r.authorizerInvocations += invoked;
    r.authorizerFailClosed += throttled;
    r.decisionLatency.add(Facts.APIGW_OVERHEAD + Facts.AUTHORIZER_DEPENDENCY_TIMEOUT, throttled);
    // A throttled read is retried by the SDK until the authorizer's dependency timeout, then the
    // decision fails closed: the environment is held that long.
    double meanService =
        decisionCpu
            + ((reads - throttled) * ddb.median() + throttled * Facts.AUTHORIZER_DEPENDENCY_TIMEOUT)
                / invoked;
    work[0] += invoked * meanService;
    work[1] += invoked;
    work[2] += throttled;
    // Latencies: hits at the CPU cost, misses plus one sampled read each (in up to 16 samples).
    long hits = invoked - reads;
    r.decisionLatency.add(Facts.APIGW_OVERHEAD + decisionCpu, hits);
    long good = reads - throttled;
    int samples = (int) Math.min(16, good);
    for (int k = 0; k < samples; k++) {
      long weight = good / samples + (k < good % samples ? 1 : 0);
      r.decisionLatency.add(Facts.APIGW_OVERHEAD + decisionCpu + ddb.sample(engine), weight);
    }
    r.authorizerBilledSeconds += invoked * Math.ceil(meanService * 1000) / 1000;
  }

  /**
   * The revocation reads of a batch's misses: BatchGetItem calls, the read units they ask for, and
   * how many of them read a key's row (hot) and a client's row.
   */
  record ReadPlan(long calls, double units, long keyRowReads, long clientRowReads) {

    /** Before revcache: each miss reads its token's, its client's and its key's item. */
    static ReadPlan allItems(long misses) {
      return new ReadPlan(misses, 3.0 * misses, misses, misses);
    }

    /**
     * Revcache: each token-cache miss reads its own item; a client's row is read when the
     * container's entry for that client is stale ({@code clientReads}, at most one per client per
     * period, read in the same call as a miss: one token per client), a key's row likewise ({@code
     * keyReads}); a stale key row whose token is fresh still costs a call, with the token's own
     * item in it (CachedRevocations renews the token with the shared records).
     */
    static ReadPlan sharedCached(
        long misses, long invoked, double clientReads, double keyReads, double dither) {
      long key = Math.min(invoked, (long) Math.floor(keyReads + dither));
      long client = Math.min(misses, Math.round(clientReads));
      long extra = Math.round(key * (1 - (double) misses / invoked));
      long calls = Math.min(invoked, misses + extra);
      return new ReadPlan(calls, calls + client + key, key, client);
    }
  }

  /**
   * Reads of the key rows among {@code invoked} invocations when the authorizer invokes {@code
   * rate} a second over {@code containers}, each signing key a share of them: each container reads
   * a key's row once per {@code ttl + 1 / its rate of that key} (the renewal formula of {@link
   * #revocationMisses}), i.e. at most {@code containers / ttl} a second per key.
   */
  static double keyReads(double invoked, double rate, int keys, double containers, double ttl) {
    double perContainerPerKey = rate / Math.max(1, keys) / Math.max(1, containers);
    return ttl <= 0 ? invoked : invoked / (1 + perContainerPerKey * ttl);
  }

  /** Spreads {@code reads} over the keys' rows; returns how many their partitions served. */
  private long grantKeyRows(double now, long reads) {
    if (reads == 0) {
      return 0;
    }
    long granted = 0;
    int first = engine.random().nextInt(keyRows.length);
    for (int i = 0; i < keyRows.length; i++) {
      long share = reads / keyRows.length + (i < reads % keyRows.length ? 1 : 0);
      granted += grantUnits(keyRows[(first + i) % keyRows.length], now, share, 1.0);
    }
    return granted;
  }

  /** Grants whole reads of {@code unitsEach} from {@code bucket}, as many as it holds. */
  private static long grantUnits(TokenBucket bucket, double now, long reads, double unitsEach) {
    long granted = 0;
    // Take in chunks so a large batch costs a handful of calls.
    if (reads <= 0) {
      return 0;
    }
    long chunk = Math.max(1, reads / 8);
    while (granted < reads) {
      long n = Math.min(chunk, reads - granted);
      if (!bucket.tryTakeUnits(now, n * unitsEach)) {
        if (n == 1) {
          break;
        }
        chunk = Math.max(1, chunk / 2);
        continue;
      }
      granted += n;
    }
    return granted;
  }

  /**
   * Little's law over the slice: the authorizer needs {@code work / slice} environments busy on
   * average. New environments start cold (limited by the scaling rate and the account's free
   * concurrency); invocations beyond what the environments can serve are throttled (API Gateway
   * answers 500 for a throttled authorizer).
   */
  private void settleAuthorizer(double[] slicework, double slice) {
    double work = slicework[0];
    double invocationsInSlice = slicework[1];
    double now = engine.now();
    double needed = work / slice;
    int inUse = (int) Math.ceil(needed);
    if (needed > authorizerEnvironments) {
      double free = s.accountConcurrency - tokenBusy - authorizerEnvironments;
      double room = Math.max(0, Math.min(needed - authorizerEnvironments, free));
      long added = authorizerScaling.tryTake(now, (long) Math.ceil(room));
      authorizerEnvironments += added;
      r.authorizerColdStarts += added;
      r.authorizerBilledSeconds += added * Facts.AUTHORIZER_COLD_START;
      r.keyScans += added;
      int samples = (int) Math.min(16, added);
      for (int k = 0; k < samples; k++) {
        r.decisionLatency.add(
            Facts.APIGW_OVERHEAD + Facts.AUTHORIZER_COLD_START + decisionCpu, added / samples);
      }
    }
    // Environments run one invocation at a time and count against the account while they do.
    double available = Math.min(authorizerEnvironments, s.accountConcurrency - tokenBusy);
    if (needed > available) {
      double lostShare = 1 - available / needed;
      long lost = Math.round(invocationsInSlice * lostShare);
      r.authorizerLambdaThrottled += lost;
      r.authorizerInvocations -= lost;
      // The throttled ones never reached the table: fewer failed closed.
      r.authorizerFailClosed -= Math.round(slicework[2] * lostShare);
      inUse = (int) Math.floor(available);
    }
    authorizerInUse = inUse;
    r.authorizerPeakConcurrency = Math.max(r.authorizerPeakConcurrency, inUse);
    r.accountPeakConcurrency = Math.max(r.accountPeakConcurrency, inUse + tokenBusy);
    // Each environment re-reads the key table once per key cache period; with the feed, one read
    // a second.
    r.keyScans += Math.round(authorizerEnvironments * slice / s.keyCacheSeconds);
    r.authorizerEnvironmentSeconds += authorizerEnvironments * slice;
    if (s.revocationFeed()) {
      r.feedReads += Math.round(authorizerEnvironments * slice);
    }
  }
}
