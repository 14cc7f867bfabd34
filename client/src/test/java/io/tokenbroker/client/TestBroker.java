package io.tokenbroker.client;

import io.tokenbroker.adapters.aws.AwsClients;
import io.tokenbroker.adapters.aws.AwsSettings;
import io.tokenbroker.adapters.aws.ClientTimeouts;
import io.tokenbroker.adapters.dynamodb.DynamoDbClientRepository;
import io.tokenbroker.clients.ClientAdmin;
import io.tokenbroker.clients.ClientJson;
import io.tokenbroker.config.Env;
import io.tokenbroker.devsupport.TestOidcIssuer;
import io.tokenbroker.local.LocalBroker;
import io.tokenbroker.local.LocalBrokerOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * The real local server, started once for this module's tests (each start is a moto and a key), and
 * what tests do to it as an operator would: register clients, reach its moto's KMS.
 */
public final class TestBroker {

  /** The demo workload's access key, as README gives it (SigV4 verified by the local server). */
  public static final String DEMO_ACCESS_KEY = "AKIALOCALWORKLOAD001";

  public static final String DEMO_SECRET_KEY = "local-workload-secret";

  private static final AtomicInteger CLIENTS = new AtomicInteger();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static LocalBroker broker;
  private static TestOidcIssuer outsideIssuer;

  private TestBroker() {}

  public static synchronized LocalBroker get() {
    if (broker == null) {
      // An OIDC issuer on this machine (GitHub and Kubernetes shaped tokens) the broker trusts,
      // for the federated clients' tests.
      TestOidcIssuer issuer = TestOidcIssuer.start();
      outsideIssuer = issuer;
      Path certificates;
      try {
        certificates = Files.createTempFile("tb-client-outside-issuer-", ".pem");
        Files.writeString(certificates, issuer.certificatePem());
        certificates.toFile().deleteOnExit();
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      broker =
          LocalBroker.start(
              new LocalBrokerOptions(
                      0, Optional.empty(), "tb-client-", Optional.empty(), Duration.ZERO)
                  .withOutsideIssuerCerts(certificates));
      LocalBroker started = broker;
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    started.close();
                    issuer.close();
                  },
                  "test-broker-stop"));
    }
    return broker;
  }

  /** The OIDC issuer the broker trusts, standing in for GitHub Actions and Kubernetes. */
  public static synchronized TestOidcIssuer outsideIssuer() {
    get();
    return outsideIssuer;
  }

  /**
   * Registers a client whose only way in is this trust policy (a JSON object, {@code %1$s} the
   * broker's issuer, {@code %2$s} the outside issuer's), for demo:read and demo:write at the demo
   * API; returns its id.
   */
  public static String registerFederatedClient(String trustPolicy) {
    String clientId = "client-fed-" + CLIENTS.incrementAndGet();
    String json =
        """
        {"client_id": "%s", "scopes": ["demo:read", "demo:write"], "default_scopes": ["demo:read"],
         "audiences": ["%s"], "trust_policies": [%s]}
        """
            .formatted(
                clientId,
                demoAudience(),
                trustPolicy.formatted(issuer(), outsideIssuer().issuer()));
    new ClientAdmin(
            new DynamoDbClientRepository(AwsClients.dynamoDb(aws()), get().tables().clients()))
        .put(ClientJson.parse(json));
    return clientId;
  }

  /**
   * Registers a new client for demo:read and demo:write at the demo API, authenticated by this
   * public JWK (null: none) and these trust policies (a JSON array, {@code %1$s} the broker's
   * issuer, {@code %2$s} the outside issuer's; null: none), with {@code more} JSON members (e.g.
   * {@code , "may_act": [...]}); returns its id.
   */
  public static String registerClient(
      String prefix, String publicJwkJson, String trustPolicies, String more) {
    String clientId = prefix + "-" + CLIENTS.incrementAndGet();
    String json =
        """
        {"client_id": "%s", %s "scopes": ["demo:read", "demo:write"],
         "default_scopes": ["demo:read"], "audiences": ["%s"]%s%s}
        """
            .formatted(
                clientId,
                publicJwkJson == null ? "" : "\"jwks\": {\"keys\": [" + publicJwkJson + "]},",
                demoAudience(),
                trustPolicies == null
                    ? ""
                    : ", \"trust_policies\": "
                        + trustPolicies.formatted(issuer(), outsideIssuer().issuer()),
                more);
    new ClientAdmin(
            new DynamoDbClientRepository(AwsClients.dynamoDb(aws()), get().tables().clients()))
        .put(ClientJson.parse(json));
    return clientId;
  }

  /**
   * The demo API's answer to {@code method} {@code path} (under /demo) with this token: its status
   * and body, which echoes the context the authorizer handed the API.
   */
  public static HttpResponse<String> callDemoApi(String method, String path, AccessToken token)
      throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(issuer() + "/demo" + path))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .header("Authorization", token.authorizationHeader())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  public static URI issuer() {
    return get().issuer();
  }

  /** The demo API's audience: the aud a token for /demo must carry. */
  public static String demoAudience() {
    return issuer() + "/demo";
  }

  /**
   * Registers a new client that authenticates with this public JWK, may ask for demo:read and
   * demo:write for the demo API, and gets refresh tokens; returns its id.
   */
  public static String registerClient(String publicJwkJson) {
    String clientId = "client-test-" + CLIENTS.incrementAndGet();
    String json =
        """
        {"client_id": "%s", "jwks": {"keys": [%s]}, "scopes": ["demo:read", "demo:write"],
         "default_scopes": ["demo:read"], "audiences": ["%s"], "refresh_tokens": {"enabled": true}}
        """
            .formatted(clientId, publicJwkJson, demoAudience());
    new ClientAdmin(
            new DynamoDbClientRepository(AwsClients.dynamoDb(aws()), get().tables().clients()))
        .put(ClientJson.parse(json));
    return clientId;
  }

  /** KMS of the local server's moto. */
  public static KmsClient kms() {
    return AwsClients.kms(aws());
  }

  /** GET of the demo API with this bearer token: its status. */
  public static int callDemoApi(AccessToken token) throws Exception {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create(issuer() + "/demo/hello"))
                .header("Authorization", token.authorizationHeader())
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private static AwsSettings aws() {
    return AwsSettings.from(
        Env.of(
            Map.of(
                "AWS_ENDPOINT_URL", get().awsEndpoint().toString(),
                "AWS_REGION", "us-east-1",
                "AWS_ACCESS_KEY_ID", "test",
                "AWS_SECRET_ACCESS_KEY", "test")),
        ClientTimeouts.background());
  }
}
