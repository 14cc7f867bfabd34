package io.tokenbroker.verifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenbroker.local.LocalBroker;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * A service that depends on this library gets no AWS SDK, and needs none: the library, loaded with
 * exactly its runtime classpath (target/runtime.classpath, written by the build) and the JDK, in a
 * class loader that sees nothing of this test's classpath, verifies a token from the real broker
 * through its JWKS, and never even asks for an AWS SDK (or SnapStart, or Lambda) class.
 */
class NoAwsSdkIT {

  private static final String SDK_CLASS = "software.amazon.awssdk.core.SdkBytes";

  /** Remembers every class name it is asked for. */
  private static final class RecordingLoader extends URLClassLoader {
    final Set<String> requested = ConcurrentHashMap.newKeySet();

    RecordingLoader(URL[] urls) {
      super("verifier-runtime", urls, ClassLoader.getPlatformClassLoader());
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      requested.add(name);
      return super.loadClass(name, resolve);
    }
  }

  @Test
  void verifiesABrokerTokenWithNoAwsSdkClassOnItsClasspath() throws Exception {
    LocalBroker broker = Brokers.shared();
    String token = Brokers.token(broker, "demo:read");
    // This test's own classpath has the SDK (the local server needs it): the check has teeth.
    assertThat(Class.forName(SDK_CLASS, false, getClass().getClassLoader())).isNotNull();

    try (RecordingLoader library = new RecordingLoader(runtimeClasspath())) {
      Class<?> probe = library.loadClass(NoAwsSdkProbe.class.getName());
      assertThat(probe.getClassLoader()).isSameAs(library);
      @SuppressWarnings("unchecked")
      Function<String[], String> verify =
          (Function<String[], String>) probe.getDeclaredConstructor().newInstance();

      String decision =
          verify.apply(
              new String[] {
                broker.issuer().toString(), Brokers.audience(broker), "Bearer " + token
              });

      assertThat(decision).isEqualTo("allowed local-workload");
      assertThat(library.loadClass(TokenVerifier.class.getName()).getClassLoader())
          .isSameAs(library);
      assertThat(library.requested)
          .contains("io.tokenbroker.verify.AccessTokenVerifier")
          .noneMatch(
              name ->
                  name.startsWith("software.amazon.")
                      || name.startsWith("com.amazonaws.")
                      || name.startsWith("org.crac."));
      assertThatThrownBy(() -> Class.forName(SDK_CLASS, false, library))
          .isInstanceOf(ClassNotFoundException.class);
    }
  }

  /**
   * This module's classes, its runtime dependencies as Maven resolved them, and the probe (from the
   * test classes, which it alone of them is loaded from).
   */
  private static URL[] runtimeClasspath() throws Exception {
    Path target =
        Path.of(NoAwsSdkProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI())
            .getParent();
    List<URL> urls = new ArrayList<>();
    urls.add(target.resolve("classes").toUri().toURL());
    String classpath = Files.readString(target.resolve("runtime.classpath")).strip();
    for (String entry : classpath.split(java.io.File.pathSeparator)) {
      assertThat(entry).doesNotContain("awssdk");
      urls.add(Path.of(entry).toUri().toURL());
    }
    urls.add(target.resolve("test-classes").toUri().toURL());
    return urls.toArray(URL[]::new);
  }
}
