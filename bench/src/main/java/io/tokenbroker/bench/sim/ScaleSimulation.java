package io.tokenbroker.bench.sim;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The simulation's command line: one run (a report), or {@code --sweep} (the tables docs/scale.md
 * needs). No AWS, no threads: a function of its options and seed.
 */
public final class ScaleSimulation {

  static final String HELP =
      """
      Usage: ScaleSimulation [options]
        Simulates the broker in one region (no AWS needed) and prints a Markdown report.

        --profile steady|diurnal|herd|revocation   workload shape (default steady)
        --tokens-per-second N        mint rate (default 10000)
        --decisions-per-second N     authorizer decisions asked for (default 1000000)
        --token-lifetime SECONDS     access-token lifetime (default 900); clients re-mint at 80%
        --clients N                  live tokens calling the API (default: from rate and lifetime)
        --no-reuse-share F           share of mints from clients minting on every call (default 0.5)
        --shards N                   signing accounts, each with its own KMS quota (default 1)
        --authorizer-cache-ttl S     API Gateway's authorizer result cache TTL (default 0)
        --reuse-window S             the token function's reuse cache window (default 0 = off)
        --reuse-shared               the reuse cache in a DynamoDB table shared by every
                                     environment (needs --reuse-window), not per environment
        --revocation-reads MODE      shared-cached (default: a miss reads the token's own item;
                                     client and key rows re-read once per 5 s per container),
                                     per-token-all-items (before: token, client and key rows per
                                     miss), or feed (authorizers poll a revocation feed)
        --revocation-feed            the same as --revocation-reads feed
        --alg RS256|ES256            signing algorithm (KMS quotas differ; default RS256)
        --account-concurrency N      Lambda concurrency per account (default 1000)
        --apigw-rps N                API Gateway account rate (default 10000; burst stays 5000)
        --ddb-partitions N           partitions per table (default 4)
        --ddb-table-max N            each table's on-demand maximum, read and write units per
                                     second (default 40000)
        --seconds S                  simulated seconds (default 60)
        --seed N                     random seed (default 1)
        --csv                        also print the run as a CSV row
        --sweep                      run the mixes docs/scale.md tabulates and print its tables
        --help                       this text
      """;

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs the command; returns the exit status (2 for a usage error). */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    Scenario s = new Scenario();
    boolean sweep = false;
    boolean csv = false;
    try {
      for (int i = 0; i < args.length; i++) {
        String arg = args[i];
        String value = null;
        int eq = arg.indexOf('=');
        if (arg.startsWith("--") && eq > 0) {
          value = arg.substring(eq + 1);
          arg = arg.substring(0, eq);
        }
        switch (arg) {
          case "--help", "-h" -> {
            out.print(HELP);
            return 0;
          }
          case "--sweep" -> sweep = true;
          case "--csv" -> csv = true;
          case "--reuse-shared" -> s.reuseShared = true;
          case "--revocation-feed" -> s.revocationReads = Scenario.RevocationReads.FEED;
          default -> {
            if (value == null) {
              if (i + 1 >= args.length) {
                throw new IllegalArgumentException(known(arg) + " needs a value");
              }
              value = args[++i];
            }
            set(s, arg, value);
          }
        }
      }
    } catch (IllegalArgumentException e) {
      err.println("ScaleSimulation: " + e.getMessage() + " (--help lists the options)");
      return 2;
    }
    if (s.reuseShared && s.reuseWindow <= 0) {
      err.println(
          "ScaleSimulation: --reuse-shared needs --reuse-window (--help lists the options)");
      return 2;
    }
    if (sweep) {
      Sweep.print(s, out);
      return 0;
    }
    Result result = ScaleModel.run(s);
    out.print(Report.markdown(result));
    if (csv) {
      out.println();
      out.println(Report.CSV_HEADER);
      out.println(Report.csv(result));
    }
    return 0;
  }

  private static final List<String> OPTIONS =
      List.of(
          "--profile",
          "--tokens-per-second",
          "--decisions-per-second",
          "--token-lifetime",
          "--clients",
          "--no-reuse-share",
          "--shards",
          "--authorizer-cache-ttl",
          "--reuse-window",
          "--alg",
          "--account-concurrency",
          "--apigw-rps",
          "--ddb-partitions",
          "--ddb-table-max",
          "--revocation-reads",
          "--seconds",
          "--seed");

  private static String known(String option) {
    if (!OPTIONS.contains(option)) {
      throw new IllegalArgumentException("unknown option " + option);
    }
    return option;
  }

  private static void set(Scenario s, String option, String value) {
    switch (known(option)) {
      case "--profile" -> s.profile = choice(Scenario.Profile.class, option, value);
      case "--alg" -> s.alg = choice(Scenario.Alg.class, option, value);
      case "--tokens-per-second" -> s.tokensPerSecond = number(option, value, 0);
      case "--decisions-per-second" -> s.decisionsPerSecond = number(option, value, 0);
      case "--token-lifetime" -> s.tokenLifetime = number(option, value, 1);
      case "--clients" -> s.clients = (long) number(option, value, 1);
      case "--no-reuse-share" -> s.noReuseShare = fraction(option, value);
      case "--shards" -> s.shards = (int) number(option, value, 1);
      case "--authorizer-cache-ttl" -> s.authorizerCacheTtl = number(option, value, 0);
      case "--reuse-window" -> s.reuseWindow = number(option, value, 0);
      case "--account-concurrency" -> s.accountConcurrency = (int) number(option, value, 1);
      case "--apigw-rps" -> s.apigwSteady = number(option, value, 1);
      case "--ddb-partitions" -> s.ddbPartitions = (int) number(option, value, 1);
      case "--ddb-table-max" -> s.ddbTableMax = number(option, value, 1);
      case "--revocation-reads" -> s.revocationReads = revocationReads(option, value);
      case "--seconds" -> s.seconds = number(option, value, 1);
      case "--seed" -> s.seed = (long) number(option, value, Long.MIN_VALUE);
      default -> throw new IllegalArgumentException("unknown option " + option);
    }
  }

  private static double number(String option, String value, double min) {
    double v;
    try {
      v = Double.parseDouble(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " takes a number, not '" + value + "'");
    }
    if (!(v >= min) || Double.isInfinite(v)) {
      throw new IllegalArgumentException(option + " must be at least " + (long) min);
    }
    return v;
  }

  private static double fraction(String option, String value) {
    double v = number(option, value, 0);
    if (v > 1) {
      throw new IllegalArgumentException(option + " is a share between 0 and 1");
    }
    return v;
  }

  private static Scenario.RevocationReads revocationReads(String option, String value) {
    List<String> names = new ArrayList<>();
    for (Scenario.RevocationReads mode : Scenario.RevocationReads.values()) {
      names.add(mode.option());
      if (mode.option().equals(value)) {
        return mode;
      }
    }
    throw new IllegalArgumentException(option + " is one of " + String.join(", ", names));
  }

  private static <E extends Enum<E>> E choice(Class<E> type, String option, String value) {
    List<String> names = new ArrayList<>();
    for (E e : type.getEnumConstants()) {
      names.add(e.name().toLowerCase(Locale.ROOT));
      if (e.name().equalsIgnoreCase(value)) {
        return e;
      }
    }
    throw new IllegalArgumentException(option + " is one of " + String.join(", ", names));
  }
}
