package io.tokenbroker.devsupport;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that gives a test class a real AWS wire-protocol endpoint as a {@link LocalAws}
 * parameter.
 *
 * <p>By default one {@code moto_server} is started per test JVM on a free loopback port, reset
 * before each test class, and stopped when the JVM's tests are done. If {@code AWS_ENDPOINT_URL} is
 * set (LocalStack, another moto, a real account) that endpoint is used instead and nothing is
 * started; isolation then comes from the per-class resource prefix.
 */
public final class MotoExtension implements BeforeAllCallback, ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(MotoExtension.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    Optional<URI> external = externalEndpoint();
    URI endpoint;
    if (external.isPresent()) {
      endpoint = external.get();
    } else {
      MotoServer moto =
          context
              .getRoot()
              .getStore(NAMESPACE)
              .getOrComputeIfAbsent("moto-server", key -> MotoServer.start(), MotoServer.class);
      moto.reset();
      endpoint = moto.endpoint();
    }
    String prefix =
        "tb-test-" + UUID.randomUUID().toString().substring(0, 8).toLowerCase(Locale.ROOT) + "-";
    LocalAws aws =
        new LocalAws(
            endpoint,
            env("AWS_REGION").orElse("us-east-1"),
            external.flatMap(e -> env("AWS_ACCESS_KEY_ID")).orElse("test"),
            external.flatMap(e -> env("AWS_SECRET_ACCESS_KEY")).orElse("test"),
            prefix);
    context.getStore(NAMESPACE).put(LocalAws.class, aws);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == LocalAws.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return context.getStore(NAMESPACE).get(LocalAws.class, LocalAws.class);
  }

  private static Optional<URI> externalEndpoint() {
    return env("AWS_ENDPOINT_URL").map(URI::create);
  }

  private static Optional<String> env(String name) {
    return Optional.ofNullable(System.getenv(name)).filter(v -> !v.isBlank());
  }
}
