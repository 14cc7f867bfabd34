package io.tokenbroker.bench.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A run's figures as Markdown tables and as CSV rows. */
public final class Report {

  private Report() {}

  static String ms(double seconds) {
    return Double.isNaN(seconds) ? "-" : String.format(Locale.ROOT, "%.1f", seconds * 1000);
  }

  static String usd(double value) {
    return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%.4f", value);
  }

  static String n(double value) {
    return String.format(Locale.ROOT, "%,.0f", value);
  }

  public static String markdown(Result r) {
    Scenario s = r.scenario;
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "### %s, %s tokens/s, %s decisions/s, %.0f s, %s, %d shard(s), authorizer cache %.0f s,"
                + " reuse %.0f s%s, revocation %s, seed %d%n%n",
            s.profile.name().toLowerCase(Locale.ROOT),
            n(s.tokensPerSecond),
            n(s.decisionsPerSecond),
            s.seconds,
            s.alg,
            s.shards,
            s.authorizerCacheTtl,
            s.reuseWindow,
            s.reuseShared ? " shared" : "",
            s.revocationReads.option(),
            s.seed));
    out.append(
        String.format(
            Locale.ROOT,
            "live tokens %s; the mint rate's clients: %s re-minting at 80%% of the lifetime, %s"
                + " minting per call; token lifetime %.0f s%n%n",
            n(s.liveTokens()),
            n(s.remintClients()),
            n(s.noReuseClients()),
            s.tokenLifetime));
    out.append("| component | requests | throttled / refused | peak concurrency | note |\n");
    out.append("|---|---:|---:|---:|---|\n");
    row(
        out,
        "API Gateway (account bucket)",
        r.mintRequests + r.decisionRequests,
        r.mint429 + r.decision429,
        "-",
        "429 answers");
    row(
        out,
        "token function (Lambda)",
        r.mintRequests - r.mint429,
        r.mintLambdaThrottled,
        String.valueOf(r.tokenPeakConcurrency),
        "cold starts " + n(r.tokenColdStarts) + ", environments " + n(r.tokenEnvironments));
    row(
        out,
        "KMS Sign (" + s.shards + " shard(s) x " + n(s.kmsQuota()) + "/s)",
        r.kmsSigns + r.kmsThrottles,
        r.kmsThrottles,
        "-",
        "retries " + n(r.kmsRetries) + ", reuse hits " + n(r.reuseHits));
    row(
        out,
        "DynamoDB (token function)",
        Math.round(r.tokenDdbReads + r.tokenDdbWrites),
        r.tokenDdbThrottles,
        "-",
        "units: " + n(r.tokenDdbReads) + " read, " + n(r.tokenDdbWrites) + " write");
    row(
        out,
        "API Gateway authorizer cache",
        r.decisionRequests - r.decision429,
        0,
        "-",
        "hits " + n(r.gatewayCacheHits));
    row(
        out,
        "authorizer (Lambda)",
        r.authorizerInvocations + r.authorizerLambdaThrottled,
        r.authorizerLambdaThrottled,
        String.valueOf(r.authorizerPeakConcurrency),
        "cold starts "
            + n(r.authorizerColdStarts)
            + ", environments "
            + n(r.authorizerEnvironments));
    row(
        out,
        "DynamoDB (revocation reads)",
        r.revocationReads + r.revocationDdbThrottles + r.feedReads,
        r.revocationDdbThrottles,
        "-",
        "BatchGetItem "
            + n(r.revocationReads)
            + " ("
            + n(r.revocationUnits)
            + " RRU; key rows "
            + n(r.keyRowReads)
            + " of "
            + n(r.keyRowReadsOffered)
            + " asked, client rows "
            + n(r.clientRowReads)
            + "), feed reads "
            + n(r.feedReads)
            + ", key scans "
            + n(r.keyScans));
    row(
        out,
        "account concurrency (limit " + s.accountConcurrency + ")",
        0,
        0,
        String.valueOf(r.accountPeakConcurrency),
        "");
    out.append(
        "\n"
            + "| answers | count | p50 ms | p90 ms | p99 ms | max ms | 429 | 500 | 503 | USD per"
            + " million |\n");
    out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    out.append(
        String.format(
            Locale.ROOT,
            "| mints | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n",
            n(r.mintOk),
            ms(r.mintLatency.quantile(0.5)),
            ms(r.mintLatency.quantile(0.9)),
            ms(r.mintLatency.quantile(0.99)),
            ms(r.mintLatency.max()),
            n(r.mint429),
            n(r.mintLambdaThrottled),
            n(r.mint503),
            mostlyAnswered(r.mintOk, r.mintRequests)
                ? usd(Cost.perMillionTokens(r))
                : "- (most refused)"));
    out.append(
        String.format(
            Locale.ROOT,
            "| decisions | %s | %s | %s | %s | %s | %s | %s | - | %s (%s with API Gateway) |%n",
            n(r.decisionsAnswered()),
            ms(r.decisionLatency.quantile(0.5)),
            ms(r.decisionLatency.quantile(0.9)),
            ms(r.decisionLatency.quantile(0.99)),
            ms(r.decisionLatency.max()),
            n(r.decision429),
            n(r.authorizerLambdaThrottled + r.authorizerFailClosed),
            mostlyAnswered(r.decisionsAnswered(), r.decisionRequests)
                ? usd(Cost.perMillionDecisions(r))
                : "- (most refused)",
            mostlyAnswered(r.decisionsAnswered(), r.decisionRequests)
                ? usd(Cost.perMillionDecisionsWithGateway(r))
                : "-"));
    out.append(
        String.format(
            Locale.ROOT,
            "%nrevoked tokens refused: %s; simulated %s events in %.1f s of wall clock%n",
            n(r.deniedRevoked),
            n(r.events),
            r.wallSeconds));
    return out.toString();
  }

  /** A cost per answer is a figure of a run that answers most of its load. */
  static boolean mostlyAnswered(long answered, long asked) {
    return asked > 0 && answered * 2 >= asked;
  }

  private static void row(
      StringBuilder out, String name, long requests, long refused, String peak, String note) {
    out.append(
        String.format(
            Locale.ROOT,
            "| %s | %s | %s | %s | %s |%n",
            name,
            n(requests),
            n(refused),
            peak,
            note));
  }

  static final String CSV_HEADER =
      "profile,tokens_per_s,decisions_per_s,alg,shards,authorizer_cache_s,reuse_s,revocation_reads,mints_ok,mint_429,mint_500,mint_503,kms_throttles,mint_p50_ms,mint_p99_ms,decisions_answered,decision_429,decision_500,decision_p50_ms,decision_p99_ms,peak_concurrency,usd_per_m_tokens,usd_per_m_decisions";

  static String csv(Result r) {
    Scenario s = r.scenario;
    List<String> cells = new ArrayList<>();
    cells.add(s.profile.name().toLowerCase(Locale.ROOT));
    cells.add(String.valueOf((long) s.tokensPerSecond));
    cells.add(String.valueOf((long) s.decisionsPerSecond));
    cells.add(s.alg.name());
    cells.add(String.valueOf(s.shards));
    cells.add(String.valueOf(s.authorizerCacheTtl));
    cells.add(String.valueOf(s.reuseWindow));
    cells.add(s.revocationReads.option());
    cells.add(String.valueOf(r.mintOk));
    cells.add(String.valueOf(r.mint429));
    cells.add(String.valueOf(r.mintLambdaThrottled));
    cells.add(String.valueOf(r.mint503));
    cells.add(String.valueOf(r.kmsThrottles));
    cells.add(ms(r.mintLatency.quantile(0.5)));
    cells.add(ms(r.mintLatency.quantile(0.99)));
    cells.add(String.valueOf(r.decisionsAnswered()));
    cells.add(String.valueOf(r.decision429));
    cells.add(String.valueOf(r.authorizerLambdaThrottled + r.authorizerFailClosed));
    cells.add(ms(r.decisionLatency.quantile(0.5)));
    cells.add(ms(r.decisionLatency.quantile(0.99)));
    cells.add(String.valueOf(r.accountPeakConcurrency));
    cells.add(usd(Cost.perMillionTokens(r)));
    cells.add(usd(Cost.perMillionDecisions(r)));
    return String.join(",", cells);
  }
}
