package io.tokenbroker.adapters.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.tokenbroker.adapters.aws.AwsSettings;
import io.tokenbroker.adapters.aws.ClientTimeouts;
import io.tokenbroker.adapters.aws.RenewableCredentials;
import io.tokenbroker.config.Env;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.utils.SdkAutoCloseable;

class RenewableCredentialsTest {

  @Test
  void renewingReplacesTheProviderAndClosesTheOldOne() {
    List<Boolean> closed = new ArrayList<>();
    AtomicInteger made = new AtomicInteger();
    RenewableCredentials credentials =
        new RenewableCredentials(
            () -> {
              int n = made.incrementAndGet();
              int index = closed.size();
              closed.add(false);
              return new ClosingProvider(
                  AwsBasicCredentials.create("KEY" + n, "secret"), () -> closed.set(index, true));
            });
    assertThat(credentials.resolveCredentials().accessKeyId()).isEqualTo("KEY1");

    credentials.renew();

    assertThat(credentials.resolveCredentials().accessKeyId()).isEqualTo("KEY2");
    assertThat(closed).containsExactly(true, false);
  }

  /**
   * What SnapStart functions use: Lambda's container credentials endpoint (here a local server in
   * its place). The provider caches until shortly before expiry; after a renewal, the next call
   * fetches again.
   */
  @Test
  void refetchesContainerCredentialsAfterRenewal() throws Exception {
    AtomicInteger fetches = new AtomicInteger();
    List<String> authorizations = new ArrayList<>();
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/credentials",
        exchange -> {
          authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
          byte[] body =
              ("{\"AccessKeyId\":\"ASIA"
                      + fetches.incrementAndGet()
                      + "\","
                      + "\"SecretAccessKey\":\"secret\",\"Token\":\"session\","
                      + "\"Expiration\":\"2100-01-01T00:00:00Z\"}")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    String uri = "http://127.0.0.1:" + server.getAddress().getPort() + "/credentials";
    // The SDK's provider reads these settings itself: system properties first, then environment.
    System.setProperty("aws.containerCredentialsFullUri", uri);
    System.setProperty("aws.containerAuthorizationToken", "lambda-token");
    try {
      AwsSettings settings =
          AwsSettings.from(
              Env.of(Map.of("AWS_REGION", "us-east-1", "AWS_CONTAINER_CREDENTIALS_FULL_URI", uri)),
              ClientTimeouts.requestPath());
      AwsCredentialsProvider provider = settings.credentials();

      assertThat(provider.resolveCredentials().accessKeyId()).isEqualTo("ASIA1");
      assertThat(provider.resolveCredentials().accessKeyId()).as("cached").isEqualTo("ASIA1");
      assertThat(fetches).hasValue(1);

      settings.renewCredentials();

      assertThat(provider.resolveCredentials())
          .isInstanceOf(AwsSessionCredentials.class)
          .extracting(c -> c.accessKeyId())
          .isEqualTo("ASIA2");
      assertThat(fetches).hasValue(2);
      assertThat(authorizations).containsOnly("lambda-token");
    } finally {
      System.clearProperty("aws.containerCredentialsFullUri");
      System.clearProperty("aws.containerAuthorizationToken");
      server.stop(0);
    }
  }

  @Test
  void renewsStaticCredentialsToTheSameValues() {
    AwsSettings settings =
        AwsSettings.from(
            Env.of(
                Map.of(
                    "AWS_REGION", "us-east-1",
                    "AWS_ACCESS_KEY_ID", "AKIDEXAMPLE",
                    "AWS_SECRET_ACCESS_KEY", "secret")),
            ClientTimeouts.requestPath());
    settings.renewCredentials();
    assertThat(settings.credentials().resolveCredentials().accessKeyId()).isEqualTo("AKIDEXAMPLE");
  }

  private record ClosingProvider(AwsBasicCredentials credentials, Runnable onClose)
      implements AwsCredentialsProvider, SdkAutoCloseable {
    @Override
    public AwsBasicCredentials resolveCredentials() {
      return credentials;
    }

    @Override
    public void close() {
      onClose.run();
    }
  }
}
