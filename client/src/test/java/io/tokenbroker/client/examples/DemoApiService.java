package io.tokenbroker.client.examples;

import io.tokenbroker.client.AccessToken;
import io.tokenbroker.client.IamAuthentication;
import io.tokenbroker.client.TokenClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Example: a long-running service (an ECS task, a daemon) calling an API protected by the broker
 * for as long as it runs. One {@link TokenClient} for the process: it renews the token before it
 * expires, so the loop never handles expiry itself.
 */
public final class DemoApiService {

  /** How the loop waits between calls: {@code Thread::sleep} in production. */
  @FunctionalInterface
  public interface Pause {
    void pause(Duration duration) throws InterruptedException;
  }

  private final TokenClient tokens;
  private final HttpClient http = HttpClient.newHttpClient();
  private final URI api;
  private final String audience;

  public DemoApiService(TokenClient tokens, URI api, String audience) {
    this.tokens = tokens;
    this.api = api;
    this.audience = audience;
  }

  /** {@code java ... DemoApiService https://broker.example.com}: calls its demo API every 30 s. */
  public static void main(String[] args) throws Exception {
    String broker = args[0];
    TokenClient tokens =
        TokenClient.builder(URI.create(broker), IamAuthentication.defaultChain()).build();
    new DemoApiService(tokens, URI.create(broker + "/demo/hello"), broker + "/demo")
        .run(Integer.MAX_VALUE, Duration.ofSeconds(30), Thread::sleep);
  }

  /** Calls the API {@code calls} times, {@code every} apart; returns what it answered. */
  public List<String> run(int calls, Duration every, Pause pause)
      throws IOException, InterruptedException {
    List<String> answers = new ArrayList<>();
    for (int i = 0; i < calls; i++) {
      answers.add(callOnce());
      pause.pause(every);
    }
    return answers;
  }

  /** One call with a current token (from the cache, or renewed if due). */
  public String callOnce() throws IOException, InterruptedException {
    AccessToken token = tokens.token(Set.of("demo:read"), audience);
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(api)
                .header("Authorization", token.authorizationHeader())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException("the API answered " + response.statusCode());
    }
    return response.body();
  }
}
