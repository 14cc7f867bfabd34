package io.tokenbroker.adapters.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenbroker.config.Env;
import io.tokenbroker.config.LeakReportConfig;
import io.tokenbroker.devsupport.TestSecretScanner;
import io.tokenbroker.errors.ServiceFailure;
import io.tokenbroker.testing.MutableClock;
import io.tokenbroker.testing.RecordingTelemetry;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A reporter's keys fetched from the test secret scanner over real TLS on loopback. */
class RemoteReporterKeysIT {

  private final TestSecretScanner scanner = TestSecretScanner.start();
  private final MutableClock clock = MutableClock.at("2026-11-30T12:00:00Z");

  @AfterEach
  void stop() {
    scanner.close();
  }

  private RemoteReporterKeys keys(Map<String, String> more) {
    Map<String, String> vars = new java.util.HashMap<>(more);
    vars.put("LEAK_REPORTER_KEYS_URL", scanner.keysUrl().toString());
    return RemoteReporterKeys.forLocalDevelopment(
        LeakReportConfig.from(Env.of(vars)),
        clock,
        new RecordingTelemetry(),
        scanner.clientContext());
  }

  @Test
  void fetchesOnceAndRefetchesForAnUnknownIdAtMostOncePerInterval() {
    RemoteReporterKeys keys = keys(Map.of());
    String first = scanner.currentKey().identifier();

    assertThat(keys.key(first)).contains(scanner.currentKey().keys().getPublic());
    assertThat(keys.key(first)).isPresent();
    assertThat(scanner.keyRequests()).isEqualTo(1);

    assertThat(keys.key("made-up-0")).isEmpty(); // the first fetch was this interval's
    assertThat(scanner.keyRequests()).isEqualTo(1);
    clock.advance(Duration.ofSeconds(61));
    assertThat(keys.key("made-up-1")).isEmpty(); // one refetch
    assertThat(keys.key("made-up-2")).isEmpty(); // within the interval: none
    assertThat(scanner.keyRequests()).isEqualTo(2);

    String rotated = scanner.rotate().identifier();
    assertThat(keys.key(rotated)).isEmpty(); // still within the interval
    clock.advance(Duration.ofSeconds(61));
    assertThat(keys.key(rotated)).contains(scanner.currentKey().keys().getPublic());
    assertThat(keys.key(first)).isPresent(); // GitHub lists the old key beside the new one
    assertThat(scanner.keyRequests()).isEqualTo(3);
  }

  @Test
  void aReporterThatCannotBeReachedIsARetryableFailureNotARefusal() {
    RemoteReporterKeys keys = keys(Map.of());
    String id = scanner.currentKey().identifier();
    scanner.close();

    assertThatThrownBy(() -> keys.key(id))
        .isInstanceOfSatisfying(ServiceFailure.class, f -> assertThat(f.retryable()).isTrue());
  }

  @Test
  void theLastGoodSetServesWhileTheReporterIsDown() {
    RemoteReporterKeys keys = keys(Map.of());
    String id = scanner.currentKey().identifier();
    assertThat(keys.key(id)).isPresent();
    scanner.close();
    clock.advance(Duration.ofHours(2)); // past the TTL: a refresh is attempted and fails

    assertThat(keys.key(id)).isPresent();
  }

  @Test
  void configuredKeysAreUsedWithoutAFetch() {
    var pinned = TestSecretScanner.unpublishedKey();
    String pem =
        "-----BEGIN PUBLIC KEY-----\\n"
            + java.util.Base64.getEncoder().encodeToString(pinned.keys().getPublic().getEncoded())
            + "\\n-----END PUBLIC KEY-----\\n";
    RemoteReporterKeys keys =
        keys(
            Map.of(
                "LEAK_REPORTER_KEYS",
                "{\"public_keys\":[{\"key_identifier\":\""
                    + pinned.identifier()
                    + "\",\"key\":\""
                    + pem
                    + "\",\"is_current\":true}]}"));

    assertThat(keys.key(pinned.identifier())).contains(pinned.keys().getPublic());
    assertThat(scanner.keyRequests()).isZero();
  }
}
