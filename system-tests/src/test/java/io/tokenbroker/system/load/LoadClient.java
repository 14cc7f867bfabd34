package io.tokenbroker.system.load;

import com.nimbusds.jose.jwk.ECKey;
import io.tokenbroker.json.Json;
import io.tokenbroker.local.DemoWorkload;
import io.tokenbroker.system.load.LoadWorkload.Owner;
import io.tokenbroker.testing.ClientAssertions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * The load's clients on the wire: real loopback HTTP to the local server, authenticated as each
 * {@link Owner} does (a client assertion, or SigV4 as the demo role), the demo API behind the
 * authorizer and /introspect.
 */
final class LoadClient {

  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private final URI issuer;
  private final ECKey clientKey;

  /**
   * Calls the broker at {@code issuer}; the private_key_jwt clients sign with {@code clientKey}.
   */
  LoadClient(URI issuer, ECKey clientKey) {
    this.issuer = issuer;
    this.clientKey = clientKey;
  }

  /** A POST authenticated as the owner: SigV4 on the /iam route, else a client assertion. */
  HttpResponse<String> authenticated(Owner owner, String path, String form) throws Exception {
    if (owner == Owner.IAM) {
      return signedPost(path + "/iam", form);
    }
    // A fresh assertion each time, addressed to the issuer (good for every endpoint).
    return post(
        path,
        form
            + "&"
            + ClientAssertions.formParameters(
                ClientAssertions.signed(
                    clientKey, owner.clientId, issuer.toString(), Instant.now())));
  }

  private HttpResponse<String> post(String path, String form) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(issuer + path))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** As an IAM role calls an AWS_IAM route: SigV4 over the body, service execute-api. */
  private HttpResponse<String> signedPost(String path, String form) throws Exception {
    return HTTP.send(
        DemoWorkload.signedPost(URI.create(issuer + path), form)
            .timeout(Duration.ofSeconds(30))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** A call of the demo API behind the authorizer. */
  HttpResponse<String> demo(String token) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(issuer + "/demo/load"))
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", "Bearer " + token)
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** RFC 7662 as the demo client (allowed to introspect), over SigV4. */
  Map<String, Object> introspect(String token) throws Exception {
    HttpResponse<String> response = signedPost("/introspect/iam", "token=" + token);
    for (int retry = 0; retry < 2 && isRetryable(response); retry++) {
      response = signedPost("/introspect/iam", "token=" + token);
    }
    if (response.statusCode() != 200) {
      return Map.of("status", response.statusCode());
    }
    return Json.object(response.body());
  }

  /**
   * API Gateway's 500 for an authorizer that failed closed: its table read ran past
   * DEPENDENCY_TIMEOUT_MILLIS (moto serves one request at a time). Counted, and checked against the
   * authorizer's own authorizer.unavailable events; never a way in.
   */
  static boolean isFailClosed(HttpResponse<String> response) {
    return response.statusCode() == 500 && response.body().equals("{\"message\":null}");
  }

  static boolean isRetryable(HttpResponse<String> response) {
    return response.statusCode() == 503 && response.body().contains("temporarily_unavailable");
  }
}
