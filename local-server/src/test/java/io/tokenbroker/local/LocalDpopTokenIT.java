package io.tokenbroker.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.dpop.DefaultDPoPProofFactory;
import com.nimbusds.oauth2.sdk.dpop.JWKThumbprintConfirmation;
import com.nimbusds.openid.connect.sdk.Nonce;
import io.tokenbroker.adapters.aws.ClientTimeouts;
import io.tokenbroker.adapters.lifecycle.RenewableRandom;
import io.tokenbroker.adapters.wiring.BrokerAdapters;
import io.tokenbroker.adapters.wiring.TokenWiring;
import io.tokenbroker.clients.ClientAdmin;
import io.tokenbroker.clients.ClientJson;
import io.tokenbroker.config.BrokerConfig;
import io.tokenbroker.config.DpopConfig;
import io.tokenbroker.config.Env;
import io.tokenbroker.functions.token.TokenHandler;
import io.tokenbroker.testing.ClientAssertions;
import io.tokenbroker.testing.DpopProofs;
import io.tokenbroker.testing.EventFiles;
import io.tokenbroker.testing.RecordingTelemetry;
import io.tokenbroker.testing.TestKeys;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * DPoP at the token endpoint, end to end over the local server (RFC 9449 4.3, 5, 8): proofs made
 * with real keys, by Nimbus's OAuth SDK where it can make them and by hand where a test must break
 * one rule; the token's cnf.jkt checked against the SDK's own thumbprint, in the token, in
 * introspection and in the issuance record. A second server on the same tables, requiring nonces,
 * answers use_dpop_nonce; a second token function on the same tables (another container) refuses a
 * replayed proof.
 */
class LocalDpopTokenIT {

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ECKey CLIENT_KEY = (ECKey) TestKeys.generate(JWSAlgorithm.ES256);
  private static final ECKey PROOF_KEY = DpopProofs.ecKey();
  private static final ECKey OTHER_PROOF_KEY = DpopProofs.ecKey();

  private static LocalBroker broker;
  private static LocalBroker withNonces;

  @BeforeAll
  static void start() {
    broker = LocalBroker.start(LocalBrokerOptions.onPort(0));
    withNonces =
        LocalBroker.start(
            new LocalBrokerOptions(
                    0,
                    Optional.of(broker.awsEndpoint()),
                    "token-broker-local-",
                    Optional.empty(),
                    java.time.Duration.ZERO)
                .withDpopNonces(true));
    ClientAdmin clients =
        new ClientAdmin(
            BrokerAdapters.from(env(), ClientTimeouts.background())
                .clients(broker.tables().clients()));
    clients.put(registration("dpop-allowed", ""));
    clients.put(registration("dpop-required", ", \"dpop\": \"required\""));
    clients.put(
        registration(
            "dpop-refresh", ", \"refresh_tokens\": {\"enabled\": true}, \"dpop\": \"allowed\""));
    clients.put(registration("resource-server", ", \"introspection\": true"));
  }

  @AfterAll
  static void stop() {
    withNonces.close();
    broker.close();
  }

  private static io.tokenbroker.clients.Client registration(String clientId, String more) {
    Map<String, Object> jwks = Map.of("keys", List.of(CLIENT_KEY.toPublicJWK().toJSONObject()));
    return ClientJson.parse(
        """
        {"client_id": "%s", "jwks": %s, "scopes": ["demo:read"], "default_scopes": ["demo:read"],
         "audiences": ["%s"]%s}
        """
            .formatted(clientId, JSONObjectUtils.toJSONString(jwks), "https://api.example", more));
  }

  /** The environment the local server gives its functions, for a second token container. */
  private static Env env() {
    Map<String, String> vars = new HashMap<>(broker.tables().environment());
    vars.put("AWS_ENDPOINT_URL", broker.awsEndpoint().toString());
    vars.put("AWS_REGION", "us-east-1");
    vars.put("AWS_ACCESS_KEY_ID", "test");
    vars.put("AWS_SECRET_ACCESS_KEY", "test");
    vars.put("ISSUER", broker.issuer().toString());
    return Env.of(vars);
  }

  private static String form(LocalBroker at, String clientId, String more) {
    return "grant_type=client_credentials&"
        + ClientAssertions.formParameters(
            ClientAssertions.signed(CLIENT_KEY, clientId, at.issuer() + "/token", Instant.now()))
        + more;
  }

  private static HttpResponse<String> post(
      LocalBroker at, String path, String form, List<String> proofs) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(at.issuer() + path))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form));
    proofs.forEach(proof -> request.header("DPoP", proof));
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static Map<String, Object> json(HttpResponse<String> response) throws Exception {
    return JSONObjectUtils.parse(response.body());
  }

  private static String nimbusProof(JWK key, LocalBroker at, String path, Nonce nonce)
      throws Exception {
    SignedJWT proof =
        new DefaultDPoPProofFactory(key, JWSAlgorithm.ES256)
            .createDPoPJWT("POST", URI.create(at.issuer() + path), nonce);
    return proof.serialize();
  }

  private static String jkt(JWK key) throws Exception {
    return JWKThumbprintConfirmation.of(key).getValue().toString();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> claims(String token) throws Exception {
    return SignedJWT.parse(token).getJWTClaimsSet().toJSONObject();
  }

  @Test
  void aProofBindsTheTokenToItsKeyInTheTokenIntrospectionAndTheIssuanceRecord() throws Exception {
    HttpResponse<String> response =
        post(
            broker,
            "/token",
            form(broker, "dpop-allowed", ""),
            List.of(nimbusProof(PROOF_KEY, broker, "/token", null)));

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    Map<String, Object> body = json(response);
    assertThat(body).containsEntry("token_type", "DPoP");
    String token = (String) body.get("access_token");
    Map<String, Object> claims = claims(token);
    assertThat(claims.get("cnf")).isEqualTo(Map.of("jkt", jkt(PROOF_KEY)));

    HttpResponse<String> introspected =
        post(
            broker,
            "/introspect",
            ClientAssertions.formParameters(
                    ClientAssertions.signed(
                        CLIENT_KEY, "resource-server", broker.issuer().toString(), Instant.now()))
                + "&token="
                + token,
            List.of());
    assertThat(json(introspected))
        .as(introspected.body())
        .containsEntry("active", true)
        .containsEntry("token_type", "DPoP")
        .containsEntry("cnf", Map.of("jkt", jkt(PROOF_KEY)));

    assertThat(issuanceRecord((String) claims.get("jti")).get("cnf_jkt").s())
        .isEqualTo(jkt(PROOF_KEY));
  }

  @Test
  void withoutAProofAnAllowedClientGetsABearerToken() throws Exception {
    HttpResponse<String> response =
        post(broker, "/token", form(broker, "dpop-allowed", ""), List.of());

    assertThat(json(response)).containsEntry("token_type", "Bearer");
    assertThat(claims((String) json(response).get("access_token"))).doesNotContainKey("cnf");
  }

  @Test
  void theIamRouteBindsWithAProofForItsOwnUrlAndRefusesOneForTheOther() throws Exception {
    HttpResponse<String> bound =
        HTTP.send(
            SignedPosts.post(
                    URI.create(broker.issuer() + "/token/iam"),
                    LocalDemo.IDENTITY,
                    "grant_type=client_credentials")
                .header("DPoP", nimbusProof(PROOF_KEY, broker, "/token/iam", null))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> wrongUrl =
        HTTP.send(
            SignedPosts.post(
                    URI.create(broker.issuer() + "/token/iam"),
                    LocalDemo.IDENTITY,
                    "grant_type=client_credentials")
                .header("DPoP", nimbusProof(PROOF_KEY, broker, "/token", null))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(bound.statusCode()).as(bound.body()).isEqualTo(200);
    assertThat(claims((String) json(bound).get("access_token")).get("cnf"))
        .isEqualTo(Map.of("jkt", jkt(PROOF_KEY)));
    assertThat(wrongUrl.statusCode()).isEqualTo(400);
    assertThat(json(wrongUrl)).containsEntry("error", "invalid_dpop_proof");
  }

  static Stream<Arguments> refusals() {
    Function<DpopProofs, List<String>> one = p -> List.of(p.sign());
    return Stream.of(
        refusal("no proof from a client that requires DPoP", b -> List.of()),
        refusal("two DPoP headers", b -> List.of(proof(b).sign(), proof(b).sign())),
        refusal("typ JWT", b -> one.apply(proof(b).header("typ", "JWT"))),
        refusal("alg none", b -> one.apply(proof(b).header("alg", "none"))),
        refusal("alg HS256", b -> one.apply(proof(b).header("alg", "HS256"))),
        refusal(
            "a private key in jwk",
            b -> one.apply(proof(b).header("jwk", PROOF_KEY.toJSONObject()))),
        refusal("a bad signature", b -> one.apply(proof(b).signedBy(OTHER_PROOF_KEY))),
        refusal("htm GET", b -> one.apply(proof(b).claim("htm", "GET"))),
        refusal(
            "htu of another host",
            b -> one.apply(proof(b).claim("htu", "http://evil.example/token"))),
        refusal(
            "htu of another path", b -> one.apply(proof(b).claim("htu", b.issuer() + "/revoke"))),
        refusal(
            "iat ten minutes old",
            b -> one.apply(proof(b).claim("iat", Instant.now().getEpochSecond() - 600))),
        refusal(
            "iat ten minutes ahead",
            b -> one.apply(proof(b).claim("iat", Instant.now().getEpochSecond() + 600))));
  }

  private static Arguments refusal(String name, Function<LocalBroker, List<String>> proofs) {
    return Arguments.of(name, proofs);
  }

  private static DpopProofs proof(LocalBroker at) {
    return DpopProofs.by(PROOF_KEY, "POST", at.issuer() + "/token", Instant.now());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void refusesAnInvalidProofWithInvalidDpopProofAndIssuesNothing(
      String name, Function<LocalBroker, List<String>> proofs) throws Exception {
    HttpResponse<String> response =
        post(broker, "/token", form(broker, "dpop-required", ""), proofs.apply(broker));

    assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
    assertThat(json(response))
        .containsEntry("error", "invalid_dpop_proof")
        .doesNotContainKey("access_token");
  }

  @Test
  void aProofIsUsedOnceAcrossContainers() throws Exception {
    String proof = nimbusProof(PROOF_KEY, broker, "/token", null);
    HttpResponse<String> first =
        post(broker, "/token", form(broker, "dpop-allowed", ""), List.of(proof));
    assertThat(first.statusCode()).as(first.body()).isEqualTo(200);

    // Another container of the token function: its own handler, the same tables and ISSUER.
    Env env = env();
    TokenWiring wiring =
        new TokenWiring(
            BrokerAdapters.from(env, ClientTimeouts.requestPath()),
            BrokerConfig.from(env),
            io.tokenbroker.adapters.dynamodb.BrokerTables.from(env),
            Clock.systemUTC(),
            new RenewableRandom(),
            new RecordingTelemetry(),
            DpopConfig.from(env));
    TokenHandler second =
        new TokenHandler(
            wiring.clientAuthentication(),
            wiring.tokens(),
            wiring.refreshes(),
            wiring.exchanges(),
            wiring.dpop(),
            wiring.handlerTelemetry());
    Map<String, Object> event =
        withDpop(
            EventFiles.load("token/client-credentials-private-key-jwt.json"),
            form(broker, "dpop-allowed", ""),
            proof);

    Map<String, Object> replayed =
        EventFiles.invoke((in, out) -> second.handleRequest(in, out, null), event);

    assertThat(replayed.get("statusCode")).isEqualTo(400L);
    assertThat(EventFiles.body(replayed))
        .containsEntry("error", "invalid_dpop_proof")
        .containsEntry(
            "error_description", "DPoP proof was used already: make a new one for every request");
    // The same proof again at the first container, too.
    assertThat(json(post(broker, "/token", form(broker, "dpop-allowed", ""), List.of(proof))))
        .containsEntry("error", "invalid_dpop_proof");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> withDpop(
      Map<String, Object> event, String body, String proof) {
    Map<String, Object> copy = new LinkedHashMap<>(event);
    copy.put("body", body);
    Map<String, Object> headers = new LinkedHashMap<>((Map<String, Object>) event.get("headers"));
    headers.put("DPoP", proof);
    copy.put("headers", headers);
    Map<String, Object> multi =
        new LinkedHashMap<>((Map<String, Object>) event.get("multiValueHeaders"));
    multi.put("DPoP", List.of(proof));
    copy.put("multiValueHeaders", multi);
    return copy;
  }

  @Test
  void aServerRequiringNoncesAsksForOneAndTheRetryWithItSucceeds() throws Exception {
    // One client assertion for both attempts: the nonce answer comes before authentication, so
    // the assertion is not spent by it.
    String form = form(withNonces, "dpop-allowed", "");

    HttpResponse<String> asked =
        post(
            withNonces,
            "/token",
            form,
            List.of(nimbusProof(PROOF_KEY, withNonces, "/token", null)));

    assertThat(asked.statusCode()).isEqualTo(400);
    assertThat(json(asked)).containsEntry("error", "use_dpop_nonce");
    String nonce = asked.headers().firstValue("DPoP-Nonce").orElseThrow();

    HttpResponse<String> retried =
        post(
            withNonces,
            "/token",
            form,
            List.of(nimbusProof(PROOF_KEY, withNonces, "/token", new Nonce(nonce))));

    assertThat(retried.statusCode()).as(retried.body()).isEqualTo(200);
    assertThat(json(retried)).containsEntry("token_type", "DPoP");
    assertThat(retried.headers().firstValue("DPoP-Nonce")).contains(nonce);
  }

  @Test
  void aServerRequiringNoncesRefusesAForgedOneAndGivesTheCurrent() throws Exception {
    String forged = Instant.now().getEpochSecond() / 300 + "." + "A".repeat(43);

    HttpResponse<String> refused =
        post(
            withNonces,
            "/token",
            form(withNonces, "dpop-allowed", ""),
            List.of(nimbusProof(PROOF_KEY, withNonces, "/token", new Nonce(forged))));

    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(json(refused)).containsEntry("error", "use_dpop_nonce");
    assertThat(refused.headers().firstValue("DPoP-Nonce")).isPresent().get().isNotEqualTo(forged);
  }

  @Test
  void aBoundRefreshTokenRefreshesOnlyWithAProofOfTheSameKey() throws Exception {
    HttpResponse<String> started =
        post(
            broker,
            "/token",
            form(broker, "dpop-refresh", ""),
            List.of(nimbusProof(PROOF_KEY, broker, "/token", null)));
    assertThat(started.statusCode()).as(started.body()).isEqualTo(200);
    String refreshToken = (String) json(started).get("refresh_token");
    Function<String, String> refresh =
        token ->
            "grant_type=refresh_token&refresh_token="
                + token
                + "&"
                + ClientAssertions.formParameters(
                    ClientAssertions.signed(
                        CLIENT_KEY, "dpop-refresh", broker.issuer() + "/token", Instant.now()));

    List<HttpResponse<String>> refused = new ArrayList<>();
    refused.add(
        post(
            broker,
            "/token",
            refresh.apply(refreshToken),
            List.of(nimbusProof(OTHER_PROOF_KEY, broker, "/token", null))));
    refused.add(post(broker, "/token", refresh.apply(refreshToken), List.of()));
    HttpResponse<String> refreshed =
        post(
            broker,
            "/token",
            refresh.apply(refreshToken),
            List.of(nimbusProof(PROOF_KEY, broker, "/token", null)));

    for (HttpResponse<String> r : refused) {
      assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
      assertThat(json(r)).containsEntry("error", "invalid_dpop_proof");
    }
    assertThat(refreshed.statusCode()).as(refreshed.body()).isEqualTo(200);
    assertThat(json(refreshed)).containsEntry("token_type", "DPoP");
    assertThat(claims((String) json(refreshed).get("access_token")).get("cnf"))
        .isEqualTo(Map.of("jkt", jkt(PROOF_KEY)));
  }

  private static Map<String, AttributeValue> issuanceRecord(String jti) {
    try (DynamoDbClient dynamoDb =
        DynamoDbClient.builder()
            .endpointOverride(broker.awsEndpoint())
            .region(Region.US_EAST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
            .httpClient(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.create())
            .build()) {
      return dynamoDb
          .getItem(
              r ->
                  r.tableName(broker.tables().issuances())
                      .key(Map.of("jti", AttributeValue.fromS(jti)))
                      .consistentRead(true))
          .item();
    }
  }
}
