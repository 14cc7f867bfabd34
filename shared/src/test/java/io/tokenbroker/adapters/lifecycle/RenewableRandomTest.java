package io.tokenbroker.adapters.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class RenewableRandomTest {

  private final AtomicInteger made = new AtomicInteger();

  /**
   * Generators that all start from one state, as every environment resumed from one snapshot would:
   * SHA1PRNG seeded before first use is deterministic.
   */
  private final Supplier<SecureRandom> snapshotState =
      () -> {
        made.incrementAndGet();
        try {
          SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
          random.setSeed("state in the snapshot".getBytes(StandardCharsets.UTF_8));
          return random;
        } catch (NoSuchAlgorithmException e) {
          throw new AssertionError(e);
        }
      };

  private static byte[] next(SecureRandom random) {
    byte[] bytes = new byte[16];
    random.nextBytes(bytes);
    return bytes;
  }

  @Test
  void twoCopiesOfOneStateRepeatEachOtherUntilRenewed() {
    RenewableRandom first = new RenewableRandom(snapshotState);
    RenewableRandom second = new RenewableRandom(snapshotState);
    assertThat(next(first)).as("the hazard").isEqualTo(next(second));
    assertThat(first.nextLong()).isEqualTo(second.nextLong());

    first.renew();
    second.renew();

    assertThat(next(first)).isNotEqualTo(next(second));
    assertThat(first.nextLong()).isNotEqualTo(second.nextLong());
  }

  @Test
  void renewingBuildsANewGeneratorAndReseedsItFromTheKernel() {
    RenewableRandom random = new RenewableRandom(snapshotState);
    byte[] fromSnapshot = next(new RenewableRandom(snapshotState));
    assertThat(made).hasValue(2);

    random.renew();

    assertThat(made).hasValue(3);
    // the new generator starts from the same state, but the kernel's bytes were mixed in
    assertThat(next(random)).isNotEqualTo(fromSnapshot);
  }

  @Test
  void isADefaultSecureRandomByDefault() {
    RenewableRandom random = new RenewableRandom();
    assertThat(random.getAlgorithm()).startsWith("Renewable(");
    assertThat(next(random)).isNotEqualTo(next(random));
    random.renew();
    assertThat(next(random)).isNotEqualTo(new byte[16]);
  }
}
