package io.tokenbroker.system.calls;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.util.JSONObjectUtils;
import io.tokenbroker.adapters.aws.AwsClients;
import io.tokenbroker.adapters.aws.AwsSettings;
import io.tokenbroker.adapters.aws.ClientTimeouts;
import io.tokenbroker.adapters.dynamodb.BrokerTables;
import io.tokenbroker.adapters.dynamodb.DynamoDbClientRepository;
import io.tokenbroker.adapters.provisioning.BrokerProvisioner;
import io.tokenbroker.adapters.provisioning.NonceKeyProvisioner;
import io.tokenbroker.adapters.wiring.KeyRotationWiring;
import io.tokenbroker.adapters.wiring.TokenWiring;
import io.tokenbroker.bench.BenchFixtures;
import io.tokenbroker.clients.ClientJson;
import io.tokenbroker.config.Env;
import io.tokenbroker.devsupport.FaultProxy;
import io.tokenbroker.devsupport.LocalAws;
import io.tokenbroker.devsupport.MotoExtension;
import io.tokenbroker.functions.authorizer.AuthorizerWiring;
import io.tokenbroker.functions.authorizer.TokenAuthorizer;
import io.tokenbroker.functions.token.TokenHandler;
import io.tokenbroker.telemetry.Telemetry;
import io.tokenbroker.testing.ClientAssertions;
import io.tokenbroker.testing.DpopProofs;
import io.tokenbroker.testing.EventFiles;
import io.tokenbroker.testing.MutableClock;
import io.tokenbroker.testing.RecordingTelemetry;
import io.tokenbroker.testing.TestKeys;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * How many AWS calls one request costs, counted at the SDK (an ExecutionInterceptor on every client
 * the functions build) against moto, through the real handlers wired from their environment. A
 * behaviour test, not a timing test: the counts are part of the functions' design (the token
 * function's key cache, the authorizer's key and revocation caches, no KMS at the edge).
 */
@ExtendWith(MotoExtension.class)
class AwsCallsPerRequestIT {

  private static final ECKey WORKLOAD_KEY = (ECKey) TestKeys.generate(JWSAlgorithm.ES256);

  private static Env env;
  private static LocalAws aws;

  @BeforeAll
  static void setUp(LocalAws local) {
    aws = local;
    AwsSettings settings =
        AwsSettings.from(Env.of(local.environment()), ClientTimeouts.background());
    DynamoDbClient dynamoDb = AwsClients.dynamoDb(settings);
    BrokerTables tables = BrokerTables.withPrefix(local.prefix());
    new BrokerProvisioner(dynamoDb).createTables(tables);
    env =
        Env.of(local.environment())
            .with(tables.environment())
            .with(
                Map.of(
                    "BROKER_NAME", "bench",
                    "ISSUER", BenchFixtures.ISSUER,
                    "AUDIENCE", BenchFixtures.AUDIENCE,
                    "ROUTE_SCOPES", BenchFixtures.ROUTES,
                    "REVOCATION_CACHE_SECONDS", "300"));
    // The rotation function's first run: one ACTIVE RS256 key in KMS, recorded in the key table.
    KeyRotationWiring.fromEnvironment(env, Clock.systemUTC(), BenchFixtures.telemetry("rotation"))
        .rotation()
        .rotate(false);
    var clients = new DynamoDbClientRepository(dynamoDb, tables.clients());
    clients.save(BenchFixtures.iamClient(), 0);
    clients.save(BenchFixtures.keyClient("workload", WORKLOAD_KEY), 0);
    Map<String, Object> refreshing =
        new java.util.HashMap<>(
            ClientJson.toJson(BenchFixtures.keyClient("refreshing", WORKLOAD_KEY)));
    refreshing.put("refresh_tokens", Map.of("enabled", true));
    clients.save(ClientJson.parse(JSONObjectUtils.toJSONString(refreshing)), 0);
  }

  /**
   * The functions' clock: it moves only when a test says so, so that a slow machine cannot expire a
   * cache between two requests and add a read the test does not expect.
   */
  private final MutableClock clock = new MutableClock(Instant.now());

  /** The token function as Lambda wires it, from {@code env}. */
  private TokenHandler tokenHandler(Env env, Telemetry telemetry) {
    TokenWiring wiring = TokenWiring.fromEnvironment(env, clock, telemetry);
    return new TokenHandler(
        wiring.clientAuthentication(),
        wiring.tokens(),
        wiring.refreshes(),
        wiring.exchanges(),
        wiring.dpop(),
        wiring.handlerTelemetry());
  }

  /** The authorizer as Lambda wires it, from {@code env}. */
  private TokenAuthorizer authorizer(Env env, Telemetry telemetry) {
    AuthorizerWiring wiring = AuthorizerWiring.fromEnvironment(env, clock, telemetry);
    return new TokenAuthorizer(
        wiring.verifier(), wiring.dpop(), wiring.config().routes(), wiring.handlerTelemetry());
  }

  /** As Lambda's init builds it: the wiring, then its best-effort read of the keys. */
  private TokenAuthorizer initializedAuthorizer(Env env, Telemetry telemetry) {
    AuthorizerWiring wiring = AuthorizerWiring.fromEnvironment(env, clock, telemetry);
    TokenAuthorizer authorizer =
        new TokenAuthorizer(wiring.verifier(), wiring.config().routes(), wiring.handlerTelemetry());
    wiring.readKeysAhead();
    return authorizer;
  }

  @Test
  void tokenFunctionSignsOnceAndWritesOneRecordPerTokenReadingKeysOnlyWhenItsCacheIsCold() {
    TokenHandler handler = tokenHandler(env, BenchFixtures.telemetry("token"));
    byte[] iam = json(EventFiles.load("token/client-credentials-iam.json"));

    Map<String, Integer> cold = counted(() -> assertIssued(invoke(handler, iam)));
    Map<String, Integer> warm = counted(() -> assertIssued(invoke(handler, iam)));
    Map<String, Integer> privateKeyJwt =
        counted(() -> assertIssued(invoke(handler, privateKeyJwtEvent())));

    report("token /token/iam, first request of a container", cold);
    report("token /token/iam, warm", warm);
    report("token /token (private_key_jwt), warm", privateKeyJwt);
    assertThat(cold)
        .isEqualTo(
            Map.of(
                "DynamoDb Scan keys", 1,
                "DynamoDb GetItem clients", 2,
                "Kms Sign", 1,
                "DynamoDb PutItem issuances", 1));
    assertThat(warm)
        .isEqualTo(
            Map.of(
                "DynamoDb GetItem clients", 2,
                "Kms Sign", 1,
                "DynamoDb PutItem issuances", 1));
    assertThat(privateKeyJwt)
        .isEqualTo(
            Map.of(
                "DynamoDb GetItem clients", 1,
                "DynamoDb PutItem assertions", 1,
                "Kms Sign", 1,
                "DynamoDb PutItem issuances", 1));
  }

  /**
   * DPoP (RFC 9449) at the token endpoint: a proof costs one conditional write (its single use, in
   * the assertions table) and no read; server nonces cost one KMS GenerateMac per container per
   * nonce period, none per request.
   */
  @Test
  @SuppressWarnings("unchecked")
  void tokenFunctionChecksADpopProofWithOneWriteAndANonceWithOneMacAPeriod() throws Exception {
    TokenHandler handler = tokenHandler(env, BenchFixtures.telemetry("token"));
    assertIssued(invoke(handler, privateKeyJwtEvent()));
    ECKey proofKey = DpopProofs.ecKey();

    Map<String, Integer> withProof =
        counted(() -> assertIssued(invoke(handler, withDpop(proof(proofKey, null)))));

    report("token /token (private_key_jwt) with a DPoP proof, warm", withProof);
    assertThat(withProof)
        .isEqualTo(
            Map.of(
                "DynamoDb GetItem clients", 1,
                "DynamoDb PutItem assertions", 2,
                "Kms Sign", 1,
                "DynamoDb PutItem issuances", 1));

    String nonceKey =
        NonceKeyProvisioner.create(
            AwsSettings.from(Env.of(aws.environment()), ClientTimeouts.background()), "bench");
    TokenHandler noncing =
        tokenHandler(
            env.with(Map.of("DPOP_NONCES", "required", "DPOP_NONCE_KEY_ID", nonceKey)),
            BenchFixtures.telemetry("token"));
    assertIssued(invoke(noncing, privateKeyJwtEvent()));
    String[] asked = new String[1];
    Map<String, Integer> firstProof =
        counted(() -> asked[0] = invoke(noncing, withDpop(proof(proofKey, null))));
    Map<String, Object> answer = JSONObjectUtils.parse(asked[0]);
    String nonce = ((Map<String, String>) answer.get("headers")).get("DPoP-Nonce");
    Map<String, Integer> withNonce =
        counted(() -> assertIssued(invoke(noncing, withDpop(proof(proofKey, nonce)))));

    report("token /token, nonces required: a proof without one (first of the period)", firstProof);
    report("token /token (private_key_jwt), nonces required, with the nonce", withNonce);
    assertThat(firstProof).isEqualTo(Map.of("Kms GenerateMac", 1));
    assertThat(withNonce)
        .isEqualTo(
            Map.of(
                "DynamoDb GetItem clients", 1,
                "DynamoDb PutItem assertions", 2,
                "Kms Sign", 1,
                "DynamoDb PutItem issuances", 1));
  }

  private String proof(ECKey key, String nonce) {
    DpopProofs proof = DpopProofs.by(key, "POST", BenchFixtures.ISSUER + "/token", clock.instant());
    return (nonce == null ? proof : proof.claim("nonce", nonce)).sign();
  }

  @SuppressWarnings("unchecked")
  private static byte[] withDpop(String proof) {
    Map<String, Object> event;
    try {
      event = JSONObjectUtils.parse(new String(privateKeyJwtEvent(), StandardCharsets.UTF_8));
    } catch (ParseException e) {
      throw new IllegalStateException(e);
    }
    ((Map<String, Object>) event.get("headers")).put("DPoP", proof);
    ((Map<String, Object>) event.get("multiValueHeaders")).put("DPoP", java.util.List.of(proof));
    return json(event);
  }

  /**
   * The price of "a key the table withdrew signs for at most 1 s more": a warm container confirms
   * its signing key with one key-row read once its last read is over a second old, although the
   * key-table cache (30 s) is still fresh; the requests right after it add nothing.
   */
  @Test
  void tokenFunctionReconfirmsItsSigningKeyWithAtMostOneRowReadASecond() {
    TokenHandler handler = tokenHandler(env, BenchFixtures.telemetry("token"));
    byte[] iam = json(EventFiles.load("token/client-credentials-iam.json"));
    assertIssued(invoke(handler, iam));

    clock.advance(Duration.ofMillis(1100));
    Map<String, Integer> aSecondLater = counted(() -> assertIssued(invoke(handler, iam)));
    Map<String, Integer> rightAfter = counted(() -> assertIssued(invoke(handler, iam)));

    report("token /token/iam, warm, signing key last confirmed over 1 s ago", aSecondLater);
    assertThat(aSecondLater)
        .isEqualTo(
            Map.of(
                "DynamoDb GetItem clients", 2,
                "DynamoDb GetItem keys", 1,
                "Kms Sign", 1,
                "DynamoDb PutItem issuances", 1));
    assertThat(rightAfter)
        .isEqualTo(
            Map.of(
                "DynamoDb GetItem clients", 2,
                "Kms Sign", 1,
                "DynamoDb PutItem issuances", 1));
  }

  /**
   * Token reuse (TOKEN_REUSE_SECONDS): an identical request within the window costs no KMS Sign and
   * no new record; it reads the token's revocation state (one BatchGetItem, as an authorizer does)
   * and records the delivery on the issuance record (one UpdateItem). A fresh mint with reuse on
   * costs what it costs with reuse off.
   */
  @Test
  void
      tokenFunctionReusingAnIdenticalRequestsTokenSignsNothingReadsRevocationsOnceAndUpdatesTheRecord() {
    TokenHandler handler =
        tokenHandler(
            env.with(Map.of("TOKEN_REUSE_SECONDS", "60")), BenchFixtures.telemetry("token"));
    byte[] iam = json(EventFiles.load("token/client-credentials-iam.json"));
    assertIssued(invoke(handler, privateKeyJwtEvent())); // the key table read: a warm container

    Map<String, Integer> fresh = counted(() -> assertIssued(invoke(handler, iam)));
    Map<String, Integer> reused = counted(() -> assertIssued(invoke(handler, iam)));
    Map<String, Integer> reusedByKey =
        counted(() -> assertIssued(invoke(handler, privateKeyJwtEvent())));

    report("token /token/iam, TOKEN_REUSE_SECONDS=60, first request (fresh mint), warm", fresh);
    report("token /token/iam, TOKEN_REUSE_SECONDS=60, identical request (reused)", reused);
    report("token /token (private_key_jwt), TOKEN_REUSE_SECONDS=60, reused", reusedByKey);
    assertThat(fresh)
        .isEqualTo(
            Map.of(
                "DynamoDb GetItem clients", 2,
                "Kms Sign", 1,
                "DynamoDb PutItem issuances", 1));
    assertThat(reused)
        .isEqualTo(
            Map.of(
                "DynamoDb GetItem clients", 2,
                "DynamoDb BatchGetItem revocations", 1,
                "DynamoDb UpdateItem issuances", 1));
    assertThat(reusedByKey)
        .isEqualTo(
            Map.of(
                "DynamoDb GetItem clients", 1,
                "DynamoDb PutItem assertions", 1,
                "DynamoDb BatchGetItem revocations", 1,
                "DynamoDb UpdateItem issuances", 1));
  }

  /**
   * A refresh reads the token and its family from the refresh table, and decides revocation from
   * the revocations table in one read (family record and client watermark, the records authorizers
   * read); the rotation's one transaction re-checks them.
   */
  @Test
  void refreshReadsRevocationsOnceAndRotatesInOneTransaction() {
    TokenHandler handler = tokenHandler(env, BenchFixtures.telemetry("token"));
    String refreshToken =
        refreshToken(invoke(handler, privateKeyJwtEvent("refreshing", "client_credentials")));

    Map<String, Integer> refresh =
        counted(
            () ->
                assertIssued(
                    invoke(
                        handler,
                        privateKeyJwtEvent(
                            "refreshing", "refresh_token&refresh_token=" + refreshToken))));

    report("token /token (refresh_token grant, private_key_jwt), warm", refresh);
    assertThat(refresh)
        .isEqualTo(
            Map.of(
                "DynamoDb GetItem clients", 1,
                "DynamoDb PutItem assertions", 1,
                "DynamoDb GetItem tokens", 2,
                "DynamoDb BatchGetItem revocations", 1,
                "Kms Sign", 1,
                "DynamoDb TransactWriteItems", 1));
  }

  @Test
  void authorizerChecksEachKeyWithKmsOnceAndReadsRevocationsOncePerTokenPerCachePeriod() {
    TokenHandler tokens = tokenHandler(env, BenchFixtures.telemetry("token"));
    byte[] iam = json(EventFiles.load("token/client-credentials-iam.json"));
    String first = accessToken(invoke(tokens, iam));
    String second = accessToken(invoke(tokens, iam));
    TokenAuthorizer authorizer = authorizer(env, BenchFixtures.telemetry("authorizer"));

    Map<String, Integer> cold =
        counted(() -> assertAllowed(invoke(authorizer, BenchFixtures.authorizerEvent(first))));
    Map<String, Integer> sameToken =
        counted(() -> assertAllowed(invoke(authorizer, BenchFixtures.authorizerEvent(first))));
    Map<String, Integer> newToken =
        counted(() -> assertAllowed(invoke(authorizer, BenchFixtures.authorizerEvent(second))));

    report("authorizer, first decision of a container", cold);
    report("authorizer, same token again (warm)", sameToken);
    report("authorizer, a token not seen before (warm keys)", newToken);
    // One GetPublicKey per published key per container (here one key), never on a warm path.
    assertThat(cold)
        .isEqualTo(
            Map.of(
                "DynamoDb Scan keys", 1,
                "Kms GetPublicKey", 1,
                "DynamoDb BatchGetItem revocations", 1));
    assertThat(sameToken).isEmpty();
    assertThat(newToken).isEqualTo(Map.of("DynamoDb BatchGetItem revocations", 1));
  }

  /**
   * Issue 14: a DPoP decision adds exactly one AWS call to the bearer decision's, the proof's
   * single-use conditional PutItem in the assertions table; a refused proof costs none.
   */
  @Test
  @SuppressWarnings("unchecked")
  void authorizerWritesEachDpopProofOnceAndNothingElseMore() throws Exception {
    Env dpopEnv = env.with(Map.of("AUTHORIZER_RESULT_TTL_SECONDS", "0"));
    ECKey holder = io.tokenbroker.testing.DpopProofs.ecKey();
    Map<String, Object> tokenRequest = EventFiles.load("token/client-credentials-iam.json");
    String tokenProof =
        io.tokenbroker.testing.DpopProofs.by(
                holder, "POST", BenchFixtures.ISSUER + "/token/iam", Instant.now())
            .sign();
    ((Map<String, Object>) tokenRequest.get("headers")).put("DPoP", tokenProof);
    ((Map<String, Object>) tokenRequest.get("multiValueHeaders"))
        .put("DPoP", java.util.List.of(tokenProof));
    String token =
        accessToken(
            invoke(tokenHandler(dpopEnv, BenchFixtures.telemetry("token")), json(tokenRequest)));
    TokenAuthorizer authorizer = authorizer(dpopEnv, BenchFixtures.telemetry("authorizer"));
    String url = "https://api.example.com/shop/orders/42";

    Map<String, Integer> cold =
        counted(
            () ->
                assertAllowed(
                    invoke(
                        authorizer,
                        BenchFixtures.dpopAuthorizerEvent(
                            token,
                            io.tokenbroker.testing.DpopProofs.by(holder, "GET", url, Instant.now())
                                .ath(token)
                                .sign()))));
    Map<String, Integer> warm =
        counted(
            () ->
                assertAllowed(
                    invoke(
                        authorizer,
                        BenchFixtures.dpopAuthorizerEvent(
                            token,
                            io.tokenbroker.testing.DpopProofs.by(holder, "GET", url, Instant.now())
                                .ath(token)
                                .sign()))));
    Map<String, Integer> refused =
        counted(
            () ->
                org.assertj.core.api.Assertions.assertThatThrownBy(
                        () ->
                            invoke(
                                authorizer,
                                BenchFixtures.dpopAuthorizerEvent(
                                    token,
                                    io.tokenbroker.testing.DpopProofs.by(
                                            holder, "POST", url, Instant.now())
                                        .ath(token)
                                        .sign())))
                    .hasMessage("Unauthorized"));

    report("authorizer, first DPoP decision of a container", cold);
    report("authorizer, DPoP decision, same token, new proof (warm)", warm);
    report("authorizer, DPoP proof refused (wrong htm)", refused);
    assertThat(cold)
        .isEqualTo(
            Map.of(
                "DynamoDb Scan keys", 1,
                "Kms GetPublicKey", 1,
                "DynamoDb BatchGetItem revocations", 1,
                "DynamoDb PutItem assertions", 1));
    assertThat(warm).isEqualTo(Map.of("DynamoDb PutItem assertions", 1));
    assertThat(refused).isEmpty();
  }

  /**
   * Issue 13: Lambda's init phase reads the key table and has KMS confirm each key, so the first
   * decision of a container costs its revocation read only, like every other new token.
   */
  @Test
  void authorizerReadsItsKeysAtInitSoTheFirstDecisionReadsOnlyRevocations() {
    String token =
        accessToken(
            invoke(
                tokenHandler(env, BenchFixtures.telemetry("token")),
                json(EventFiles.load("token/client-credentials-iam.json"))));
    TokenAuthorizer[] authorizer = new TokenAuthorizer[1];

    Map<String, Integer> init =
        counted(
            () ->
                authorizer[0] = initializedAuthorizer(env, BenchFixtures.telemetry("authorizer")));
    Map<String, Integer> first =
        counted(() -> assertAllowed(invoke(authorizer[0], BenchFixtures.authorizerEvent(token))));

    report("authorizer, init phase", init);
    report("authorizer, first decision of a container after the init read", first);
    assertThat(init).isEqualTo(Map.of("DynamoDb Scan keys", 1, "Kms GetPublicKey", 1));
    assertThat(first).isEqualTo(Map.of("DynamoDb BatchGetItem revocations", 1));
  }

  /** The init read failing is no failure: it is logged without detail and the decision reads. */
  @Test
  void authorizerWhoseInitReadFailsReadsItsKeysAtTheFirstDecision() {
    String token =
        accessToken(
            invoke(
                tokenHandler(env, BenchFixtures.telemetry("token")),
                json(EventFiles.load("token/client-credentials-iam.json"))));
    RecordingTelemetry telemetry = new RecordingTelemetry();
    try (FaultProxy proxy = FaultProxy.start(aws.endpoint())) {
      Env faulty = env.with(Map.of("AWS_ENDPOINT_URL", proxy.endpoint().toString()));
      proxy.inject("Scan keys", 1, Integer.MAX_VALUE, FaultProxy.Fault.SERVER_ERROR);
      TokenAuthorizer authorizer = initializedAuthorizer(faulty, telemetry);
      assertThat(proxy.clear()).as("init's key reads failed").isPositive();

      Map<String, Integer> first =
          counted(() -> assertAllowed(invoke(authorizer, BenchFixtures.authorizerEvent(token))));

      report("authorizer, first decision after a failed init read", first);
      assertThat(first)
          .isEqualTo(
              Map.of(
                  "DynamoDb Scan keys", 1,
                  "Kms GetPublicKey", 1,
                  "DynamoDb BatchGetItem revocations", 1));
    }
    assertThat(telemetry.named("authorizer.keys_not_read_at_init")).hasSize(1);
    assertThat(telemetry.named("authorizer.keys_not_read_at_init").getFirst().fields()).isEmpty();
  }

  /** The calls {@code request} made, after checking the SDK did not retry any of them. */
  private static Map<String, Integer> counted(Runnable request) {
    AwsCallCounter.reset();
    request.run();
    Map<String, Integer> calls = AwsCallCounter.calls();
    assertThat(AwsCallCounter.attempts()).as("HTTP attempts (retries)").isEqualTo(calls);
    return calls;
  }

  private static void report(String what, Map<String, Integer> calls) {
    System.out.println("AWS calls | " + what + " | " + (calls.isEmpty() ? "none" : calls));
  }

  private static byte[] privateKeyJwtEvent() {
    return privateKeyJwtEvent("workload", "client_credentials");
  }

  private static byte[] privateKeyJwtEvent(String clientId, String grant) {
    Map<String, Object> event = EventFiles.load("token/client-credentials-private-key-jwt.json");
    event.put(
        "body",
        "grant_type="
            + grant
            + "&scope=orders%3Aread&"
            + ClientAssertions.formParameters(
                ClientAssertions.signed(
                    WORKLOAD_KEY, clientId, BenchFixtures.ISSUER + "/token", Instant.now())));
    return json(event);
  }

  private static byte[] json(Map<String, Object> event) {
    return JSONObjectUtils.toJSONString(event).getBytes(StandardCharsets.UTF_8);
  }

  private static String invoke(
      com.amazonaws.services.lambda.runtime.RequestStreamHandler handler, byte[] event) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      handler.handleRequest(new ByteArrayInputStream(event), out, null);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static void assertIssued(String response) {
    assertThat(response).contains("\"statusCode\":200").contains("access_token");
  }

  private static void assertAllowed(String response) {
    assertThat(response).contains("\"Effect\":\"Allow\"");
  }

  private static String accessToken(String response) {
    return bodyField(response, "access_token");
  }

  private static String refreshToken(String response) {
    return bodyField(response, "refresh_token");
  }

  private static String bodyField(String response, String field) {
    try {
      Map<String, Object> body =
          JSONObjectUtils.parse((String) JSONObjectUtils.parse(response).get("body"));
      return (String) body.get(field);
    } catch (ParseException e) {
      throw new IllegalStateException(e);
    }
  }
}
