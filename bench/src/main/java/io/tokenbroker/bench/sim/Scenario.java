package io.tokenbroker.bench.sim;

/**
 * One simulation's parameters, defaults from {@link Facts}. Mutable on purpose: the CLI and the
 * sweep set fields one by one and {@link #copy()} a base.
 */
public final class Scenario implements Cloneable {

  /** The workload's shape over the run. */
  public enum Profile {
    /** Constant rates. */
    STEADY,
    /**
     * Rates follow a sinusoid compressed into the run: half the mean at the trough, 1.5x at peak.
     */
    DIURNAL,
    /** At t=0 no client has a token and every container is cold; clients arrive over herdSpread. */
    HERD,
    /** At revokeAt, revokeFraction of the live tokens are revoked; their clients re-mint. */
    REVOCATION
  }

  /** How the authorizer learns of revocations. */
  public enum RevocationReads {
    /**
     * The authorizer today (revcache): a revocation-cache miss reads the token's own item (1 RRU,
     * spread by jti); the client's watermark and each key's record are cached per container apart
     * from tokens and re-read at most once per cache period.
     */
    SHARED_CACHED,
    /**
     * Before revcache: each miss is one BatchGetItem of the token's, its client's and its key's
     * items (3 RRU); every miss reads the key's row, one item on one partition.
     */
    PER_TOKEN_ALL_ITEMS,
    /** A revocation feed: each container polls it once a second; no per-token reads. */
    FEED;

    /** The command line's spelling: lower case, dashes. */
    public String option() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
  }

  /** The signing key's algorithm: KMS's RSA and ECC quotas differ. */
  public enum Alg {
    RS256,
    ES256
  }

  public Profile profile = Profile.STEADY;
  public double seconds = 60;
  public long seed = 1;

  // workload
  public double tokensPerSecond = 10_000;
  public double decisionsPerSecond = 1_000_000;

  /** Token lifetime, seconds (the broker's default access-token lifetime is 15 minutes). */
  public double tokenLifetime = 900;

  /** Well-behaved clients re-mint at this fraction of the lifetime (ASSUMED 0.8). */
  public double remintAt = 0.8;

  /** Share of mints from clients that mint on every invocation ("no reuse"; ASSUMED 0.5). */
  public double noReuseShare = 0.5;

  /** How often one no-reuse client mints, per second (ASSUMED 1). */
  public double noReuseMintsPerSecond = 1;

  /** Grant mix (ASSUMED): private_key_jwt, iam, refresh_token; the rest of 1 is refresh. */
  public double jwtShare = 0.6;

  public double iamShare = 0.3;

  /** Live tokens (callers of the API); 0 = derived from the mint rate and the lifetime. */
  public long clients = 0;

  /** Cap on the herd's clients (each is a pending event). */
  public long herdClientCap = 1_000_000;

  /** HERD: clients' first requests spread uniformly over this many seconds. */
  public double herdSpread = 10;

  public double revokeAt = 20;
  public double revokeFraction = 0.10;

  // broker settings
  public Alg alg = Alg.RS256;
  public int shards = 1;
  public double authorizerCacheTtl = Facts.AUTHORIZER_CACHE_TTL;
  public double reuseWindow = 0;

  /** The reuse cache shared by all environments (a DynamoDB item per request) instead of each. */
  public boolean reuseShared = false;

  public RevocationReads revocationReads = RevocationReads.SHARED_CACHED;
  public double revocationCacheSeconds = Facts.REVOCATION_CACHE_SECONDS;
  public double keyCacheSeconds = Facts.KEY_CACHE_SECONDS;

  // AWS limits
  public int accountConcurrency = Facts.LAMBDA_ACCOUNT_CONCURRENCY;
  public double lambdaScalePerSecond = Facts.LAMBDA_SCALE_PER_SECOND;
  public double apigwSteady = Facts.APIGW_STEADY_PER_SECOND;
  public double apigwBurst = Facts.APIGW_BURST;

  /** Each table's on-demand maximum, read and write units per second each. */
  public double ddbTableMax = Facts.DDB_TABLE_UNITS;

  /** Sign requests per second per shard; 0 = the default quota for {@link #alg}. */
  public double kmsSignPerSecond = 0;

  /**
   * Partitions per table; 0 = as an on-demand table warmed to this load (see {@link #partitions}).
   */
  public int ddbPartitions = 0;

  /** Decisions are simulated in batches per cohort of tokens per slice this long (seconds). */
  public double decisionSlice = 1.0;

  /** At most this many cohorts of tokens. */
  public int maxCohorts = 2000;

  public boolean revocationFeed() {
    return revocationReads == RevocationReads.FEED;
  }

  public double kmsQuota() {
    if (kmsSignPerSecond > 0) {
      return kmsSignPerSecond;
    }
    return alg == Alg.RS256 ? Facts.KMS_RSA_SIGN_PER_SECOND : Facts.KMS_ECC_SIGN_PER_SECOND;
  }

  /** Clients that re-mint at {@link #remintAt} of the lifetime. */
  public long remintClients() {
    return Math.max(1, Math.round(tokensPerSecond * (1 - noReuseShare) * remintAt * tokenLifetime));
  }

  public long noReuseClients() {
    return Math.round(tokensPerSecond * noReuseShare / noReuseMintsPerSecond);
  }

  /** Live tokens calling the API: one per client. */
  public long liveTokens() {
    return clients > 0 ? clients : remintClients() + noReuseClients();
  }

  /**
   * An on-demand table serves up to double its previous peak at once (aws: DynamoDB on-demand
   * capacity mode): a table that has seen this load has partitions for twice its uniform write rate
   * (two writes per token); never fewer than {@link Facts#DDB_PARTITIONS}. Hot keys stay on one
   * partition whatever the count.
   */
  public int partitions() {
    if (ddbPartitions > 0) {
      return ddbPartitions;
    }
    double writesPerSecond = 2 * tokensPerSecond;
    return Math.max(
        Facts.DDB_PARTITIONS, (int) Math.ceil(2 * writesPerSecond / Facts.DDB_PARTITION_WCU));
  }

  public Scenario copy() {
    try {
      return (Scenario) clone();
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException(e);
    }
  }
}
