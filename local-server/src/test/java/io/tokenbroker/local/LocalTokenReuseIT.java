package io.tokenbroker.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenbroker.cli.Brokerctl;
import io.tokenbroker.errors.ConfigException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jose4j.json.JsonUtil;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Token reuse on the local server (--token-reuse-seconds): over real loopback HTTP, two identical
 * private_key_jwt requests get one token, brokerctl's audit shows its two deliveries, the demo API
 * accepts it, and once brokerctl revokes it the next request gets a new one.
 */
class LocalTokenReuseIT {

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static LocalBroker broker;

  @TempDir static Path dir;

  @BeforeAll
  static void start() {
    broker = LocalBroker.start(LocalBrokerOptions.onPort(0).withTokenReuse(Duration.ofSeconds(60)));
  }

  @AfterAll
  static void stop() {
    broker.close();
  }

  private static String brokerctl(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cli = Brokerctl.commandLine(new Brokerctl(Map.of()));
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    String[] all = new String[args.length + 4];
    all[0] = "--endpoint-url";
    all[1] = broker.awsEndpoint().toString();
    all[2] = "--table-prefix";
    all[3] = "token-broker-local-";
    System.arraycopy(args, 0, all, 4, args.length);
    int exit = cli.execute(all);
    assertThat(exit).as("brokerctl %s: %s", List.of(args), err).isZero();
    return out.toString().strip();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> token(Path key) throws Exception {
    String assertion =
        brokerctl(
            "assertion",
            "--key",
            key.toString(),
            "--client-id",
            "reusing-app",
            "--audience",
            broker.issuer() + "/token");
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(broker.issuer() + "/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("User-Agent", "reuse-it/1.0")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "grant_type=client_credentials&scope=demo%3Aread"
                            + "&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer"
                            + "&client_assertion="
                            + assertion))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JsonUtil.parseJson(response.body());
  }

  private static String jti(String token) throws Exception {
    String payload =
        new String(java.util.Base64.getUrlDecoder().decode(token.split("\\.")[1]), "UTF-8");
    return (String) JsonUtil.parseJson(payload).get("jti");
  }

  @Test
  @SuppressWarnings("unchecked")
  void anIdenticalRequestGetsTheSameTokenItsDeliveriesAuditedUntilItIsRevoked() throws Exception {
    Path key = dir.resolve("reusing-app.jwk.json");
    brokerctl("keygen", "--alg", "ES256", "--out", key.toString());
    Path registration = dir.resolve("reusing-app.json");
    Files.writeString(
        registration,
        """
        {"client_id": "reusing-app", "scopes": ["demo:read"], "audiences": ["%s"]}
        """
            .formatted(broker.issuer() + "/demo"));
    brokerctl("clients", "put", registration.toString(), "--add-key", key.toString());

    Map<String, Object> first = token(key);
    Map<String, Object> second = token(key);

    String accessToken = (String) first.get("access_token");
    assertThat(second.get("access_token")).isEqualTo(accessToken);
    assertThat(((Number) second.get("expires_in")).longValue())
        .isBetween(225L, ((Number) first.get("expires_in")).longValue());
    String jti = jti(accessToken);
    Map<String, Object> audit =
        JsonUtil.parseJson(brokerctl("audit", "--jti", jti, "--output", "json"));
    Map<String, Object> record = ((List<Map<String, Object>>) audit.get("issuances")).getFirst();
    assertThat(record).containsEntry("jti", jti).containsEntry("deliveries", 2L);
    assertThat(brokerctl("audit", "--jti", jti)).contains("delivered 2 times (token reuse)");
    // the reused token is a token like any other at the demo API
    HttpResponse<String> api =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(broker.issuer() + "/demo/orders/1"))
                .header("Authorization", "Bearer " + accessToken)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(api.statusCode()).as(api.body()).isEqualTo(200);

    brokerctl("revoke", "token", jti);
    Map<String, Object> third = token(key);

    assertThat(third.get("access_token")).isNotEqualTo(accessToken);
    assertThat(third.get("expires_in")).isEqualTo(first.get("expires_in"));
  }

  @Test
  void refusesToStartWithAWindowOverItsBound() {
    // On the running broker's moto, with tables of its own: no second moto to start.
    LocalBrokerOptions over =
        new LocalBrokerOptions(
                0,
                java.util.Optional.of(broker.awsEndpoint()),
                "token-broker-reuse-refused-",
                java.util.Optional.empty(),
                Duration.ZERO,
                LocalBrokerOptions.LogFormat.TEXT,
                false,
                java.util.Optional.empty(),
                java.util.Optional.empty(),
                java.util.Optional.empty())
            .withTokenReuse(Duration.ofSeconds(301));

    assertThatThrownBy(() -> LocalBroker.start(over).close())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("TOKEN_REUSE_SECONDS");
  }
}
