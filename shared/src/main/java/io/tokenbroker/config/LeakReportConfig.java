package io.tokenbroker.config;

import io.tokenbroker.errors.ConfigException;
import io.tokenbroker.leaks.ReporterKeyDocument;
import java.net.URI;
import java.security.PublicKey;
import java.text.ParseException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Whose leak reports the revocation function's public route {@code POST /leaks/github} accepts:
 * GitHub secret scanning's keys, from a URL and/or given here. Neither set: every report there is
 * refused (unknown key). Read once at init.
 *
 * @param keysUrl LEAK_REPORTER_KEYS_URL: where the reporter publishes its keys (GitHub: {@code
 *     https://api.github.com/meta/public_keys/secret_scanning}); https (http only to loopback)
 * @param configuredKeys LEAK_REPORTER_KEYS: keys in the same JSON form ({@code {"public_keys":
 *     [{"key_identifier", "key"}]}}), for a deployment that pins them; checked at init
 * @param cacheTtl LEAK_REPORTER_KEYS_CACHE_SECONDS: a fetched key set is used this long, in [60,
 *     86400] (default 3600)
 * @param minRefreshInterval LEAK_REPORTER_KEYS_MIN_REFRESH_SECONDS: at most one fetch in this time,
 *     whatever asks (an unknown key id, an expired set, a retry after a failure), in [5, 3600]
 *     (default 60)
 */
public record LeakReportConfig(
    Optional<URI> keysUrl,
    Map<String, PublicKey> configuredKeys,
    Duration cacheTtl,
    Duration minRefreshInterval) {

  public LeakReportConfig {
    configuredKeys = Map.copyOf(configuredKeys);
  }

  public static LeakReportConfig from(Env env) {
    Map<String, PublicKey> configured =
        env.optional("LEAK_REPORTER_KEYS")
            .filter(text -> !text.isBlank())
            .map(LeakReportConfig::keys)
            .orElse(Map.of());
    return new LeakReportConfig(
        env.secureUrl("LEAK_REPORTER_KEYS_URL"),
        configured,
        env.seconds(
            "LEAK_REPORTER_KEYS_CACHE_SECONDS",
            Duration.ofHours(1),
            Duration.ofMinutes(1),
            Duration.ofDays(1)),
        env.seconds(
            "LEAK_REPORTER_KEYS_MIN_REFRESH_SECONDS",
            Duration.ofMinutes(1),
            Duration.ofSeconds(5),
            Duration.ofHours(1)));
  }

  private static Map<String, PublicKey> keys(String json) {
    try {
      Map<String, PublicKey> keys = ReporterKeyDocument.parse(json);
      if (keys.isEmpty()) {
        throw new ConfigException("environment variable LEAK_REPORTER_KEYS holds no P-256 key");
      }
      return keys;
    } catch (ParseException e) {
      throw new ConfigException(
          "environment variable LEAK_REPORTER_KEYS: not a {\"public_keys\": [...]} document");
    }
  }
}
