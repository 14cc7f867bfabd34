package io.tokenbroker.verifier.example;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.tokenbroker.json.Json;
import io.tokenbroker.local.DemoWorkload;
import io.tokenbroker.local.LocalBroker;
import io.tokenbroker.verifier.Brokers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The example service, running, called over HTTP with a token from the local broker. */
class OrdersServiceIT {

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static LocalBroker broker;
  private static HttpServer service;

  @BeforeAll
  static void start() throws Exception {
    broker = Brokers.shared();
    service =
        OrdersService.start(broker.issuer().toString(), DemoWorkload.audience(broker.issuer()), 0);
  }

  @AfterAll
  static void stop() {
    service.stop(0);
  }

  private static HttpResponse<String> call(String method, String path, String token)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + service.getAddress().getPort() + path))
            .method(method, HttpRequest.BodyPublishers.noBody());
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesACallerWhoseTokenGrantsTheRouteAndRefusesTheOthers() throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            DemoWorkload.signedPost(
                    URI.create(broker.issuer() + "/token/iam"),
                    "grant_type=client_credentials&scope=demo:read")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    String token = (String) Json.object(response.body()).get("access_token");

    HttpResponse<String> read = call("GET", "/orders/17", token);
    HttpResponse<String> write = call("POST", "/orders", token);
    HttpResponse<String> anonymous = call("GET", "/orders/17", null);

    assertThat(read.statusCode()).isEqualTo(200);
    assertThat(Json.object(read.body()))
        .containsEntry("path", "/orders/17")
        .containsEntry("client_id", DemoWorkload.CLIENT_ID);
    // A path with a quote stays inside its JSON string.
    HttpResponse<String> quoted = call("GET", "/orders/a%22,%22client_id%22:%22x", token);
    assertThat(Json.object(quoted.body()))
        .containsEntry("path", "/orders/a\",\"client_id\":\"x")
        .containsEntry("client_id", DemoWorkload.CLIENT_ID);
    assertThat(write.statusCode()).isEqualTo(403);
    assertThat(write.headers().firstValue("WWW-Authenticate"))
        .contains("Bearer error=\"insufficient_scope\", scope=\"demo:write\"");
    assertThat(write.body()).isEqualTo("{\"error\":\"insufficient_scope\"}");
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(anonymous.headers().firstValue("WWW-Authenticate")).contains("Bearer");
  }
}
