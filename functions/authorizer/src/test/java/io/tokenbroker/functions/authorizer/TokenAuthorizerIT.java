package io.tokenbroker.functions.authorizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.util.Base64URL;
import io.tokenbroker.adapters.dynamodb.DynamoDbKeyRepository;
import io.tokenbroker.adapters.dynamodb.DynamoDbRevocationRepository;
import io.tokenbroker.adapters.kms.KmsKeyManager;
import io.tokenbroker.adapters.kms.KmsKeySigner;
import io.tokenbroker.adapters.lifecycle.SnapStartHooks;
import io.tokenbroker.clients.Client;
import io.tokenbroker.config.Env;
import io.tokenbroker.devsupport.LocalAws;
import io.tokenbroker.devsupport.MotoExtension;
import io.tokenbroker.devsupport.X509Builder;
import io.tokenbroker.jose.ClientCertificates;
import io.tokenbroker.jose.Confirmation;
import io.tokenbroker.keys.KeyState;
import io.tokenbroker.keys.SigningKey;
import io.tokenbroker.telemetry.Telemetry;
import io.tokenbroker.telemetry.TelemetryEvent;
import io.tokenbroker.testing.AwsFixture;
import io.tokenbroker.testing.Clients;
import io.tokenbroker.testing.EventFiles;
import io.tokenbroker.testing.KeySignerJws;
import io.tokenbroker.testing.MotoBroker;
import io.tokenbroker.testing.RecordingTelemetry;
import io.tokenbroker.testing.TestKeys;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The authorizer wired from its environment, on real API Gateway authorizer events, with tokens
 * minted by the real token service (KMS signatures) against moto.
 */
@ExtendWith(MotoExtension.class)
class TokenAuthorizerIT {

  private static final String ARN_BASE =
      "arn:aws:execute-api:us-east-1:123456789012:orders1234/prod/";
  private static final String ROUTES =
      """
      {"GET /orders/*": ["orders:read"], "POST /orders": ["orders:write"], "* /health": []}
      """;

  private static MotoBroker broker;
  private static AwsFixture aws;
  private static TokenAuthorizer authorizer;
  private static DynamoDbRevocationRepository revocations;
  private static final RecordingTelemetry TELEMETRY = new RecordingTelemetry();

  @BeforeAll
  static void setUp(LocalAws local) {
    broker = new MotoBroker(local);
    aws = broker.aws;
    revocations = new DynamoDbRevocationRepository(aws.dynamoDb, aws.tables.revocations());
    authorizer = wired(environment(Map.of()), TELEMETRY);
  }

  private static io.tokenbroker.config.Env environment(Map<String, String> more) {
    return broker
        .env
        .with(
            Map.of(
                "AUDIENCE", "https://orders.example.com",
                "ROUTE_SCOPES", ROUTES,
                "REVOCATION_CACHE_SECONDS", "1"))
        .with(more);
  }

  private static String token(String clientId, String scope) {
    Client client = Clients.withRole(clientId, "arn:aws:iam::123456789012:role/" + clientId);
    return broker.issue(client, "&scope=" + scope).accessToken();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> restEvent(String token, String method, String path) {
    Map<String, Object> event = EventFiles.load("authorizer/rest-request.json");
    event.put("methodArn", ARN_BASE + method + path);
    event.put("httpMethod", method);
    event.put("path", path);
    event.put("multiValueHeaders", Map.of("Authorization", List.of("Bearer " + token)));
    ((Map<String, Object>) event.get("headers")).put("Authorization", "Bearer " + token);
    return event;
  }

  private static Map<String, Object> invoke(TokenAuthorizer handler, Map<String, Object> event) {
    return EventFiles.invoke((in, out) -> handler.handleRequest(in, out, null), event);
  }

  private static Map<String, Object> invoke(Map<String, Object> event) {
    return invoke(authorizer, event);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> statement(Map<String, Object> response) {
    Map<String, Object> policy = (Map<String, Object>) response.get("policyDocument");
    return ((List<Map<String, Object>>) policy.get("Statement")).getFirst();
  }

  /**
   * The handler as the local server builds it: its wiring read from {@code env}; the hooks that
   * wiring registers are kept in {@link #HOOKS}.
   */
  private static TokenAuthorizer wired(Env env, Telemetry telemetry) {
    AuthorizerWiring wiring = AuthorizerWiring.fromEnvironment(env, Clock.systemUTC(), telemetry);
    TokenAuthorizer handler =
        new TokenAuthorizer(
            wiring.verifier(),
            wiring.dpop(),
            wiring.config().routes(),
            wiring.handlerTelemetry(),
            wiring.config().seesEveryRequest());
    HOOKS.put(handler, wiring.snapStartHooks((in, out) -> handler.handleRequest(in, out, null)));
    return handler;
  }

  /** The SnapStart hooks each wiring registered for its handler, as Lambda's handler keeps them. */
  private static final java.util.Map<Object, SnapStartHooks> HOOKS =
      new java.util.concurrent.ConcurrentHashMap<>();

  private static SnapStartHooks hooks(Object handler) {
    return HOOKS.get(handler);
  }

  @Test
  void allowsExactlyTheRoutesTheTokensScopesAreGrantedAcrossTheApi() {
    String token = token("reader", "orders:read");

    Map<String, Object> response = invoke(restEvent(token, "GET", "/orders/42"));

    assertThat(response).containsEntry("principalId", "reader");
    assertThat(statement(response))
        .containsEntry("Effect", "Allow")
        .containsEntry("Action", "execute-api:Invoke")
        .containsEntry("Resource", List.of(ARN_BASE + "GET/orders/*", ARN_BASE + "*/health"));
    assertThat(response.get("context"))
        .isEqualTo(
            Map.of(
                "sub", "reader",
                "client_id", "reader",
                "scope", "orders:read",
                "jti", ((Map<?, ?>) response.get("context")).get("jti"),
                // nobody acts for another with this token (RFC 8693 act)
                "delegation_depth", 0L));
  }

  @Test
  void answersTheSamePolicyWhicheverRouteWasAsked() {
    String token = token("writer", "orders:write");

    Map<String, Object> asked = statement(invoke(restEvent(token, "GET", "/orders/42")));
    Map<String, Object> other = statement(invoke(restEvent(token, "POST", "/orders")));

    // API Gateway caches the first answer for every route: it must not depend on the route.
    assertThat(asked).isEqualTo(other);
    assertThat(asked.get("Resource"))
        .isEqualTo(List.of(ARN_BASE + "POST/orders", ARN_BASE + "*/health"));
  }

  @Test
  void deniesEveryRouteToATokenWhoseScopesGrantNone() throws Exception {
    var strict =
        wired(
            environment(Map.of("ROUTE_SCOPES", "{\"GET /orders/*\": [\"orders:read\"]}")),
            new RecordingTelemetry());

    Map<String, Object> response =
        invoke(strict, restEvent(token("w2", "orders:write"), "GET", "/orders/1"));

    assertThat(statement(response))
        .containsEntry("Effect", "Deny")
        .containsEntry("Resource", ARN_BASE + "*");
  }

  @Test
  void acceptsATokenAuthorizerEvent() {
    Map<String, Object> event = EventFiles.load("authorizer/rest-token.json");
    event.put("authorizationToken", "Bearer " + token("t", "orders:read"));

    assertThat(statement(invoke(event))).containsEntry("Effect", "Allow");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"sample", "tampered", "missing", "basic", "two headers", "lowercase bearer"})
  void answersUnauthorizedForAMissingOrInvalidToken(String kind) {
    String token = token("r", "orders:read");
    Map<String, Object> event =
        switch (kind) {
          case "sample" -> EventFiles.load("authorizer/rest-request.json");
          case "tampered" -> restEvent(tamper(token), "GET", "/orders/1");
          case "missing" -> withoutAuthorization(restEvent(token, "GET", "/orders/1"));
          case "basic" ->
              withAuthorization(
                  restEvent(token, "GET", "/orders/1"), List.of("Basic dXNlcjpwYXNz"));
          case "two headers" ->
              withAuthorization(
                  restEvent(token, "GET", "/orders/1"),
                  List.of("Bearer " + token, "Bearer " + token));
          default ->
              withAuthorization(restEvent(token, "GET", "/orders/1"), List.of("bearer " + token));
        };

    if (kind.equals("lowercase bearer")) {
      assertThat(statement(invoke(event)))
          .containsEntry("Effect", "Allow"); // scheme is case-insensitive
    } else {
      assertThatThrownBy(() -> invoke(event))
          .isInstanceOf(TokenAuthorizer.Unauthorized.class)
          .hasMessage("Unauthorized");
    }
  }

  @Test
  void refusesASenderConstrainedTokenPresentedAsABearerToken() {
    Client client = Clients.withRole("bound", "arn:aws:iam::123456789012:role/bound");
    String jkt = "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs";
    int before = TELEMETRY.named("authorizer.denied").size();
    TokenAuthorizer uncached =
        wired(environment(Map.of("AUTHORIZER_RESULT_TTL_SECONDS", "0")), TELEMETRY);

    for (Confirmation binding :
        List.of(new Confirmation.DpopKey(jkt), new Confirmation.ClientCertificate(jkt))) {
      String token = broker.issue(client, "&scope=orders:read", Optional.of(binding)).accessToken();
      assertThatThrownBy(() -> invoke(uncached, restEvent(token, "GET", "/orders/1")))
          .isInstanceOf(TokenAuthorizer.Unauthorized.class);
    }
    List<TelemetryEvent> denied = TELEMETRY.named("authorizer.denied");
    assertThat(denied.subList(before, denied.size()))
        .extracting(e -> e.fields().get("reason"))
        .containsExactly("bound_token_not_proven", "client_certificate_missing");
  }

  /**
   * RFC 8705 3 at the edge, in API Gateway's own event shapes with mutual TLS (REST:
   * identity.clientCert, HTTP API: authentication.clientCert): a token bound to the certificate of
   * the event is allowed; with no certificate, another certificate or a malformed PEM it is
   * refused, and the log names which.
   */
  @Test
  @SuppressWarnings("unchecked")
  void acceptsACertificateBoundTokenOnlyOnARequestMadeWithThatCertificate() throws Exception {
    // API Gateway asks about every request (the template's mTLS setting): no cached Allow.
    TokenAuthorizer authorizer =
        wired(environment(Map.of("AUTHORIZER_RESULT_TTL_SECONDS", "0")), TELEMETRY);
    Client client = Clients.withRole("mtls", "arn:aws:iam::123456789012:role/mtls");
    Map<String, Object> rest = EventFiles.load("authorizer/rest-request-mtls.json");
    Map<String, Object> restCert =
        (Map<String, Object>)
            ((Map<String, Object>)
                    ((Map<String, Object>) rest.get("requestContext")).get("identity"))
                .get("clientCert");
    String pem = (String) restCert.get("clientCertPem");
    Confirmation bound = ClientCertificates.confirmation(ClientCertificates.parsePem(pem));
    String token = broker.issue(client, "&scope=orders:read", Optional.of(bound)).accessToken();

    Map<String, Object> restEvent = restEvent(token, "GET", "/orders/42");
    ((Map<String, Object>) restEvent.get("requestContext"))
        .put("identity", Map.of("clientCert", restCert));
    assertThat(statement(invoke(authorizer, restEvent))).containsEntry("Effect", "Allow");

    Map<String, Object> http = EventFiles.load("authorizer/http-api-v2-mtls.json");
    http.put("identitySource", List.of("Bearer " + token));
    http.put("headers", Map.of("authorization", "Bearer " + token));
    assertThat(invoke(authorizer, http)).containsEntry("isAuthorized", true);

    String other = X509Builder.subject("CN=orders-client,O=Example").selfSigned().pem();
    String malformed = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
    int before = TELEMETRY.named("authorizer.denied").size();
    for (Map<String, Object> identity :
        List.of(
            Map.<String, Object>of("sourceIp", "203.0.113.10"),
            Map.<String, Object>of("clientCert", Map.of("clientCertPem", other)),
            Map.<String, Object>of("clientCert", Map.of("clientCertPem", malformed)),
            Map.<String, Object>of("clientCert", Map.of("clientCertPem", pem + pem)))) {
      ((Map<String, Object>) restEvent.get("requestContext")).put("identity", identity);
      assertThatThrownBy(() -> invoke(authorizer, restEvent))
          .isInstanceOf(TokenAuthorizer.Unauthorized.class);
    }
    ((Map<String, Object>) http.get("requestContext"))
        .put("authentication", Map.of("clientCert", Map.of("clientCertPem", other)));
    assertThat(invoke(authorizer, http)).containsEntry("isAuthorized", false);

    List<TelemetryEvent> denied = TELEMETRY.named("authorizer.denied");
    assertThat(denied.subList(before, denied.size()))
        .extracting(e -> e.fields().get("reason"))
        .containsExactly(
            "client_certificate_missing",
            "client_certificate_mismatch",
            "client_certificate_malformed",
            "client_certificate_malformed",
            "client_certificate_mismatch");
  }

  /**
   * API Gateway's authorizer cache is keyed by the Authorization header alone: behind it, a cached
   * Allow would let the token through with any certificate, or none. With the TTL unknown or above
   * 0, a certificate-bound token is refused even with its certificate, as DPoP-bound ones are.
   */
  @Test
  @SuppressWarnings("unchecked")
  void refusesCertificateBoundTokensWhereApiGatewayMayCacheTheAnswer() throws Exception {
    Client client = Clients.withRole("mtls-cached", "arn:aws:iam::123456789012:role/mtls-cached");
    Map<String, Object> rest = EventFiles.load("authorizer/rest-request-mtls.json");
    Map<String, Object> restCert =
        (Map<String, Object>)
            ((Map<String, Object>)
                    ((Map<String, Object>) rest.get("requestContext")).get("identity"))
                .get("clientCert");
    Confirmation bound =
        ClientCertificates.confirmation(
            ClientCertificates.parsePem((String) restCert.get("clientCertPem")));
    String token = broker.issue(client, "&scope=orders:read", Optional.of(bound)).accessToken();
    Map<String, Object> restEvent = restEvent(token, "GET", "/orders/42");
    ((Map<String, Object>) restEvent.get("requestContext"))
        .put("identity", Map.of("clientCert", restCert));

    for (Map<String, String> cache :
        List.of(
            Map.<String, String>of(), // unknown: the template may set any TTL
            Map.of("AUTHORIZER_RESULT_TTL_SECONDS", "300"))) {
      RecordingTelemetry telemetry = new RecordingTelemetry();
      TokenAuthorizer cached = wired(environment(cache), telemetry);
      assertThatThrownBy(() -> invoke(cached, restEvent))
          .isInstanceOf(TokenAuthorizer.Unauthorized.class);
      assertThat(telemetry.named("authorizer.denied"))
          .extracting(e -> e.fields().get("reason"))
          .containsExactly("cert_bound_behind_result_cache");
    }
    // A bearer token is unaffected by the cache.
    TokenAuthorizer cached = wired(environment(Map.of()), new RecordingTelemetry());
    assertThat(
            statement(
                invoke(cached, restEvent(token("plain", "orders:read"), "GET", "/orders/42"))))
        .containsEntry("Effect", "Allow");
  }

  @Test
  void answersUnauthorizedForAnEventThatIsNoAuthorizerEvent() {
    assertThatThrownBy(
            () ->
                EventFiles.invokeRaw(
                    (in, out) -> authorizer.handleRequest(in, out, null), "{\"hello\":1}"))
        .isInstanceOf(TokenAuthorizer.Unauthorized.class);
    assertThatThrownBy(
            () ->
                EventFiles.invokeRaw((in, out) -> authorizer.handleRequest(in, out, null), "null"))
        .isInstanceOf(TokenAuthorizer.Unauthorized.class);
  }

  @Test
  @SuppressWarnings("unchecked")
  void answersHttpApisWithASimpleYesOrNoForThisRoute() {
    String token = token("h", "orders:read");
    Map<String, Object> event = EventFiles.load("authorizer/http-api-v2.json");
    event.put("identitySource", List.of("Bearer " + token));
    event.put("headers", Map.of("authorization", "Bearer " + token));

    Map<String, Object> allowed = invoke(event);
    assertThat(allowed).containsEntry("isAuthorized", true);
    assertThat((Map<String, Object>) allowed.get("context")).containsEntry("client_id", "h");

    @SuppressWarnings("unchecked")
    Map<String, Object> http =
        (Map<String, Object>) ((Map<String, Object>) event.get("requestContext")).get("http");
    http.put("method", "POST");
    assertThat(invoke(event)).containsEntry("isAuthorized", false);

    event.put("headers", Map.of("authorization", "Bearer " + tamper(token)));
    assertThat(invoke(event)).containsEntry("isAuthorized", false);
  }

  @Test
  void seesARevokedTokenWithinTheStatedBound() throws Exception {
    Duration bound = Duration.ofSeconds(1); // REVOCATION_CACHE_SECONDS in this test
    String token = token("revoked", "orders:read");
    Map<String, Object> event = restEvent(token, "GET", "/orders/7");
    assertThat(statement(invoke(event))).containsEntry("Effect", "Allow");
    String jti = (String) ((Map<?, ?>) invoke(event).get("context")).get("jti");

    revocations.revokeToken(jti, Instant.now().plusSeconds(900), "test");
    Instant revokedAt = Instant.now();
    Duration seen = null;
    while (seen == null) {
      try {
        invoke(event);
        assertThat(Duration.between(revokedAt, Instant.now())).isLessThan(bound.plusSeconds(2));
        Thread.sleep(20);
      } catch (TokenAuthorizer.Unauthorized denied) {
        seen = Duration.between(revokedAt, Instant.now());
      }
    }
    System.out.println(
        "revocation reached the warm authorizer after "
            + seen.toMillis()
            + " ms (bound "
            + bound.toMillis()
            + " ms)");
    assertThat(seen).isLessThanOrEqualTo(bound.plusMillis(250));
    assertThat(TELEMETRY.named("authorizer.denied"))
        .anySatisfy(e -> assertThat(e.fields()).containsEntry("reason", "token_revoked"));
  }

  @Test
  void refusesTokensOfAClientRevokedBeforeTheyWereIssuedButNotAfter() throws Exception {
    String before = token("watermarked", "orders:read");
    Thread.sleep(1100);
    revocations.revokeClientTokensBefore(
        "watermarked",
        Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS),
        Instant.now().plusSeconds(900));
    Thread.sleep(1000);
    String after = token("watermarked", "orders:read");

    assertThatThrownBy(() -> invoke(restEvent(before, "GET", "/orders/1")))
        .isInstanceOf(TokenAuthorizer.Unauthorized.class);
    assertThat(statement(invoke(restEvent(after, "GET", "/orders/1"))))
        .containsEntry("Effect", "Allow");
  }

  /** The token's claims and header, signed by {@code signer} under {@code kid}. */
  private static String resigned(String token, String kid, com.nimbusds.jose.JWSSigner signer)
      throws Exception {
    var original = com.nimbusds.jwt.SignedJWT.parse(token);
    var copy =
        new com.nimbusds.jwt.SignedJWT(
            new com.nimbusds.jose.JWSHeader.Builder(original.getHeader()).keyID(kid).build(),
            original.getJWTClaimsSet());
    copy.sign(signer);
    return copy.serialize();
  }

  /** A key record as someone with write access to the key table could write it. */
  private static SigningKey row(String keyReference, com.nimbusds.jose.jwk.JWK publicJwk) {
    return new SigningKey(
        publicJwk.getKeyID(),
        keyReference,
        com.nimbusds.jose.JWSAlgorithm.RS256,
        publicJwk,
        KeyState.PENDING,
        Instant.now(),
        null,
        null,
        null,
        1);
  }

  @Test
  void refusesTokensOfKeysWhoseTableRecordKmsDoesNotConfirm() throws Exception {
    var keys = new DynamoDbKeyRepository(aws.dynamoDb, aws.tables.keys());
    SigningKey active =
        keys.findAll().stream().filter(k -> k.state() == KeyState.ACTIVE).findFirst().orElseThrow();
    // A public key of the forger's own, recorded under the broker's real KMS key.
    var forgersKey = (com.nimbusds.jose.jwk.RSAKey) TestKeys.generate(JWSAlgorithm.RS256);
    SigningKey forged = row(active.keyReference(), forgersKey.toPublicJWK());
    // A genuine KMS key of the broker's, named by its ARN instead of its bare id.
    var genuine = new KmsKeyManager(aws.kms, "test").create(JWSAlgorithm.RS256, "c");
    String arn = aws.kms.describeKey(r -> r.keyId(genuine.keyReference())).keyMetadata().arn();
    SigningKey byArn = row(arn, genuine.publicJwk());
    keys.create(forged);
    keys.create(byArn);
    String token = token("forgery", "orders:read");
    String forgedToken =
        resigned(token, forged.kid(), new com.nimbusds.jose.crypto.RSASSASigner(forgersKey));
    String byArnToken =
        resigned(
            token,
            byArn.kid(),
            KeySignerJws.jwsSigner(
                new KmsKeySigner(aws.kms), row(genuine.keyReference(), genuine.publicJwk())));
    RecordingTelemetry telemetry = new RecordingTelemetry();
    try {
      TokenAuthorizer fresh = wired(environment(Map.of()), telemetry);

      for (String refused : List.of(forgedToken, byArnToken)) {
        assertThatThrownBy(() -> invoke(fresh, restEvent(refused, "GET", "/orders/1")))
            .isInstanceOf(TokenAuthorizer.Unauthorized.class);
      }
      assertThat(statement(invoke(fresh, restEvent(token, "GET", "/orders/1"))))
          .containsEntry("Effect", "Allow");
      assertThat(telemetry.named("keys.unverified_key"))
          .extracting(e -> e.fields().get("kid"))
          .containsExactlyInAnyOrder(forged.kid(), byArn.kid());
      assertThat(telemetry.everything()).doesNotContain("arn:aws:kms");
    } finally {
      keys.update(forged.moveTo(KeyState.WITHDRAWN, Instant.now()));
      keys.update(byArn.moveTo(KeyState.WITHDRAWN, Instant.now()));
    }
  }

  @Test
  void failsClosedAndFastWhenItsStoresAreUnreachable() {
    var cutOff =
        wired(
            environment(
                Map.of(
                    "AWS_ENDPOINT_URL", "http://127.0.0.1:9", "DEPENDENCY_TIMEOUT_MILLIS", "500")),
            new RecordingTelemetry());
    Instant start = Instant.now();

    assertThatThrownBy(
            () -> invoke(cutOff, restEvent(token("x", "orders:read"), "GET", "/orders/1")))
        .isInstanceOf(TokenAuthorizer.Unavailable.class)
        .isNotInstanceOf(TokenAuthorizer.Unauthorized.class);
    assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(3));
  }

  private static String tamper(String token) {
    String[] parts = token.split("\\.");
    String payload =
        Base64URL.from(parts[1]).decodeToString().replace("orders:read", "orders:write");
    return parts[0] + "." + Base64URL.encode(payload) + "." + parts[2];
  }

  private static Map<String, Object> withoutAuthorization(Map<String, Object> event) {
    event.put("multiValueHeaders", Map.of());
    event.put("headers", Map.of());
    return event;
  }

  private static Map<String, Object> withAuthorization(
      Map<String, Object> event, List<String> values) {
    event.put("multiValueHeaders", Map.of("Authorization", values));
    event.put("headers", Map.of("Authorization", values.getLast()));
    return event;
  }
}
