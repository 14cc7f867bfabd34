package io.tokenbroker.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.SignedJWT;
import io.tokenbroker.adapters.aws.ClientTimeouts;
import io.tokenbroker.adapters.dynamodb.BrokerTables;
import io.tokenbroker.adapters.dynamodb.DynamoDbIssuanceRepository;
import io.tokenbroker.adapters.dynamodb.DynamoDbKeyRepository;
import io.tokenbroker.adapters.dynamodb.DynamoDbRevocationRepository;
import io.tokenbroker.adapters.kms.KmsKeyManager;
import io.tokenbroker.adapters.wiring.BrokerAdapters;
import io.tokenbroker.adapters.wiring.KeyRotationWiring;
import io.tokenbroker.adapters.wiring.RevocationWiring;
import io.tokenbroker.adapters.wiring.TokenWiring;
import io.tokenbroker.config.Env;
import io.tokenbroker.config.RotationConfig;
import io.tokenbroker.devsupport.FaultProxy;
import io.tokenbroker.devsupport.FaultProxy.Call;
import io.tokenbroker.devsupport.FaultProxy.Fault;
import io.tokenbroker.devsupport.LocalAws;
import io.tokenbroker.devsupport.MotoExtension;
import io.tokenbroker.functions.authorizer.AuthorizerWiring;
import io.tokenbroker.functions.authorizer.TokenAuthorizer;
import io.tokenbroker.functions.revocation.RevocationConfig;
import io.tokenbroker.functions.revocation.RevocationHandler;
import io.tokenbroker.functions.token.TokenHandler;
import io.tokenbroker.keys.SigningKey;
import io.tokenbroker.telemetry.Telemetry;
import io.tokenbroker.testing.AwsFixture;
import io.tokenbroker.testing.ClientAssertions;
import io.tokenbroker.testing.Clients;
import io.tokenbroker.testing.EventFiles;
import io.tokenbroker.testing.MotoBroker;
import io.tokenbroker.testing.RecordingTelemetry;
import io.tokenbroker.testing.TestKeys;
import io.tokenbroker.tokens.TokenDigest;
import io.tokenbroker.verify.RevocationStatus;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiPredicate;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.kms.model.KeyState;

/**
 * The broker's promises with AWS failing under it. A {@link FaultProxy} sits between the real
 * handlers and moto; each flow (mint, refresh, revoke, rotation, the authorizer) first runs clean
 * to list its AWS calls, then once per call and fault kind with that call failing, either once (the
 * SDK's retry gets through) or on every attempt. After each run the test reads the state straight
 * from moto and checks the promise:
 *
 * <ul>
 *   <li>no access token returned without its durable issuance record, and at most one record per
 *       request (a record without a token only when the record's write took effect and its answer
 *       was lost);
 *   <li>no revocation acknowledged and then missing;
 *   <li>after the next rotation run, the key table and KMS consistent (one ACTIVE key, every
 *       published key usable, every unrecorded key of ours on its way to deletion);
 *   <li>the authorizer never allows while its stores fail, and answers within its budget;
 *   <li>a fault on one attempt that the SDK retries is invisible to the caller.
 * </ul>
 */
@ExtendWith(MotoExtension.class)
class FaultInjectionIT {

  private static final String ISSUER = MotoBroker.ISSUER;
  private static final ECKey WORKLOAD_KEY = TestKeys.ec();
  private static final String AUDIENCE = "https://orders.example.com";
  private static final String ROUTES = "{\"GET /orders/*\": [\"orders:read\"]}";
  private static final int ONCE = 1;
  private static final int EVERY_ATTEMPT = Integer.MAX_VALUE;
  private static final Duration AUTHORIZER_BUDGET = Duration.ofMillis(500);

  /** {@code -Dfaults=full}: every fault kind both once and on every attempt, at every call. */
  private static final boolean FULL = "full".equals(System.getProperty("faults"));

  /**
   * By default each call is failed once in the three ways an SDK retry must absorb (a throttle, a
   * reset, a write whose answer is lost) and on every attempt in three ways it cannot (a 5xx, a
   * timeout, a lost answer): the full matrix adds little and takes four times as long.
   */
  private static final BiPredicate<Fault, Integer> DEFAULT_MATRIX =
      (fault, times) ->
          times == ONCE
              ? Set.of(Fault.THROTTLE, Fault.RESET, Fault.LOST_RESPONSE).contains(fault)
              : Set.of(Fault.SERVER_ERROR, Fault.TIMEOUT, Fault.LOST_RESPONSE).contains(fault);

  /** Rotation's calls are many and each run provisions its own tables: fewer by default. */
  private static final BiPredicate<Fault, Integer> ROTATION_MATRIX =
      (fault, times) ->
          FULL
              || (times == ONCE
                  ? fault == Fault.LOST_RESPONSE
                  : Set.of(Fault.SERVER_ERROR, Fault.LOST_RESPONSE).contains(fault));

  private static LocalAws local;
  private static MotoBroker broker;
  private static FaultProxy proxy;
  private static Env faulty;
  private static DynamoDbIssuanceRepository issuances;
  private static DynamoDbRevocationRepository revocations;
  private static final List<String> REPORT = Collections.synchronizedList(new ArrayList<>());
  private static final Map<String, String> CALLS_BY_FLOW = new TreeMap<>();
  private static final AtomicLong INJECTED = new AtomicLong();

  @BeforeAll
  static void setUp(LocalAws aws) {
    local = aws;
    broker = new MotoBroker(aws);
    broker.register(Clients.withKey("workload", WORKLOAD_KEY));
    Map<String, Object> refreshing = Clients.withKeys(Clients.json("refreshing"), WORKLOAD_KEY);
    refreshing.put("refresh_tokens", Map.of("enabled", true));
    broker.register(Clients.parse(refreshing));
    proxy = FaultProxy.start(aws.endpoint());
    faulty =
        broker.env.with(
            Map.of(
                "AWS_ENDPOINT_URL",
                proxy.endpoint().toString(),
                "AUDIENCE",
                AUDIENCE,
                "ROUTE_SCOPES",
                ROUTES,
                "DEPENDENCY_TIMEOUT_MILLIS",
                Long.toString(AUTHORIZER_BUDGET.toMillis())));
    issuances = new DynamoDbIssuanceRepository(broker.aws.dynamoDb, broker.aws.tables.issuances());
    revocations =
        new DynamoDbRevocationRepository(broker.aws.dynamoDb, broker.aws.tables.revocations());
  }

  @AfterAll
  static void tearDown() {
    proxy.close();
    Map<String, Long> outcomes =
        REPORT.stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    outcomes.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> System.out.println("FAULTS | " + e.getKey() + " | " + e.getValue()));
    CALLS_BY_FLOW.forEach(
        (flow, calls) -> System.out.println("FAULTS | " + flow + " calls | " + calls));
    System.out.println("FAULTS | failed attempts injected | " + INJECTED.get());
  }

  // ---------------------------------------------------------------- mint

  @TestFactory
  Stream<DynamicTest> mintKeepsARecordForEveryTokenItReturns() {
    return scenarios(
        "mint",
        () ->
            assertThat(status(mint(tokenHandler(faulty, new RecordingTelemetry())))).isEqualTo(200),
        (call, fault, times) -> {
          TokenHandler handler = tokenHandler(faulty, new RecordingTelemetry());
          long before = recordsOf("workload");

          Map<String, Object> response = underFault(call, fault, times, () -> mint(handler));

          long written = recordsOf("workload") - before;
          if (status(response) == 200) {
            assertRecorded(accessToken(response));
            assertThat(written).isEqualTo(1);
            return "issued";
          }
          assertRetryable(response, times);
          assertThat(written).isLessThanOrEqualTo(fault == Fault.LOST_RESPONSE ? 1 : 0);
          return written == 0 ? "refused, nothing written" : "refused, orphan record";
        });
  }

  // ---------------------------------------------------------------- token reuse

  /**
   * TOKEN_REUSE_SECONDS: the second of two identical requests, which would get the first's token
   * again. Whatever fails, a returned token is recorded, and the first token is only handed out
   * again with its delivery recorded; a failed revocation read or delivery write means a new token,
   * never a 5xx.
   */
  @TestFactory
  Stream<DynamicTest> reuseHandsATokenOutAgainOnlyWithItsDeliveryRecorded() {
    Env reusing = faulty.with(Map.of("TOKEN_REUSE_SECONDS", "60"));
    return scenarios(
        "reuse",
        () -> {
          TokenHandler handler = tokenHandler(reusing, new RecordingTelemetry());
          String first = accessToken(mint(handler));
          proxy.resetCalls(); // the flow is the second request
          assertThat(accessToken(mint(handler))).isEqualTo(first);
        },
        (call, fault, times) -> {
          TokenHandler handler = tokenHandler(reusing, new RecordingTelemetry());
          String first = accessToken(mint(handler));
          String jti = SignedJWT.parse(first).getJWTClaimsSet().getJWTID();

          Map<String, Object> response = underFault(call, fault, times, () -> mint(handler));

          boolean reuseOnly = call.startsWith("BatchGetItem") || call.startsWith("UpdateItem");
          if (status(response) != 200) {
            assertThat(reuseOnly).as("a reuse read or write failing is no failure").isFalse();
            assertRetryable(response, times);
            return "refused";
          }
          String token = accessToken(response);
          assertRecorded(token);
          if (token.equals(first)) {
            assertThat(issuances.deliveries(jti)).isGreaterThanOrEqualTo(2);
            return "reused, delivery recorded";
          }
          return "new token";
        });
  }

  // ---------------------------------------------------------------- refresh

  @TestFactory
  Stream<DynamicTest> refreshRotatesOnceOrNotAtAll() {
    return scenarios(
        "refresh",
        () -> {
          String refreshToken = refreshToken(mint(clean(), "refreshing"));
          assertThat(status(refresh(tokenHandler(faulty, new RecordingTelemetry()), refreshToken)))
              .isEqualTo(200);
        },
        (call, fault, times) -> {
          Map<String, Object> first = mint(clean(), "refreshing");
          String refreshToken = refreshToken(first);
          TokenHandler handler = tokenHandler(faulty, new RecordingTelemetry());

          Map<String, Object> response =
              underFault(call, fault, times, () -> refresh(handler, refreshToken));

          if (status(response) == 200) {
            assertRecorded(accessToken(response));
            assertThat(status(refresh(clean(), refreshToken(response)))).isEqualTo(200);
            assertThat(status(refresh(clean(), refreshToken))).isEqualTo(400); // spent
            return "rotated";
          }
          assertRetryable(response, times);
          // The workload retries with the same refresh token.
          Map<String, Object> retried = refresh(clean(), refreshToken);
          if (status(retried) == 200) {
            assertRecorded(accessToken(retried));
            return "refused, retry rotated";
          }
          // Only if the rotation took effect and its answer was lost: the retry is a reuse, and
          // the whole family is revoked (fail closed; the workload starts a new grant).
          assertThat(fault).isEqualTo(Fault.LOST_RESPONSE);
          assertThat(EventFiles.body(retried)).containsEntry("error", "invalid_grant");
          assertThat(revoked(accessToken(first))).isTrue();
          return "refused, retry revoked the family";
        });
  }

  // ---------------------------------------------------------------- revoke

  @TestFactory
  Stream<DynamicTest> revokeAcknowledgesOnlyDurableRevocations() {
    return scenarios(
        "revoke",
        () -> {
          String token = accessToken(mint(clean()));
          assertThat(status(revoke(revocationHandler(faulty, new RecordingTelemetry()), token)))
              .isEqualTo(200);
        },
        (call, fault, times) -> {
          String token = accessToken(mint(clean()));
          RevocationHandler handler = revocationHandler(faulty, new RecordingTelemetry());

          Map<String, Object> response =
              underFault(call, fault, times, () -> revoke(handler, token));

          if (status(response) == 200) {
            assertThat(revoked(token)).isTrue();
            assertRejectedByAFreshAuthorizer(token);
            return "revoked";
          }
          assertRetryable(response, times);
          Map<String, Object> retried =
              revoke(revocationHandler(broker.env, new RecordingTelemetry()), token);
          assertThat(status(retried)).isEqualTo(200);
          assertThat(revoked(token)).isTrue();
          return "refused, retry revoked";
        });
  }

  // ---------------------------------------------------------------- authorizer

  @TestFactory
  Stream<DynamicTest> authorizerNeverAllowsWhileItsStoresFail() {
    String token = accessToken(mint(clean()));
    return scenarios(
        "authorizer",
        () ->
            assertThat(authorize(authorizer(faulty, new RecordingTelemetry()), token))
                .contains("\"Effect\":\"Allow\""),
        (call, fault, times) -> {
          TokenAuthorizer authorizer = authorizer(faulty, new RecordingTelemetry());
          Instant start = Instant.now();

          assertThatThrownBy(
                  () -> underFault(call, fault, times, () -> authorize(authorizer, token)))
              .hasMessage("authorizer dependency unavailable");

          // One attempt per store read, each bounded: never more than both reads' budgets.
          assertThat(Duration.between(start, Instant.now()))
              .isLessThan(AUTHORIZER_BUDGET.multipliedBy(2).plusMillis(700));
          return "denied (500)";
        });
  }

  // ---------------------------------------------------------------- rotation

  /**
   * A forced rotation from one ACTIVE key (every call of the lifecycle's busiest step), each time
   * on a key table of its own. The rotation function runs with the request path's timeouts here so
   * that timeouts cost seconds, not minutes; what happens after a failure does not depend on them.
   */
  @TestFactory
  Stream<DynamicTest> rotationLeavesNothingTheNextRunCannotRepair() {
    return scenarios(
        "rotation",
        ROTATION_MATRIX,
        () -> rotation(new RotationTables().faultyEnv, Clock.systemUTC()).rotate(true),
        (call, fault, times) -> {
          RotationTables tables = new RotationTables();

          RuntimeException failure = null;
          try {
            var report =
                underFault(
                    call,
                    fault,
                    times,
                    () -> rotation(tables.faultyEnv, Clock.systemUTC()).rotate(true));
            if (times == ONCE) {
              assertThat(report.ran()).as("a retried fault does not stop the run").isTrue();
            }
          } catch (RuntimeException failed) {
            failure = failed; // the run gave up; the next one must clean up after it
          }
          if (times == ONCE) {
            assertThat(failure).as("a single fault is retried by the SDK, unseen").isNull();
          }
          // The next scheduled run, past the lease and the grace for unrecorded keys.
          Clock later = Clock.offset(Clock.systemUTC(), Duration.ofHours(2));
          rotation(tables.cleanEnv, later).rotate(false);

          return (failure == null ? "ran" : "run failed") + ", " + tables.assertConsistent();
        });
  }

  /** Tables and a first key of their own, for one rotation scenario. */
  private static final class RotationTables {
    // A deployment name of its own: KMS keys are found by the deployment's tag.
    final String deployment = "rot-" + UUID.randomUUID().toString().substring(0, 8);
    final AwsFixture aws = AwsFixture.provisioned(local.fresh());
    final Env cleanEnv = aws.env(Map.of("BROKER_NAME", deployment));
    final Env faultyEnv = cleanEnv.with(Map.of("AWS_ENDPOINT_URL", proxy.endpoint().toString()));

    RotationTables() {
      rotation(cleanEnv, Clock.systemUTC()).rotate(false); // the first key
    }

    String assertConsistent() {
      List<SigningKey> keys = new DynamoDbKeyRepository(aws.dynamoDb, aws.tables.keys()).findAll();
      Map<KeyState, Long> kms = new HashMap<>();
      assertThat(keys.stream().filter(k -> k.state() == io.tokenbroker.keys.KeyState.ACTIVE))
          .hasSize(1);
      assertThat(keys.stream().filter(k -> k.state() == io.tokenbroker.keys.KeyState.PENDING))
          .hasSizeLessThanOrEqualTo(1);
      for (SigningKey key : keys) {
        KeyState state = kmsState(key.keyReference());
        kms.merge(state, 1L, Long::sum);
        if (key.state().isPublished()) {
          assertThat(state).as("KMS state of published %s", key.kid()).isEqualTo(KeyState.ENABLED);
        }
      }
      Set<String> recorded =
          keys.stream().map(SigningKey::keyReference).collect(Collectors.toSet());
      long orphans = 0;
      for (var owned : new KmsKeyManager(aws.kms, deployment).ownedKeysOtherThan(recorded)) {
        assertThat(owned.pendingDeletion()).as("unrecorded key on its way out").isTrue();
        orphans++;
      }
      return "consistent after the next run"
          + (orphans > 0 ? ", " + orphans + " unrecorded key(s) scheduled for deletion" : "");
    }

    private KeyState kmsState(String keyReference) {
      return aws.kms.describeKey(r -> r.keyId(keyReference)).keyMetadata().keyState();
    }
  }

  /** The token function as Lambda wires it, from {@code env}. */
  private static TokenHandler tokenHandler(Env env, Telemetry telemetry) {
    TokenWiring wiring = TokenWiring.fromEnvironment(env, Clock.systemUTC(), telemetry);
    return new TokenHandler(
        wiring.clientAuthentication(),
        wiring.tokens(),
        wiring.refreshes(),
        wiring.exchanges(),
        wiring.dpop(),
        wiring.handlerTelemetry());
  }

  /** The revocation function as Lambda wires it, from {@code env}. */
  private static RevocationHandler revocationHandler(Env env, Telemetry telemetry) {
    RevocationWiring wiring = RevocationWiring.fromEnvironment(env, Clock.systemUTC(), telemetry);
    return new RevocationHandler(
        wiring.clientAuthentication(),
        wiring.revocations(),
        wiring.operatorRevocations(),
        wiring.operatorAudit(),
        RevocationConfig.from(env).operators(),
        wiring.handlerTelemetry());
  }

  /** The authorizer as Lambda wires it, from {@code env}. */
  private static TokenAuthorizer authorizer(Env env, Telemetry telemetry) {
    AuthorizerWiring wiring = AuthorizerWiring.fromEnvironment(env, Clock.systemUTC(), telemetry);
    return new TokenAuthorizer(
        wiring.verifier(), wiring.config().routes(), wiring.handlerTelemetry());
  }

  private static io.tokenbroker.keys.KeyRotationService rotation(Env env, Clock clock) {
    return new KeyRotationWiring(
            BrokerAdapters.from(env, ClientTimeouts.requestPath()),
            BrokerTables.keysTable(env),
            BrokerTables.revocationsTable(env),
            RotationConfig.from(env),
            clock,
            new RecordingTelemetry())
        .rotation();
  }

  // ---------------------------------------------------------------- scenarios

  @FunctionalInterface
  private interface Scenario {
    /** Runs the flow with {@code call} failing; checks the promise; names the outcome. */
    String run(String call, Fault fault, int times) throws Exception;
  }

  @FunctionalInterface
  private interface Flow<T> {
    T run() throws Exception;
  }

  @FunctionalInterface
  private interface Action {
    void run() throws Exception;
  }

  /**
   * One test per AWS call of the flow (as a clean run makes them), fault kind and persistence.
   * {@code clean} runs the flow once through the proxy with nothing failing.
   */
  private static Stream<DynamicTest> scenarios(String flow, Action clean, Scenario scenario) {
    return scenarios(flow, FULL ? (fault, times) -> true : DEFAULT_MATRIX, clean, scenario);
  }

  private static Stream<DynamicTest> scenarios(
      String flow, BiPredicate<Fault, Integer> matrix, Action clean, Scenario scenario) {
    proxy.resetCalls();
    try {
      clean.run();
    } catch (Exception e) {
      throw new IllegalStateException(flow + " fails with nothing injected", e);
    }
    List<Call> calls = proxy.calls();
    assertThat(calls).as("the %s flow's AWS calls", flow).isNotEmpty();
    CALLS_BY_FLOW.put(flow, calls.stream().map(Call::name).collect(Collectors.joining(", ")));
    List<DynamicTest> tests = new ArrayList<>();
    Map<String, Integer> seen = new HashMap<>();
    for (Call call : calls) {
      String name = call.name();
      int occurrence = seen.merge(name, 1, Integer::sum);
      for (Fault fault : Fault.values()) {
        for (int times : List.of(ONCE, EVERY_ATTEMPT)) {
          if (!matrix.test(fault, times)) {
            continue;
          }
          String label =
              flow
                  + " | "
                  + name
                  + (occurrence > 1 ? " #" + occurrence : "")
                  + " | "
                  + fault
                  + " | "
                  + (times == ONCE ? "once" : "every attempt");
          tests.add(
              DynamicTest.dynamicTest(
                  label,
                  () -> {
                    String outcome = scenario.run(name + "@" + occurrence, fault, times);
                    REPORT.add(label.substring(0, label.indexOf(" | ")) + " | " + outcome);
                  }));
        }
      }
    }
    return tests.stream();
  }

  /** Runs {@code flow} with the {@code call@occurrence} failing; checks a fault was injected. */
  private static <T> T underFault(String callAt, Fault fault, int times, Flow<T> flow)
      throws Exception {
    String call = callAt.substring(0, callAt.indexOf('@'));
    int occurrence = Integer.parseInt(callAt.substring(callAt.indexOf('@') + 1));
    proxy.inject(call, occurrence, times, fault);
    try {
      return flow.run();
    } finally {
      int injected = proxy.clear();
      INJECTED.addAndGet(injected);
      assertThat(injected).as("faults injected on %s", callAt).isPositive();
    }
  }

  // ---------------------------------------------------------------- the flows

  private static TokenHandler clean() {
    return tokenHandler(broker.env, new RecordingTelemetry());
  }

  private static Map<String, Object> mint(TokenHandler handler) {
    return mint(handler, "workload");
  }

  private static Map<String, Object> mint(TokenHandler handler, String clientId) {
    return invoke(
        handler, tokenEvent("grant_type=client_credentials&scope=orders%3Aread", clientId));
  }

  private static Map<String, Object> refresh(TokenHandler handler, String refreshToken) {
    return invoke(
        handler,
        tokenEvent(
            "grant_type=refresh_token&refresh_token="
                + URLEncoder.encode(refreshToken, StandardCharsets.UTF_8),
            "refreshing"));
  }

  private static Map<String, Object> revoke(RevocationHandler handler, String token) {
    Map<String, Object> event = EventFiles.load("revocation/revoke.json");
    event.put("body", "token=" + token + "&token_type_hint=access_token" + clientAuth("workload"));
    return EventFiles.invoke((in, out) -> handler.handleRequest(in, out, null), event);
  }

  @SuppressWarnings("unchecked")
  private static String authorize(TokenAuthorizer authorizer, String token) {
    Map<String, Object> event = EventFiles.load("authorizer/rest-request.json");
    event.put(
        "methodArn", "arn:aws:execute-api:us-east-1:123456789012:orders1234/prod/GET/orders/42");
    event.put("multiValueHeaders", Map.of("Authorization", List.of("Bearer " + token)));
    ((Map<String, Object>) event.get("headers")).put("Authorization", "Bearer " + token);
    return com.nimbusds.jose.util.JSONObjectUtils.toJSONString(
        EventFiles.invoke((in, out) -> authorizer.handleRequest(in, out, null), event));
  }

  private static Map<String, Object> tokenEvent(String form, String clientId) {
    Map<String, Object> event = EventFiles.load("token/client-credentials-private-key-jwt.json");
    event.put("body", form + clientAuth(clientId));
    return event;
  }

  private static String clientAuth(String clientId) {
    return "&"
        + ClientAssertions.formParameters(
            ClientAssertions.signed(WORKLOAD_KEY, clientId, ISSUER + "/token", Instant.now()));
  }

  private static Map<String, Object> invoke(TokenHandler handler, Map<String, Object> event) {
    return EventFiles.invoke((in, out) -> handler.handleRequest(in, out, null), event);
  }

  // ---------------------------------------------------------------- checks

  private static long status(Map<String, Object> response) {
    return ((Number) response.get("statusCode")).longValue();
  }

  private static String accessToken(Map<String, Object> response) {
    Object token = EventFiles.body(response).get("access_token");
    assertThat(token).as("access_token in %s", response).isInstanceOf(String.class);
    return (String) token;
  }

  private static String refreshToken(Map<String, Object> response) {
    Object token = EventFiles.body(response).get("refresh_token");
    assertThat(token).as("refresh_token in %s", response).isInstanceOf(String.class);
    return (String) token;
  }

  /** A retryable refusal: 503 temporarily_unavailable, no token; never after a single fault. */
  private static void assertRetryable(Map<String, Object> response, int times) {
    assertThat(times).as("a single fault is retried by the SDK, unseen").isEqualTo(EVERY_ATTEMPT);
    assertThat(status(response)).isEqualTo(503);
    Map<String, Object> body = EventFiles.body(response);
    assertThat(body).containsEntry("error", "temporarily_unavailable");
    assertThat(body).doesNotContainKeys("access_token", "refresh_token");
  }

  /** The token's issuance record is in the table, for exactly this token. */
  private static void assertRecorded(String token) throws ParseException {
    String jti = SignedJWT.parse(token).getJWTClaimsSet().getJWTID();
    assertThat(issuances.find(jti))
        .as("issuance record of a returned token")
        .hasValueSatisfying(
            record -> assertThat(record.tokenSha256()).isEqualTo(TokenDigest.sha256(token)));
  }

  private static boolean revoked(String token) throws ParseException {
    SignedJWT jwt = SignedJWT.parse(token);
    return revocations.status(
            jwt.getJWTClaimsSet().getJWTID(),
            jwt.getJWTClaimsSet().getStringClaim("client_id"),
            jwt.getHeader().getKeyID(),
            Optional.ofNullable(jwt.getJWTClaimsSet().getStringClaim("sid")))
        != RevocationStatus.NONE;
  }

  private static void assertRejectedByAFreshAuthorizer(String token) {
    TokenAuthorizer authorizer =
        authorizer(
            broker.env.with(Map.of("AUDIENCE", AUDIENCE, "ROUTE_SCOPES", ROUTES)),
            new RecordingTelemetry());
    assertThatThrownBy(() -> authorize(authorizer, token)).hasMessage("Unauthorized");
  }

  private static long recordsOf(String clientId) {
    return broker
        .aws
        .dynamoDb
        .scanPaginator(
            r ->
                r.tableName(broker.aws.tables.issuances())
                    .filterExpression("client_id = :c")
                    .expressionAttributeValues(Map.of(":c", AttributeValue.fromS(clientId))))
        .items()
        .stream()
        .count();
  }
}
