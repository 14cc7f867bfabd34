package io.tokenbroker.adapters.lifecycle;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.SecureRandomSpi;
import java.util.function.Supplier;

/**
 * A {@link SecureRandom} whose generator can be replaced, for processes that may be restored from a
 * snapshot (Lambda SnapStart): every restored copy of a generator would otherwise continue from the
 * same state. {@link #renew()} builds a new generator and reseeds it with bytes read from the
 * kernel at that moment ({@code /dev/urandom}, which Lambda reseeds on restore), so its output
 * depends on entropy the snapshot never saw, whatever the JDK's default algorithm (whether a given
 * generator mixes fresh kernel entropy into every output is an implementation detail we do not rely
 * on).
 *
 * <p>Lambda's documentation lists {@code java.security.SecureRandom} among the generators that stay
 * unique under SnapStart; renewing is defence in depth that costs one small read per restore.
 */
public final class RenewableRandom extends SecureRandom {

  private static final Path KERNEL_ENTROPY = Path.of("/dev/urandom");
  private static final int RESEED_BYTES = 32;

  private final transient Delegate delegate;

  /** Generators made by {@code new SecureRandom()}. */
  public RenewableRandom() {
    this(SecureRandom::new);
  }

  /** Generators made by {@code generators} (tests pass deterministic ones). */
  public RenewableRandom(Supplier<SecureRandom> generators) {
    this(new Delegate(generators));
  }

  private RenewableRandom(Delegate delegate) {
    super(delegate, null);
    this.delegate = delegate;
  }

  /** Replaces the generator with a new one, reseeded from the kernel's entropy now. */
  public void renew() {
    SecureRandom fresh = delegate.generators.get();
    byte[] entropy = kernelEntropy();
    if (entropy.length > 0) {
      fresh.setSeed(entropy); // adds to the generator's seed; never replaces it
    }
    delegate.current = fresh;
  }

  @Override
  public String getAlgorithm() {
    return "Renewable(" + delegate.current.getAlgorithm() + ")";
  }

  @Override
  public String toString() {
    return getAlgorithm();
  }

  private static byte[] kernelEntropy() {
    if (!Files.isReadable(KERNEL_ENTROPY)) {
      return new byte[0]; // not Linux: the new generator's own seeding has to do
    }
    try (InputStream in = new FileInputStream(KERNEL_ENTROPY.toFile())) {
      return in.readNBytes(RESEED_BYTES);
    } catch (IOException e) {
      return new byte[0];
    }
  }

  /** The JCA way to put another generator behind a SecureRandom. */
  private static final class Delegate extends SecureRandomSpi {

    private final transient Supplier<SecureRandom> generators;
    private transient volatile SecureRandom current;

    Delegate(Supplier<SecureRandom> generators) {
      this.generators = generators;
      this.current = generators.get();
    }

    @Override
    protected void engineSetSeed(byte[] seed) {
      current.setSeed(seed);
    }

    @Override
    protected void engineNextBytes(byte[] bytes) {
      current.nextBytes(bytes);
    }

    @Override
    protected byte[] engineGenerateSeed(int numBytes) {
      return current.generateSeed(numBytes);
    }
  }
}
