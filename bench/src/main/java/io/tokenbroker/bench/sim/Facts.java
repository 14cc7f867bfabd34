package io.tokenbroker.bench.sim;

/**
 * The figures the model borrows, each with its source. "perf:" names a section of
 * docs/performance.md (measured in this repository), "template:" a line of template.yaml,
 * "sdk:" the AWS SDK for Java 2.x the broker uses, "aws:" AWS's published quotas and prices
 * (collected with their pages and dates in docs/scale.md). Figures marked ASSUMED have no
 * measurement or published source and are the model's choice.
 */
public final class Facts {

  private Facts() {}

  // --- AWS quotas (aws:, us-east-1, default quotas) ---

  /** aws: KMS "Cryptographic operations (RSA) request rate", Sign on RSA keys, per account-region. */
  public static final double KMS_RSA_SIGN_PER_SECOND = 500;

  /** aws: KMS "Cryptographic operations (ECC) request rate", Sign on ECC keys, per account-region. */
  public static final double KMS_ECC_SIGN_PER_SECOND = 300;

  /** aws: Lambda concurrent executions per account-region (default quota). */
  public static final int LAMBDA_ACCOUNT_CONCURRENCY = 1000;

  /** aws: Lambda scaling rate: each function adds up to 1,000 execution environments per 10 s. */
  public static final double LAMBDA_SCALE_PER_SECOND = 100;

  /** aws: API Gateway throttle quota per account-region, requests per second (steady). */
  public static final double APIGW_STEADY_PER_SECOND = 10_000;

  /** aws: API Gateway account burst (bucket size). */
  public static final double APIGW_BURST = 5_000;

  /** aws: DynamoDB per-partition read throughput, RCU per second. */
  public static final double DDB_PARTITION_RCU = 3_000;

  /** aws: DynamoDB per-partition write throughput, WCU per second. */
  public static final double DDB_PARTITION_WCU = 1_000;

  /**
   * aws: an on-demand table starts with capacity for 4,000 WCU / 12,000 RCU (4 partitions) and
   * splits as traffic grows; the model takes a partition count per table (ASSUMED default 4, the
   * new-table floor; a table warmed to its peak has more).
   */
  public static final int DDB_PARTITIONS = 4;

  // --- AWS call latencies (ASSUMED: not measurable here; moto's are in the calibration test) ---

  /** ASSUMED: KMS Sign, RSA 2048, in-region median and p99, seconds. */
  public static final double KMS_SIGN_RSA_MEDIAN = 0.012;

  public static final double KMS_SIGN_RSA_P99 = 0.040;

  /** ASSUMED: KMS Sign, ECC P-256. */
  public static final double KMS_SIGN_ECC_MEDIAN = 0.008;

  public static final double KMS_SIGN_ECC_P99 = 0.030;

  /** ASSUMED: a DynamoDB single-item read or write, in-region. */
  public static final double DDB_MEDIAN = 0.005;

  public static final double DDB_P99 = 0.020;

  /** ASSUMED: API Gateway's own latency added to each request. */
  public static final double APIGW_OVERHEAD = 0.010;

  // --- this repository (perf:, template:) ---

  /** template: TokenFunction MemorySize 512. */
  public static final int TOKEN_MEMORY_MB = 512;

  /** template: AuthorizerFunction MemorySize 1024. */
  public static final int AUTHORIZER_MEMORY_MB = 1024;

  /** aws: Lambda gives a full vCPU at 1,769 MB, CPU in proportion below (perf: Memory size). */
  public static final double FULL_VCPU_MB = 1769;

  /**
   * perf: "The token function's local work": the whole handler 0.2-0.6 ms of CPU per token beside
   * the signature (C2); the upper figure, at one full vCPU.
   */
  public static final double TOKEN_CPU_SECONDS = 0.0006;

  /** perf: "The authorizer's JIT": CPU per RS256 decision, full tiered, 45-57 us (midpoint). */
  public static final double DECISION_CPU_RS256_SECONDS = 0.000051;

  /**
   * perf: "The authorizer's JIT", busy machine: ES256 decisions 1,418/s of CPU against RS256
   * 8,345/s (5.9x the RS256 cost).
   */
  public static final double DECISION_CPU_ES256_SECONDS = DECISION_CPU_RS256_SECONDS * 8345 / 1418;

  /** perf: "Issue 13 and 14, the final tree": token /token cold start, C1 only, median 855 ms. */
  public static final double TOKEN_COLD_START = 0.855;

  /** perf: same table: authorizer cold start 763 ms. */
  public static final double AUTHORIZER_COLD_START = 0.763;

  /** template: RevocationCacheSeconds default 5. */
  public static final double REVOCATION_CACHE_SECONDS = 5;

  /** template: KeyTableCacheSeconds default 30 (the authorizer's KEY_CACHE_SECONDS). */
  public static final double KEY_CACHE_SECONDS = 30;

  /** template: AuthorizerCacheTtlSeconds default 0. */
  public static final double AUTHORIZER_CACHE_TTL = 0;

  /** authorizer AuthorizerConfig: DEPENDENCY_TIMEOUT_MILLIS default 1500 (fails closed after). */
  public static final double AUTHORIZER_DEPENDENCY_TIMEOUT = 1.5;

  // --- the SDK's retries (shared adapters/aws: ClientTimeouts.requestPath, AwsClients) ---

  /** shared ClientTimeouts.requestPath(): 3 attempts, 1.5 s each, 4 s per call. */
  public static final int SDK_MAX_ATTEMPTS = 3;

  public static final double SDK_API_CALL_TIMEOUT = 4.0;

  /**
   * sdk: DefaultRetryStrategy.standardStrategyBuilder() (retries 2.57.8): full-jitter exponential
   * backoff, 100 ms base (1 s for throttling errors), 20 s cap.
   */
  public static final double SDK_BASE_DELAY = 0.100;

  public static final double SDK_THROTTLED_BASE_DELAY = 1.0;

  public static final double SDK_MAX_BACKOFF = 20.0;

  // --- prices (aws:, us-east-1; PLACEHOLDER until the facts file's figures are in) ---

  /** aws: Lambda arm64 duration, USD per GB-second. */
  public static final double PRICE_LAMBDA_GB_SECOND = 0.0000133334;

  /** aws: Lambda requests, USD per million. */
  public static final double PRICE_LAMBDA_PER_MILLION = 0.20;

  /** aws: API Gateway REST API, USD per million requests (first 333 million a month). */
  public static final double PRICE_APIGW_PER_MILLION = 3.50;

  /** aws: KMS asymmetric requests, USD per 10,000 (Sign). */
  public static final double PRICE_KMS_SIGN_PER_10K = 0.15;

  /** aws: DynamoDB on-demand, USD per million write request units. */
  public static final double PRICE_DDB_WRU_PER_MILLION = 0.625;

  /** aws: DynamoDB on-demand, USD per million read request units. */
  public static final double PRICE_DDB_RRU_PER_MILLION = 0.125;

  /** aws: CloudWatch Logs ingestion, USD per GB. */
  public static final double PRICE_LOGS_PER_GB = 0.50;

  /** ASSUMED: one JSON log line per request of about 400 bytes (the handlers' telemetry line). */
  public static final double LOG_BYTES_PER_REQUEST = 400;
}
