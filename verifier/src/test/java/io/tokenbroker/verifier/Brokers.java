package io.tokenbroker.verifier;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenbroker.json.Json;
import io.tokenbroker.local.DemoWorkload;
import io.tokenbroker.local.LocalBroker;
import io.tokenbroker.local.LocalBrokerOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The real local server for this module's tests: one, started at first use and shared by every test
 * class (a broker and its moto take seconds to start), and more on the same moto for tests that
 * rotate keys or stop a broker.
 */
public final class Brokers {

  static final HttpClient HTTP = HttpClient.newHttpClient();
  private static LocalBroker shared;

  private Brokers() {}

  public static synchronized LocalBroker shared() {
    if (shared == null) {
      shared = LocalBroker.start(LocalBrokerOptions.onPort(0));
      Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "local-broker-stop"));
    }
    return shared;
  }

  /** Another broker (issuer, tables and signing key of its own) on the shared broker's moto. */
  static LocalBroker another(String tablePrefix) {
    return another(tablePrefix, Optional.empty());
  }

  /** Another broker that also registers the clients in {@code clientsFile}. */
  static LocalBroker another(String tablePrefix, Optional<Path> clientsFile) {
    return LocalBroker.start(
        new LocalBrokerOptions(
            0, Optional.of(shared().awsEndpoint()), tablePrefix, clientsFile, Duration.ZERO));
  }

  /** The demo API's audience on this broker: what the demo workload's tokens carry. */
  static String audience(LocalBroker broker) {
    return DemoWorkload.audience(broker.issuer());
  }

  /**
   * A DPoP-bound token for the demo workload: POST /token/iam (SigV4) with a proof of {@code key}
   * for the endpoint's URL.
   */
  static String dpopToken(LocalBroker broker, String scope, com.nimbusds.jose.jwk.JWK key)
      throws Exception {
    URI endpoint = URI.create(broker.issuer() + "/token/iam");
    HttpResponse<String> response =
        HTTP.send(
            DemoWorkload.signedPost(endpoint, "grant_type=client_credentials&scope=" + scope)
                .header(
                    "DPoP",
                    io.tokenbroker.testing.DpopProofs.by(
                            key, "POST", endpoint.toString(), java.time.Instant.now())
                        .sign())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(Json.object(response.body())).containsEntry("token_type", "DPoP");
    return (String) Json.object(response.body()).get("access_token");
  }

  /** A token for the demo workload, as its IAM role gets one: SigV4-signed POST /token/iam. */
  static String token(LocalBroker broker, String scope) throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            DemoWorkload.signedPost(
                    URI.create(broker.issuer() + "/token/iam"),
                    "grant_type=client_credentials&scope=" + scope)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return (String) Json.object(response.body()).get("access_token");
  }
}
