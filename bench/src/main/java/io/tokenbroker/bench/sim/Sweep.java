package io.tokenbroker.bench.sim;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The mixes docs/scale.md tabulates, one steady run each: for each target, which limit binds, the
 * headroom (how far the busiest limit is from its quota), whether the target is reached (fewer than
 * 0.1% of requests refused), and the cost per million.
 */
final class Sweep {

  private Sweep() {}

  /**
   * Each limit's use as a fraction of its quota over the run, from the load offered to it (a
   * request refused upstream still counts as asked for: a KMS Sign a throttled Lambda never made).
   */
  static Map<String, Double> utilisation(Result r) {
    Scenario s = r.scenario;
    Map<String, Double> use = new LinkedHashMap<>();
    use.put(
        "API Gateway account rate",
        (r.mintRequests + r.decisionRequests) / s.seconds / s.apigwSteady);
    double lambda = (double) r.accountPeakConcurrency / s.accountConcurrency;
    long invocations = r.mintRequests - r.mint429 + r.authorizerInvocations;
    long throttled = r.mintLambdaThrottled + r.authorizerLambdaThrottled;
    if (throttled > 0 && invocations > throttled) {
      lambda = Math.max(lambda, (double) invocations / (invocations - throttled));
    }
    use.put("Lambda account concurrency", lambda);
    long signing = r.kmsFirstAttempts + r.reuseHits;
    double signShare = signing == 0 ? 1 : (double) r.kmsFirstAttempts / signing;
    use.put("KMS Sign quota", r.mintRequests * signShare / s.seconds / (s.kmsQuota() * s.shards));
    double keyRowReads = (double) r.keyRowReadsOffered / s.seconds / Math.max(1, s.shards);
    use.put(
        "DynamoDB hot partition (a key's revocation row)", keyRowReads / Facts.DDB_PARTITION_RCU);
    use.put(
        "DynamoDB revocations table maximum", r.revocationUnitsOffered / s.seconds / s.ddbTableMax);
    use.put(
        "DynamoDB token tables' write maximum", r.tokenDdbWrites / s.seconds / s.ddbTableMax / 2);
    return use;
  }

  static Map.Entry<String, Double> binding(Result r) {
    return utilisation(r).entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow();
  }

  static boolean mintsReached(Result r) {
    long refused = r.mint429 + r.mintLambdaThrottled + r.mint503;
    return r.mintRequests > 0 && refused <= r.mintRequests / 1000;
  }

  static boolean decisionsReached(Result r) {
    long refused = r.decision429 + r.authorizerLambdaThrottled + r.authorizerFailClosed;
    return r.decisionRequests > 0 && refused <= r.decisionRequests / 1000;
  }

  private static String row(String mix, Result r, boolean tokens) {
    Map.Entry<String, Double> bind = binding(r);
    boolean reached = tokens ? mintsReached(r) : decisionsReached(r);
    long answered = tokens ? r.mintOk : r.decisionsAnswered();
    double rate = answered / r.scenario.seconds;
    long errors =
        tokens
            ? r.mint429 + r.mintLambdaThrottled + r.mint503
            : r.decision429 + r.authorizerLambdaThrottled + r.authorizerFailClosed;
    String latency =
        tokens
            ? Report.ms(r.mintLatency.quantile(0.5))
                + " / "
                + Report.ms(r.mintLatency.quantile(0.99))
            : Report.ms(r.decisionLatency.quantile(0.5))
                + " / "
                + Report.ms(r.decisionLatency.quantile(0.99));
    // Cost per million is a figure of a run that answers its load; not of one that refuses it.
    String cost =
        !reached
            ? "- (not reached)"
            : tokens
                ? Report.usd(Cost.perMillionTokens(r))
                : Report.usd(Cost.perMillionDecisions(r))
                    + " / "
                    + Report.usd(Cost.perMillionDecisionsWithGateway(r));
    String served =
        tokens
            ? Report.n(r.kmsSigns / r.scenario.seconds)
                + " / "
                + Report.n(r.reuseHits / r.scenario.seconds)
            : Report.n(r.authorizerInvocations / r.scenario.seconds)
                + " / "
                + Report.n(r.revocationUnitsOffered / r.scenario.seconds)
                + " / "
                + Report.n(r.keyRowReadsOffered / r.scenario.seconds);
    return String.format(
        Locale.ROOT,
        "| %s | %s | %s | %s | %s | %.2fx | %s | %s | %s |",
        mix,
        reached ? "yes" : "**no**",
        Report.n(rate),
        served,
        bind.getKey(),
        1 / bind.getValue(),
        Report.n(errors),
        latency,
        cost);
  }

  static void print(Scenario base, PrintStream out) {
    out.println(
        "## 10,000 tokens per second (decisions off; steady, "
            + (long) base.seconds
            + " s, seed "
            + base.seed
            + ")");
    out.println();
    out.println(
        "| mix | reached | tokens/s answered | KMS Signs/s / reuse hits/s | binding limit |"
            + " headroom | refused | p50 / p99 ms | USD per million tokens |");
    out.println("|---|---|---:|---:|---|---:|---:|---|---:|");
    Scenario t = base.copy();
    t.profile = Scenario.Profile.STEADY;
    t.tokensPerSecond = 10_000;
    t.decisionsPerSecond = 0;
    tokens(out, t, "defaults: RS256, 1 shard, quotas as AWS sets them", x -> {});
    Consumer<Scenario> raised = x -> x.apigwSteady = 25_000;
    tokens(out, t, "API Gateway raised to 25k/s, RS256, 1 shard", raised);
    for (int shards : new int[] {5, 10, 11, 12, 15}) {
      tokens(
          out,
          t,
          "API Gateway 25k/s, RS256, " + shards + " shards",
          raised.andThen(x -> x.shards = shards));
    }
    tokens(
        out,
        t,
        "API Gateway 25k/s, ES256, 12 shards",
        raised.andThen(
            x -> {
              x.alg = Scenario.Alg.ES256;
              x.shards = 12;
            }));
    tokens(
        out,
        t,
        "API Gateway 25k/s, RS256, 1 shard, reuse 60 s (half the mints from per-call clients)",
        raised.andThen(x -> x.reuseWindow = 60));
    tokens(
        out,
        t,
        "API Gateway 25k/s, RS256, 1 shard, reuse 60 s, every mint from a per-call client",
        raised.andThen(
            x -> {
              x.reuseWindow = 60;
              x.noReuseShare = 1;
            }));
    tokens(
        out,
        t,
        "API Gateway 25k/s, RS256, 1 shard, shared reuse 60 s (half the mints from per-call"
            + " clients)",
        raised.andThen(
            x -> {
              x.reuseWindow = 60;
              x.reuseShared = true;
            }));
    tokens(
        out,
        t,
        "API Gateway 25k/s, RS256, 6 shards, shared reuse 60 s (half the mints from per-call"
            + " clients)",
        raised.andThen(
            x -> {
              x.reuseWindow = 60;
              x.reuseShared = true;
              x.shards = 6;
            }));
    tokens(
        out,
        t,
        "API Gateway 25k/s, RS256, 12 shards, Lambda 1,000 shared with 1M decisions/s",
        raised.andThen(
            x -> {
              x.shards = 12;
              x.decisionsPerSecond = 1_000_000;
              x.apigwSteady = 1_100_000;
              x.apigwBurst = 100_000;
              x.revocationReads = Scenario.RevocationReads.FEED;
            }));
    out.println();
    out.println(
        "## 1,000,000 decisions per second (tokens as the lifetime implies; steady, "
            + (long) base.seconds
            + " s, seed "
            + base.seed
            + ")");
    out.println();
    out.println(
        "| mix | reached | decisions/s answered | authorizer invocations/s / revocation RRU/s"
            + " asked / key-row reads/s asked | binding limit | headroom | refused | p50 / p99 ms |"
            + " USD per million decisions (authorizer / with API Gateway) |");
    out.println("|---|---|---:|---:|---|---:|---:|---|---:|");
    Scenario d = base.copy();
    d.profile = Scenario.Profile.STEADY;
    d.decisionsPerSecond = 1_000_000;
    d.noReuseShare = 0;
    d.shards = 12;
    Scenario.RevocationReads shared = Scenario.RevocationReads.SHARED_CACHED;
    decisions(
        out, d, 100_000, 900, 0, shared, "defaults (API Gateway 10k/s, Lambda 1,000)", x -> {});
    Consumer<Scenario> big =
        x -> {
          x.apigwSteady = 1_100_000;
          x.apigwBurst = 100_000;
        };
    for (Scenario.RevocationReads mode : Scenario.RevocationReads.values()) {
      for (long clients : new long[] {100_000, 1_000_000}) {
        for (double ttl : new double[] {0, 60}) {
          decisions(out, d, clients, 900, ttl, mode, "API Gateway 1.1M/s", big);
        }
      }
    }
    decisions(out, d, 10_000, 900, 0, shared, "API Gateway 1.1M/s", big);
    decisions(out, d, 1_000_000, 900, 300, shared, "API Gateway 1.1M/s", big);
    for (double lifetime : new double[] {300, 3600}) {
      decisions(out, d, 100_000, lifetime, 0, shared, "API Gateway 1.1M/s", big);
    }
    decisions(
        out,
        d,
        100_000,
        900,
        0,
        shared,
        "API Gateway 1.1M/s, DynamoDB table max 1.5M/s",
        big.andThen(x -> x.ddbTableMax = 1_500_000));
    decisions(
        out,
        d,
        100_000,
        900,
        0,
        shared,
        "API Gateway 1.1M/s, DynamoDB table max 1.5M/s, Lambda 10,000",
        big.andThen(
            x -> {
              x.ddbTableMax = 1_500_000;
              x.accountConcurrency = 10_000;
            }));
    for (long clients : new long[] {100_000, 1_000_000}) {
      decisions(
          out,
          d,
          clients,
          900,
          0,
          shared,
          "API Gateway 1.1M/s, DynamoDB table max 3M/s, Lambda 10,000",
          big.andThen(
              x -> {
                x.ddbTableMax = 3_000_000;
                x.accountConcurrency = 10_000;
              }));
    }
    decisions(
        out,
        d,
        1_000_000,
        300,
        0,
        Scenario.RevocationReads.FEED,
        "API Gateway 1.1M/s, Lambda 3,000",
        big.andThen(x -> x.accountConcurrency = 3000));
  }

  private static void tokens(
      PrintStream out, Scenario base, String mix, Consumer<Scenario> change) {
    Scenario s = base.copy();
    change.accept(s);
    out.println(row(mix, ScaleModel.run(s), true));
  }

  private static void decisions(
      PrintStream out,
      Scenario base,
      long clients,
      double lifetime,
      double ttl,
      Scenario.RevocationReads mode,
      String quotas,
      Consumer<Scenario> change) {
    Scenario s = base.copy();
    s.clients = clients;
    s.tokenLifetime = lifetime;
    s.tokensPerSecond = clients / (s.remintAt * lifetime);
    s.authorizerCacheTtl = ttl;
    s.revocationReads = mode;
    change.accept(s);
    String mix =
        String.format(
            Locale.ROOT,
            "%s; %s clients, %.0f min tokens (%s mints/s), authorizer cache %.0f s, %s",
            quotas,
            Report.n(clients),
            lifetime / 60,
            Report.n(s.tokensPerSecond),
            ttl,
            mode.option());
    out.println(row(mix, ScaleModel.run(s), false));
  }
}
