package io.tokenbroker.client.examples;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.tokenbroker.client.AccessToken;
import io.tokenbroker.client.IamAuthentication;
import io.tokenbroker.client.TokenClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Set;

/**
 * Example: a Lambda function calling an API protected by the broker. Its execution role is its
 * identity (IAM, SigV4 on {@code /token/iam}); the token is cached across invocations of a warm
 * container and renewed ahead of expiry.
 *
 * <p>Environment: {@code BROKER_URL} (the broker's issuer), {@code API_URL}, {@code API_AUDIENCE}.
 */
public class DemoApiFunction implements RequestHandler<Map<String, Object>, String> {

  private final TokenClient tokens;
  private final HttpClient http = HttpClient.newHttpClient();
  private final URI api;
  private final String audience;

  /** Lambda's entry: built once per container, with the role's credentials from the environment. */
  public DemoApiFunction() {
    this(
        TokenClient.builder(
                URI.create(System.getenv("BROKER_URL")), IamAuthentication.defaultChain())
            .build(),
        URI.create(System.getenv("API_URL")),
        System.getenv("API_AUDIENCE"));
  }

  public DemoApiFunction(TokenClient tokens, URI api, String audience) {
    this.tokens = tokens;
    this.api = api;
    this.audience = audience;
  }

  @Override
  public String handleRequest(Map<String, Object> event, Context context) {
    AccessToken token = tokens.token(Set.of("demo:read"), audience);
    context.getLogger().log("calling " + api + " with " + token); // prints scopes and expiry only
    HttpRequest request =
        HttpRequest.newBuilder(api).header("Authorization", token.authorizationHeader()).build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException("the API answered " + response.statusCode());
      }
      return response.body();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
