package io.tokenbroker.adapters.federation;

import io.tokenbroker.adapters.federation.GuardedHttps.FetchFailed;
import io.tokenbroker.config.LeakReportConfig;
import io.tokenbroker.errors.ServiceFailure;
import io.tokenbroker.leaks.ReporterKeyDocument;
import io.tokenbroker.leaks.ReporterKeys;
import io.tokenbroker.telemetry.Telemetry;
import io.tokenbroker.telemetry.TelemetryEvent;
import java.net.URI;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLContext;

/**
 * A leak reporter's keys: those the configuration gives, then those its key URL publishes, fetched
 * over {@link GuardedHttps} (SSRF-guarded, size and time capped) and cached for the TTL. An unknown
 * key id, an expired set and a retry after a failure all share one budget: at most one fetch per
 * minimum interval, so a stream of reports with made-up key ids is no stream of fetches. While a
 * refresh fails the last good set keeps serving (the reporter's keys change rarely and are listed
 * long before use); with no set at all, or a key id the stale set lacks, the report gets a
 * retryable {@link ServiceFailure} (503: GitHub retries) rather than a refusal it would not repeat.
 */
public final class RemoteReporterKeys implements ReporterKeys {

  static final String DEPENDENCY = "reporter-keys";
  private static final GuardedHttps.Limits LIMITS =
      new GuardedHttps.Limits(Duration.ofSeconds(1), Duration.ofSeconds(2), 64 * 1024);
  private static final Duration FETCH_DEADLINE = Duration.ofSeconds(4);

  private final Optional<GuardedHttps> https;
  private final LeakReportConfig config;
  private final Clock clock;
  private final Telemetry telemetry;
  private final ReentrantLock lock = new ReentrantLock();
  private volatile Map<String, PublicKey> fetched;
  private volatile Instant fetchedAt;
  private Instant lastAttempt;
  private FetchFailed lastFailure;

  RemoteReporterKeys(
      Optional<GuardedHttps> https, LeakReportConfig config, Clock clock, Telemetry telemetry) {
    this.https = https;
    this.config = config;
    this.clock = clock;
    this.telemetry = telemetry;
  }

  /** For the revocation function: public addresses only, the JDK's CAs. */
  public static RemoteReporterKeys from(LeakReportConfig config, Clock clock, Telemetry telemetry) {
    try {
      return new RemoteReporterKeys(
          Optional.of(
              new GuardedHttps(
                  LIMITS, SSLContext.getDefault(), false, GuardedHttps.Resolver.system())),
          config,
          clock,
          telemetry);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("no default TLS context", e);
    }
  }

  /**
   * For the local server only: a reporter on this machine (the test secret scanner on 127.0.0.1),
   * its certificate checked against {@code trust}.
   */
  public static RemoteReporterKeys forLocalDevelopment(
      LeakReportConfig config, Clock clock, Telemetry telemetry, SSLContext trust) {
    return new RemoteReporterKeys(
        Optional.of(new GuardedHttps(LIMITS, trust, true, GuardedHttps.Resolver.system())),
        config,
        clock,
        telemetry);
  }

  @Override
  public Optional<PublicKey> key(String keyIdentifier) {
    PublicKey configured = config.configuredKeys().get(keyIdentifier);
    if (configured != null) {
      return Optional.of(configured);
    }
    if (config.keysUrl().isEmpty()) {
      return Optional.empty();
    }
    Map<String, PublicKey> set = fetched;
    if (set != null && fresh(clock.instant()) && set.containsKey(keyIdentifier)) {
      return Optional.of(set.get(keyIdentifier));
    }
    lock.lock();
    try {
      Instant now = clock.instant();
      set = fetched;
      if (set != null && fresh(now) && set.containsKey(keyIdentifier)) {
        return Optional.of(set.get(keyIdentifier));
      }
      if (lastAttempt == null || !now.isBefore(lastAttempt.plus(config.minRefreshInterval()))) {
        lastAttempt = now;
        try {
          set = fetch(config.keysUrl().get());
          fetched = set;
          fetchedAt = now;
          lastFailure = null;
        } catch (FetchFailed failure) {
          lastFailure = failure;
          telemetry.emit(
              TelemetryEvent.warn("reporter_keys.refresh_failed")
                  .with("url", GuardedHttps.loggable(config.keysUrl().get()))
                  .with("detail", failure.getMessage())
                  .with("retryable", failure.retryable())
                  .count("ReporterKeyRefreshFailures"));
        }
      }
      if (set != null && set.containsKey(keyIdentifier)) {
        return Optional.of(set.get(keyIdentifier));
      }
      if (set != null && lastFailure == null) {
        return Optional.empty(); // the reporter's current document does not list it
      }
      throw new ServiceFailure(
          DEPENDENCY,
          "reporter keys unavailable: "
              + (lastFailure == null ? "not fetched yet" : lastFailure.getMessage()),
          true,
          null);
    } finally {
      lock.unlock();
    }
  }

  private boolean fresh(Instant now) {
    return fetchedAt != null && now.isBefore(fetchedAt.plus(config.cacheTtl()));
  }

  private Map<String, PublicKey> fetch(URI url) throws FetchFailed {
    String where = GuardedHttps.loggable(url);
    String body = https.orElseThrow().get(url, System.nanoTime() + FETCH_DEADLINE.toNanos());
    try {
      Map<String, PublicKey> keys = ReporterKeyDocument.parse(body);
      telemetry.emit(
          TelemetryEvent.info("reporter_keys.refreshed")
              .with("url", where)
              .with("keys", keys.size()));
      return keys;
    } catch (ParseException e) {
      throw new FetchFailed(where + ": not a public_keys document", true, null);
    }
  }
}
