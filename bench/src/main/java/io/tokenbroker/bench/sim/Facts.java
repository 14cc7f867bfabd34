package io.tokenbroker.bench.sim;

/**
 * The figures the model borrows, each with its source. "perf:" names a section of
 * docs/performance.md (measured in this repository), "template:" a line of template.yaml, "sdk:"
 * the AWS SDK for Java 2.x the broker uses, "aws:" AWS's published quotas and prices (collected
 * with their pages and dates in docs/scale.md; the row ids K1, L2, A1, D1... are that table's).
 * Figures marked ASSUMED have no measurement or published source and are the model's choice.
 */
public final class Facts {

  private Facts() {}

  // --- AWS quotas (aws:, us-east-1, default quotas) ---

  /**
   * aws K1: KMS "Cryptographic operations (RSA) request rate", 1,000 (shared) per account-region,
   * adjustable (the page's older prose and its 2023 copy say 500; K3).
   */
  public static final double KMS_RSA_SIGN_PER_SECOND = 1000;

  /** aws K2: KMS "Cryptographic operations (ECC and SM2) request rate", 1,000 (shared); was 300. */
  public static final double KMS_ECC_SIGN_PER_SECOND = 1000;

  /** aws L1: Lambda concurrent executions per account-region (default quota, adjustable). */
  public static final int LAMBDA_ACCOUNT_CONCURRENCY = 1000;

  /** aws L2: each function adds up to 1,000 execution environments every 10 s. */
  public static final double LAMBDA_SCALE_PER_SECOND = 100;

  /** aws A1: API Gateway throttle per account-region, all APIs together (adjustable). */
  public static final double APIGW_STEADY_PER_SECOND = 10_000;

  /** aws A1: API Gateway account burst (bucket size; not adjustable by the customer). */
  public static final double APIGW_BURST = 5_000;

  /** aws D1: DynamoDB per-partition read throughput, read units per second. */
  public static final double DDB_PARTITION_RCU = 3_000;

  /** aws D1: DynamoDB per-partition write throughput, write units per second. */
  public static final double DDB_PARTITION_WCU = 1_000;

  /** aws D5: an on-demand table's default maximum, read and write units per second each. */
  public static final double DDB_TABLE_UNITS = 40_000;

  /**
   * aws D6: an on-demand table starts with capacity for 4,000 WCU / 12,000 RCU (4 partitions) and
   * splits as traffic grows; the model takes a partition count per table (ASSUMED default 4, the
   * new-table floor; a table warmed to its peak has more).
   */
  public static final int DDB_PARTITIONS = 4;

  // --- AWS call latencies (ASSUMED: not measurable here; moto's are in the calibration test) ---

  /** ASSUMED (aws K13: AWS publishes no Sign latency): KMS Sign, RSA 2048, median and p99. */
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

  /** aws L9: Lambda gives a full vCPU at 1,769 MB, CPU in proportion below. */
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

  /**
   * The landed tree measured (ColdStart --modes lambda, C1 only, quiet machine, 2026-12-01): the
   * token function's process cold start, median ~738 ms (was 855 ms in perf "Issue 13 and 14, the
   * final tree").
   */
  public static final double TOKEN_COLD_START = 0.738;

  /** The landed tree measured (C1 only, quiet, 2026-12-01): authorizer process, ~615 ms. */
  public static final double AUTHORIZER_COLD_START = 0.615;

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

  // --- prices (aws:, us-east-1, list prices, first tier) ---

  /** aws L5: Lambda arm64 duration, USD per GB-second (template.yaml: arm64). */
  public static final double PRICE_LAMBDA_GB_SECOND = 0.0000133334;

  /** aws L4: Lambda requests, USD per million. */
  public static final double PRICE_LAMBDA_PER_MILLION = 0.20;

  /** aws A2: API Gateway REST API, USD per million requests (first 333 million a month). */
  public static final double PRICE_APIGW_PER_MILLION = 3.50;

  /** aws K10: KMS requests involving RSA 2048 keys (RS256 Sign), USD per 10,000. */
  public static final double PRICE_KMS_RSA2048_PER_10K = 0.03;

  /** aws K11: KMS asymmetric requests except RSA 2048 (ES256 Sign), USD per 10,000. */
  public static final double PRICE_KMS_ASYMMETRIC_PER_10K = 0.15;

  /** aws D2: DynamoDB on-demand, USD per million write request units. */
  public static final double PRICE_DDB_WRU_PER_MILLION = 0.625;

  /** aws D2: DynamoDB on-demand, USD per million read request units. */
  public static final double PRICE_DDB_RRU_PER_MILLION = 0.125;

  /** aws C1: CloudWatch Logs ingestion, Standard, USD per GB (first tier of C2). */
  public static final double PRICE_LOGS_PER_GB = 0.50;

  /**
   * LocalLoadIT log bytes per line, 2026-12-01: a {@code token.issued} line, 728 bytes (one per
   * token request).
   */
  public static final double LOG_BYTES_TOKEN_ISSUED = 728;

  /** LocalLoadIT log bytes per line, 2026-12-01: an {@code authorizer.verified} line, 592 bytes. */
  public static final double LOG_BYTES_DECISION = 592;

  /**
   * LocalLoadIT log bytes per line, 2026-12-01: an {@code aws.call} line, 557 bytes, one per AWS
   * call in Lambda, retries included (shared CallLatencyInterceptor): a private_key_jwt mint makes
   * 4 calls, about 2.9 KB in all; a decision that reads, 592 + 557 bytes.
   */
  public static final double LOG_BYTES_AWS_CALL = 557;
}
