package io.tokenbroker.adapters.wiring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenbroker.adapters.aws.AwsSettings;
import io.tokenbroker.adapters.aws.ClientTimeouts;
import io.tokenbroker.config.Env;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * When and where {@link BrokerAdapters} builds its KMS client: in line by default, or on a second
 * thread for a verifier's init ({@link BrokerAdapters#buildKmsClientAlongside}), which every KMS
 * adapter then waits for, which has ended once {@link BrokerAdapters#awaitKmsClient} returns, and
 * whose failure that call throws. Building clients calls nothing, so no AWS endpoint is needed.
 */
class BrokerAdaptersKmsBuildTest {

  private static final AwsSettings AWS =
      AwsSettings.from(
          Env.of(
              Map.of(
                  "AWS_REGION", "us-east-1",
                  "AWS_ENDPOINT_URL", "http://127.0.0.1:1",
                  "AWS_ACCESS_KEY_ID", "test",
                  "AWS_SECRET_ACCESS_KEY", "test")),
          ClientTimeouts.requestPath());

  /** A KMS client that only says what it is: nothing here calls KMS. */
  private static final class StubKms implements KmsClient {
    @Override
    public String serviceName() {
      return "kms";
    }

    @Override
    public void close() {}
  }

  /** The thread each build ran on. */
  private final List<Thread> builtOn = new CopyOnWriteArrayList<>();

  private final StubKms client = new StubKms();

  private KmsClient build(AwsSettings settings) {
    builtOn.add(Thread.currentThread());
    return client;
  }

  @Test
  void inLineByDefault_thePublishedKeyCheckBuildsTheClientOnTheCallersThread() {
    BrokerAdapters adapters = new BrokerAdapters(AWS, this::build);

    adapters.publishedKeyCheck();

    assertThat(builtOn).containsExactly(Thread.currentThread());
    adapters.awaitKmsClient(); // nothing pending: no second build
    assertThat(builtOn).hasSize(1);
  }

  @Test
  void alongside_builtOnceOnItsOwnThreadWhichHasEndedWhenAwaitReturns() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    BrokerAdapters adapters =
        new BrokerAdapters(
            AWS,
            settings -> {
              try {
                release.await(10, TimeUnit.SECONDS); // the caller goes on meanwhile
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return build(settings);
            });

    adapters.buildKmsClientAlongside();
    adapters.buildKmsClientAlongside(); // a second call starts no second build
    // Asking for the check does not wait for the client: it is taken at the first check.
    adapters.publishedKeyCheck();
    assertThat(builtOn).isEmpty();
    release.countDown();
    adapters.awaitKmsClient();

    assertThat(builtOn).hasSize(1);
    Thread builder = builtOn.getFirst();
    assertThat(builder).isNotSameAs(Thread.currentThread());
    assertThat(builder.getName()).isEqualTo("kms-client-build");
    assertThat(builder.isAlive()).isFalse();
    // Every KMS adapter now uses that one client; nothing is built again.
    adapters.keyManager("bench");
    adapters.keySigner();
    assertThat(builtOn).hasSize(1);
  }

  @Test
  void alongside_whatElseItLoadsRunsOnThatThreadAfterTheBuild_beforeAwaitReturns() {
    List<String> steps = new CopyOnWriteArrayList<>();
    BrokerAdapters adapters =
        new BrokerAdapters(
            AWS,
            settings -> {
              steps.add("build on " + Thread.currentThread().getName());
              return client;
            });

    adapters.buildKmsClientAlongside(
        () -> steps.add("load on " + Thread.currentThread().getName()));
    adapters.awaitKmsClient();

    assertThat(steps).containsExactly("build on kms-client-build", "load on kms-client-build");
  }

  @Test
  void alongside_aBuildThatFailsIsThrownByAwait_asIfBuiltInLine() {
    IllegalStateException failure = new IllegalStateException("cannot build");
    BrokerAdapters adapters =
        new BrokerAdapters(
            AWS,
            settings -> {
              builtOn.add(Thread.currentThread());
              throw failure;
            });

    adapters.buildKmsClientAlongside();

    assertThatThrownBy(adapters::awaitKmsClient).isSameAs(failure);
    assertThat(builtOn).hasSize(1);
    assertThat(builtOn.getFirst().isAlive()).isFalse();
  }
}
