package io.tokenbroker.system.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.tokenbroker.adapters.aws.AwsClients;
import io.tokenbroker.adapters.aws.AwsSettings;
import io.tokenbroker.adapters.aws.ClientTimeouts;
import io.tokenbroker.adapters.dynamodb.DynamoDbClientRepository;
import io.tokenbroker.clients.ClientAdmin;
import io.tokenbroker.clients.ClientJson;
import io.tokenbroker.config.Env;
import io.tokenbroker.json.Json;
import io.tokenbroker.local.DemoWorkload;
import io.tokenbroker.local.LocalBroker;
import io.tokenbroker.local.LocalBrokerOptions;
import io.tokenbroker.tokens.TokenService;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Bounded load on the local server over real loopback HTTP: eight workers mint (private_key_jwt on
 * /token, SigV4 on /token/iam), rotate refresh chains, revoke access and refresh tokens and call
 * the demo API behind the authorizer, until a fixed number of operations or a wall-clock cap. Then,
 * reading DynamoDB directly and asking the endpoints: every returned access token has exactly one
 * issuance record with its SHA-256 and no record lacks its token; every revocation holds at the
 * authorizer and at /introspect, every other token still works; every spent refresh token is
 * refused on reuse (checked last: reuse revokes the family). Figures go to stdout as {@code LOAD |}
 * lines.
 *
 * <p>Allowed besides success: 503 temporarily_unavailable from /token (then no token in the body,
 * and no more records than tokens plus 503s), and API Gateway's 500 for an authorizer that failed
 * closed on a slow table read (as many as the authorizer logged). moto serves one request at a
 * time, so latency here is mostly queueing for it. {@code -Dload.operations=N -Dload.seconds=S}
 * change the bounds.
 */
class LocalLoadIT {

  private static final int WORKERS = 8;
  private static final int OPERATIONS = Integer.getInteger("load.operations", 1000);
  private static final Duration CAP = Duration.ofSeconds(Long.getLong("load.seconds", 50));

  /** Unrevoked tokens checked at the demo API and /introspect after the run (all if fewer). */
  private static final int LIVE_SAMPLE = 300;

  /** The authorizer's REVOCATION_CACHE_SECONDS default: the bound it sees a revocation within. */
  private static final Duration REVOCATION_BOUND = Duration.ofSeconds(5);

  private static final String JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private static final PrintStream STDOUT = System.out;
  private static final Telemetry TELEMETRY = new Telemetry();
  private static LocalBroker broker;
  private static DynamoDbClient dynamoDb;
  private static ECKey clientKey;

  /** Who holds a token, and how it authenticates to the broker. */
  enum Owner {
    /** private_key_jwt, no refresh tokens: the plain issuance path. */
    PLAIN("load-plain"),
    /** private_key_jwt with refresh tokens: each mint starts a family. */
    CHAIN("load-chain"),
    /** The demo client over SigV4 (/token/iam), with refresh tokens. */
    IAM(DemoWorkload.CLIENT_ID);

    final String clientId;

    Owner(String clientId) {
      this.clientId = clientId;
    }
  }

  enum Kind {
    MINT_PLAIN,
    MINT_CHAIN,
    MINT_IAM,
    REFRESH,
    REVOKE_ACCESS,
    REVOKE_REFRESH,
    USE
  }

  /** An access token a response returned. */
  record Issued(String token, String jti, Optional<String> sid, Owner owner, Kind via) {}

  /** One refresh-token family as its client sees it; only the worker holding it changes it. */
  static final class Chain {
    final Owner owner;
    final String familyId;
    final List<String> spent = new ArrayList<>();
    final List<Issued> accessTokens = new ArrayList<>();
    String head;
    boolean revoked;

    /** A refresh answered 503: whether the head was spent is unknown, so it is not checked. */
    boolean uncertain;

    Chain(Owner owner, String familyId, String head) {
      this.owner = owner;
      this.familyId = familyId;
      this.head = head;
    }
  }

  /** A call of the demo API during the run, judged afterwards against the revocations. */
  record Use(Issued token, Instant start, Instant end, int status) {}

  // What the run produced.
  private final Queue<Issued> issued = new ConcurrentLinkedQueue<>();
  private final List<Issued> revocable = Collections.synchronizedList(new ArrayList<>());
  private final List<Issued> usable = Collections.synchronizedList(new ArrayList<>());
  private final LinkedBlockingQueue<Chain> idleChains = new LinkedBlockingQueue<>();
  private final Queue<Chain> chains = new ConcurrentLinkedQueue<>();
  private final Map<String, Instant> jtiRevocationRequested = new ConcurrentHashMap<>();
  private final Map<String, Instant> jtiRevoked = new ConcurrentHashMap<>();
  private final Map<String, Instant> familyRevocationRequested = new ConcurrentHashMap<>();
  private final Map<String, Instant> familyRevoked = new ConcurrentHashMap<>();
  private final Queue<Use> uses = new ConcurrentLinkedQueue<>();

  // What it measured.
  private final Map<Kind, Queue<Long>> latencies = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
  private final LongAdder retryable = new LongAdder();
  private final LongAdder tokenRetryable = new LongAdder();
  private final LongAdder failedClosed = new LongAdder();
  private final LongAdder checkFailedClosed = new LongAdder();
  private final Queue<String> failures = new ConcurrentLinkedQueue<>();

  @BeforeAll
  static void start() throws Exception {
    // The handlers log a JSON line per request; counted here instead of flooding the build log.
    System.setOut(new PrintStream(TELEMETRY, true, StandardCharsets.UTF_8));
    broker = LocalBroker.start(LocalBrokerOptions.onPort(0));
    dynamoDb =
        AwsClients.dynamoDb(
            AwsSettings.from(
                Env.of(
                    Map.of(
                        "AWS_ENDPOINT_URL", broker.awsEndpoint().toString(),
                        "AWS_REGION", "us-east-1",
                        "AWS_ACCESS_KEY_ID", "test",
                        "AWS_SECRET_ACCESS_KEY", "test")),
                ClientTimeouts.background()));
    clientKey = new ECKeyGenerator(Curve.P_256).keyIDFromThumbprint(true).generate();
    var clients =
        new ClientAdmin(new DynamoDbClientRepository(dynamoDb, broker.tables().clients()));
    for (Owner owner : List.of(Owner.PLAIN, Owner.CHAIN)) {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("client_id", owner.clientId);
      json.put("jwks", Map.of("keys", List.of(clientKey.toPublicJWK().toJSONObject())));
      json.put("scopes", List.of("demo:read", "demo:write"));
      json.put("default_scopes", List.of("demo:read"));
      json.put("audiences", List.of(DemoWorkload.audience(broker.issuer())));
      json.put("refresh_tokens", Map.of("enabled", owner == Owner.CHAIN));
      clients.put(ClientJson.fromJson(json, 0));
    }
  }

  @AfterAll
  static void stop() {
    if (broker != null) {
      broker.close();
    }
    System.setOut(STDOUT);
  }

  @Test
  @Timeout(value = 150, unit = TimeUnit.SECONDS) // a deadlock fails here, not in CI's timeout
  void holdsEveryIssuanceAndRevocationInvariantUnderConcurrentLoad() throws Exception {
    for (Kind kind : Kind.values()) {
      latencies.put(kind, new ConcurrentLinkedQueue<>());
    }
    Instant began = Instant.now();
    Instant deadline = began.plus(CAP);
    AtomicInteger claimed = new AtomicInteger();
    LongAdder done = new LongAdder();
    inParallel(
        WORKERS,
        worker -> {
          while (Instant.now().isBefore(deadline) && claimed.getAndIncrement() < OPERATIONS) {
            try {
              operation(ThreadLocalRandom.current().nextInt(100));
            } catch (Exception e) {
              failures.add("worker " + worker + ": " + e);
            }
            done.increment();
          }
        });
    Duration elapsed = Duration.between(began, Instant.now());
    Map<String, Long> events = TELEMETRY.counts();
    report(done.sum(), elapsed, events);

    assertThat(failures).as("failures during the run").isEmpty();
    checkTables();
    checkUsesDuringTheRun();
    assertThat(events.getOrDefault("token.issued", 0L))
        .as("token.issued events = tokens returned")
        .isEqualTo(issued.size());
    assertThat(events.getOrDefault("unexpected.failure", 0L)).isZero();
    assertThat(events.getOrDefault("authorizer.failed", 0L)).isZero();
    assertThat(failedClosed.sum())
        .as("demo 500s = the authorizer's dependency failures")
        .isEqualTo(events.getOrDefault("authorizer.unavailable", 0L));
    assertThat(events.getOrDefault("refresh.family_revoked", 0L))
        .as("families revoked during the run = refresh tokens revoked by their owner")
        .isEqualTo(familyRevoked.size());

    waitForRevocationBound();
    checkRevokedAndLiveTokens();
    checkReuseOfSpentRefreshTokens();
    say(
        "total %.1f s (run %.1f s, checks %.1f s)",
        seconds(Duration.between(began, Instant.now())),
        seconds(elapsed),
        seconds(Duration.between(began.plus(elapsed), Instant.now())));
  }

  // ---- the run ----------------------------------------------------------------------------------

  private void operation(int dice) throws Exception {
    if (dice < 14) {
      mint(Owner.PLAIN, Kind.MINT_PLAIN);
    } else if (dice < 22) {
      mint(Owner.CHAIN, Kind.MINT_CHAIN);
    } else if (dice < 32) {
      mint(Owner.IAM, Kind.MINT_IAM);
    } else if (dice < 62) {
      Chain chain = idleChains.poll();
      if (chain == null) {
        mint(Owner.IAM, Kind.MINT_IAM);
      } else {
        refresh(chain);
      }
    } else if (dice < 70) {
      Issued token = take(revocable);
      if (token == null) {
        mint(Owner.PLAIN, Kind.MINT_PLAIN);
      } else {
        revokeAccessToken(token);
      }
    } else if (dice < 74) {
      Chain chain = idleChains.poll();
      if (chain == null) {
        mint(Owner.CHAIN, Kind.MINT_CHAIN);
      } else {
        revokeRefreshToken(chain);
      }
    } else {
      Issued token = pick(usable);
      if (token == null) {
        mint(Owner.PLAIN, Kind.MINT_PLAIN);
      } else {
        use(token);
      }
    }
  }

  private void mint(Owner owner, Kind kind) throws Exception {
    HttpResponse<String> response =
        timed(
            kind,
            () ->
                authenticated(owner, "/token", "grant_type=client_credentials&scope=demo%3Aread"));
    if (response.statusCode() != 200) {
      tokenEndpointFailure(kind, response);
      return;
    }
    Map<String, Object> body = Json.object(response.body());
    Issued token = accepted((String) body.get("access_token"), owner, kind);
    Object refresh = body.get("refresh_token");
    if ((refresh != null) != (owner != Owner.PLAIN)
        || token.sid().isPresent() != (refresh != null)) {
      failures.add(kind + ": refresh token " + (refresh != null) + ", sid " + token.sid());
      return;
    }
    if (refresh != null) {
      Chain chain = new Chain(owner, token.sid().get(), (String) refresh);
      chain.accessTokens.add(token);
      chains.add(chain);
      idleChains.add(chain);
    }
  }

  /** One rotation; the chain goes back for another worker to rotate next. */
  private void refresh(Chain chain) throws Exception {
    HttpResponse<String> response =
        timed(
            Kind.REFRESH,
            () ->
                authenticated(
                    chain.owner, "/token", "grant_type=refresh_token&refresh_token=" + chain.head));
    if (response.statusCode() != 200) {
      chain.uncertain = true; // retired, whatever the reason
      tokenEndpointFailure(Kind.REFRESH, response);
      return;
    }
    Map<String, Object> body = Json.object(response.body());
    Issued token = accepted((String) body.get("access_token"), chain.owner, Kind.REFRESH);
    String successor = (String) body.get("refresh_token");
    if (!token.sid().equals(Optional.of(chain.familyId))
        || successor == null
        || successor.equals(chain.head)) {
      failures.add("refresh: sid " + token.sid() + " of family " + chain.familyId);
      return;
    }
    chain.spent.add(chain.head);
    chain.head = successor;
    chain.accessTokens.add(token);
    idleChains.add(chain);
  }

  private void revokeAccessToken(Issued token) throws Exception {
    jtiRevocationRequested.put(token.jti(), Instant.now());
    if (revoke(Kind.REVOKE_ACCESS, token.owner(), token.token())) {
      jtiRevoked.put(token.jti(), Instant.now());
    }
  }

  /** Revokes the chain's head, and so its whole family; the chain is not used again. */
  private void revokeRefreshToken(Chain chain) throws Exception {
    familyRevocationRequested.put(chain.familyId, Instant.now());
    if (revoke(Kind.REVOKE_REFRESH, chain.owner, chain.head)) {
      familyRevoked.put(chain.familyId, Instant.now());
      chain.revoked = true;
    } else {
      chain.uncertain = true;
    }
  }

  /** RFC 7009 by the token's owner; a 503 is retried, as a client would (at most twice). */
  private boolean revoke(Kind kind, Owner owner, String token) throws Exception {
    for (int attempt = 0; attempt < 3; attempt++) {
      HttpResponse<String> response =
          timed(kind, () -> authenticated(owner, "/revoke", "token=" + token));
      if (response.statusCode() == 200) {
        return true;
      }
      if (!isRetryable(response)) {
        failures.add(kind + ": " + response.statusCode() + " " + response.body());
        return false;
      }
      retryable.increment();
    }
    failures.add(kind + ": still 503 after 3 attempts");
    return false;
  }

  private void use(Issued token) throws Exception {
    Instant start = Instant.now();
    HttpResponse<String> response = timed(Kind.USE, () -> demo(token.token()));
    if (isFailClosed(response)) {
      failedClosed.increment(); // no decision either way: not judged against revocations
      return;
    }
    uses.add(new Use(token, start, Instant.now(), response.statusCode()));
    if (response.statusCode() == 200 && !response.body().contains(token.jti())) {
      failures.add("use: the authorizer passed on another jti than " + token.jti());
    } else if (response.statusCode() != 200 && response.statusCode() != 401) {
      failures.add("use: " + response.statusCode() + " " + response.body());
    }
  }

  /** A returned access token: its claims as the client reads them, registered for later checks. */
  private Issued accepted(String token, Owner owner, Kind via) throws ParseException {
    JWTClaimsSet claims = SignedJWT.parse(token).getJWTClaimsSet();
    Issued result =
        new Issued(
            token,
            claims.getJWTID(),
            Optional.ofNullable(claims.getStringClaim("sid")),
            owner,
            via);
    if (!owner.clientId.equals(claims.getStringClaim("client_id"))) {
      failures.add(via + ": token of " + claims.getStringClaim("client_id"));
    }
    issued.add(result);
    revocable.add(result);
    usable.add(result);
    return result;
  }

  /**
   * A non-200 from /token: only 503 temporarily_unavailable is allowed, and it must carry no token
   * (the tables are checked for records without tokens afterwards).
   */
  private void tokenEndpointFailure(Kind kind, HttpResponse<String> response) {
    if (isRetryable(response) && !response.body().contains("access_token")) {
      retryable.increment();
      tokenRetryable.increment();
    } else {
      failures.add(kind + ": " + response.statusCode() + " " + response.body());
    }
  }

  /**
   * API Gateway's 500 for an authorizer that failed closed: its table read ran past
   * DEPENDENCY_TIMEOUT_MILLIS (moto serves one request at a time). Counted, and checked against the
   * authorizer's own authorizer.unavailable events; never a way in.
   */
  private static boolean isFailClosed(HttpResponse<String> response) {
    return response.statusCode() == 500 && response.body().equals("{\"message\":null}");
  }

  private static boolean isRetryable(HttpResponse<String> response) {
    return response.statusCode() == 503 && response.body().contains("temporarily_unavailable");
  }

  // ---- the checks -------------------------------------------------------------------------------

  /** Issuance records, refresh tokens and revocations as DynamoDB holds them. */
  private void checkTables() {
    List<Issued> all = List.copyOf(issued);
    Set<String> jtis = new HashSet<>();
    all.forEach(t -> jtis.add(t.jti()));
    assertThat(jtis).as("every jti is unique").hasSize(all.size());

    Map<String, Map<String, AttributeValue>> records = new HashMap<>();
    int recordCount = 0;
    for (Map<String, AttributeValue> item : scan(broker.tables().issuances())) {
      recordCount++;
      records.put(item.get("jti").s(), item);
    }
    assertThat(records).as("one record per jti in the scan").hasSize(recordCount);
    int matched = 0;
    List<String> wrong = new ArrayList<>();
    for (Issued token : all) {
      Map<String, AttributeValue> record = records.get(token.jti());
      if (record == null) {
        wrong.add(token.jti() + ": no record");
      } else if (!record.get("token_sha256").s().equals(TokenService.sha256(token.token()))
          || !record.get("client_id").s().equals(token.owner().clientId)
          || !Optional.ofNullable(record.get("sid")).map(AttributeValue::s).equals(token.sid())) {
        wrong.add(token.jti() + ": record does not match the token");
      } else {
        matched++;
      }
    }
    assertThat(wrong).as("tokens without their own record").isEmpty();
    long withoutToken = recordCount - matched;
    say(
        "issuance records: %d tokens returned, %d unique jtis, %d records matched by jti and"
            + " SHA-256, %d records without a returned token (allowed: at most the %d token"
            + " 503s)",
        all.size(), jtis.size(), matched, withoutToken, tokenRetryable.sum());
    assertThat(withoutToken).isLessThanOrEqualTo(tokenRetryable.sum());

    Map<String, Map<String, AttributeValue>> refresh = new HashMap<>();
    for (Map<String, AttributeValue> item : scan(broker.tables().refreshTokens())) {
      refresh.put(item.get("pk").s(), item);
    }
    Set<String> revocations = new HashSet<>();
    scan(broker.tables().revocations()).forEach(item -> revocations.add(item.get("pk").s()));
    int spent = 0;
    for (Chain chain : chains) {
      for (String token : chain.spent) {
        Map<String, AttributeValue> item = refresh.get("rt#" + TokenService.sha256(token));
        assertThat(item).as("spent refresh token stored").isNotNull();
        assertThat(item.get("used").bool()).as("spent refresh token marked used").isTrue();
        spent++;
      }
      if (!chain.uncertain) {
        Map<String, AttributeValue> head = refresh.get("rt#" + TokenService.sha256(chain.head));
        assertThat(head).as("chain head stored").isNotNull();
        assertThat(head.get("used").bool()).as("chain head unspent").isFalse();
        // The revocations table alone records a family's revocation.
        assertThat(revocations.contains("family#" + chain.familyId))
            .as("family %s revoked as its owner asked", chain.familyId)
            .isEqualTo(chain.revoked);
      }
    }

    // A token whose family was revoked first is already invalid: RFC 7009 answers 200, no write.
    Map<String, Optional<String>> sids = new HashMap<>();
    issued.forEach(t -> sids.put(t.jti(), t.sid()));
    int alreadyRevoked = 0;
    for (String jti : jtiRevoked.keySet()) {
      if (!revocations.contains("jti#" + jti)) {
        assertThat(sids.get(jti).map(sid -> "family#" + sid))
            .as("revoked access token %s: stored, or its family revoked", jti)
            .hasValueSatisfying(family -> assertThat(revocations).contains(family));
        alreadyRevoked++;
      }
    }
    familyRevoked.keySet().forEach(id -> assertThat(revocations).contains("family#" + id));
    say(
        "tables: %d refresh families (%d revoked by their owner), %d rotations recorded as spent;"
            + " %d access tokens revoked (%d stored, %d already revoked with their family), %d"
            + " family revocations stored",
        chains.size(),
        familyRevoked.size(),
        spent,
        jtiRevoked.size(),
        jtiRevoked.size() - alreadyRevoked,
        alreadyRevoked,
        familyRevoked.size());
  }

  /**
   * The demo API during the run: 401 only for a token whose revocation had been asked for before
   * the call ended; 200 only if no revocation had been confirmed more than the bound before it.
   */
  private void checkUsesDuringTheRun() {
    int allowed = 0;
    int refused = 0;
    int inWindow = 0;
    List<String> wrong = new ArrayList<>();
    for (Use use : uses) {
      Optional<Instant> requested = revocation(use.token(), true);
      Optional<Instant> confirmed = revocation(use.token(), false);
      boolean mustRefuse =
          confirmed.filter(at -> at.plus(REVOCATION_BOUND).isBefore(use.start())).isPresent();
      boolean mayRefuse = requested.filter(at -> at.isBefore(use.end())).isPresent();
      if (use.status() == 200) {
        allowed++;
        if (mustRefuse) {
          wrong.add(use.token().jti() + ": allowed " + confirmed.get() + " after its revocation");
        }
      } else {
        refused++;
        if (!mayRefuse) {
          wrong.add(use.token().jti() + ": refused, never revoked");
        }
      }
      if (mayRefuse && !mustRefuse) {
        inWindow++;
      }
    }
    say(
        "demo API during the run: %d calls, %d allowed, %d refused (401), %d within a"
            + " revocation's %d s bound (either answer allowed)",
        uses.size(), allowed, refused, inWindow, REVOCATION_BOUND.toSeconds());
    assertThat(wrong).isEmpty();
  }

  /** When the token's revocation (its own or its family's) was asked for, or confirmed. */
  private Optional<Instant> revocation(Issued token, boolean requested) {
    Map<String, Instant> byJti = requested ? jtiRevocationRequested : jtiRevoked;
    Map<String, Instant> byFamily = requested ? familyRevocationRequested : familyRevoked;
    return java.util.stream.Stream.of(
            Optional.ofNullable(byJti.get(token.jti())), token.sid().map(byFamily::get))
        .flatMap(Optional::stream)
        .min(Instant::compareTo);
  }

  private void waitForRevocationBound() throws InterruptedException {
    Instant last =
        java.util.stream.Stream.concat(
                jtiRevoked.values().stream(), familyRevoked.values().stream())
            .max(Instant::compareTo)
            .orElse(Instant.now());
    Duration wait = Duration.between(Instant.now(), last.plus(REVOCATION_BOUND).plusMillis(500));
    if (!wait.isNegative()) {
      Thread.sleep(wait.toMillis());
    }
  }

  /**
   * Every revoked access token is refused by the demo API (401) and inactive at /introspect; a
   * sample of the others is accepted (200) and active.
   */
  private void checkRevokedAndLiveTokens() throws Exception {
    List<Issued> revoked = new ArrayList<>();
    List<Issued> live = new ArrayList<>();
    for (Issued token : issued) {
      if (revocation(token, false).isPresent()) {
        revoked.add(token);
      } else if (revocation(token, true).isEmpty()) {
        live.add(token);
      } // asked for but unconfirmed: a failure already reported
    }
    Collections.shuffle(live);
    List<Issued> sample = live.subList(0, Math.min(LIVE_SAMPLE, live.size()));
    Queue<String> wrong = new ConcurrentLinkedQueue<>();
    Instant start = Instant.now();
    forEachInParallel(
        revoked,
        token -> {
          int status = decisiveDemo(token.token());
          Map<String, Object> introspection = introspect(token.token());
          if (status != 401 || !introspection.equals(Map.of("active", false))) {
            wrong.add("revoked " + token.jti() + ": demo " + status + ", " + introspection);
          }
        });
    forEachInParallel(
        sample,
        token -> {
          int status = decisiveDemo(token.token());
          Map<String, Object> introspection = introspect(token.token());
          if (status != 200
              || !Boolean.TRUE.equals(introspection.get("active"))
              || !token.jti().equals(introspection.get("jti"))) {
            wrong.add("live " + token.jti() + ": demo " + status + ", " + introspection);
          }
        });
    say(
        "after the run (+%d s bound): %d of %d revoked access tokens refused (demo 401,"
            + " introspect active:false); %d live tokens sampled of %d unrevoked: accepted (demo"
            + " 200, introspect active:true); %d demo calls repeated after a fail-closed 500;"
            + " %.1f s",
        REVOCATION_BOUND.toSeconds(),
        revoked.size() - wrong.stream().filter(w -> w.startsWith("revoked")).count(),
        revoked.size(),
        sample.size(),
        live.size(),
        checkFailedClosed.sum(),
        seconds(Duration.between(start, Instant.now())));
    assertThat(wrong).isEmpty();
  }

  /**
   * Reuse of every spent refresh token, last because reuse revokes the family: each is refused with
   * invalid_grant; in a family still live, the first reuse revokes it, so its head is refused too
   * and its access tokens turn inactive.
   */
  private void checkReuseOfSpentRefreshTokens() throws Exception {
    List<Chain> withSpent = chains.stream().filter(c -> !c.spent.isEmpty()).toList();
    Queue<String> wrong = new ConcurrentLinkedQueue<>();
    LongAdder presented = new LongAdder();
    LongAdder familiesRevokedByReuse = new LongAdder();
    LongAdder accessTokensDeactivated = new LongAdder();
    Map<String, Long> before = TELEMETRY.counts();
    Instant start = Instant.now();
    forEachInParallel(
        withSpent,
        chain -> {
          boolean wasLive = !chain.revoked && !chain.uncertain;
          for (String spent : chain.spent) {
            expectInvalidGrant(chain, spent, "spent", wrong);
            presented.increment();
          }
          if (wasLive) {
            familiesRevokedByReuse.increment();
            expectInvalidGrant(chain, chain.head, "head after reuse", wrong);
            for (Issued token : chain.accessTokens) {
              Map<String, Object> introspection = introspect(token.token());
              if (!introspection.equals(Map.of("active", false))) {
                wrong.add("family " + chain.familyId + " after reuse: " + introspection);
              }
              accessTokensDeactivated.increment();
            }
          }
        });
    long reuseEvents =
        TELEMETRY.counts().getOrDefault("refresh.family_revoked", 0L)
            - before.getOrDefault("refresh.family_revoked", 0L);
    say(
        "reuse: %d spent refresh tokens presented again, all refused (invalid_grant): %s;"
            + " %d live families revoked by it (%d refresh.family_revoked events), their heads"
            + " refused and %d access tokens inactive; %.1f s",
        presented.sum(),
        wrong.isEmpty() ? "yes" : "NO",
        familiesRevokedByReuse.sum(),
        reuseEvents,
        accessTokensDeactivated.sum(),
        seconds(Duration.between(start, Instant.now())));
    assertThat(wrong).isEmpty();
    assertThat(reuseEvents).isEqualTo(familiesRevokedByReuse.sum());
  }

  private void expectInvalidGrant(
      Chain chain, String refreshToken, String what, Queue<String> wrong) throws Exception {
    HttpResponse<String> response =
        authenticated(
            chain.owner, "/token", "grant_type=refresh_token&refresh_token=" + refreshToken);
    for (int retry = 0; retry < 2 && isRetryable(response); retry++) {
      response =
          authenticated(
              chain.owner, "/token", "grant_type=refresh_token&refresh_token=" + refreshToken);
    }
    if (response.statusCode() != 400 || !response.body().contains("\"invalid_grant\"")) {
      wrong.add(what + " of family " + chain.familyId + ": " + response.statusCode());
    }
  }

  // ---- reporting --------------------------------------------------------------------------------

  private void report(long operations, Duration elapsed, Map<String, Long> events) {
    say(
        "run: %d workers, %d operations (cap %d operations or %d s), %.1f s, %.1f ops/s",
        WORKERS,
        operations,
        OPERATIONS,
        CAP.toSeconds(),
        seconds(elapsed),
        operations / seconds(elapsed));
    List<Long> every = new ArrayList<>();
    for (Kind kind : Kind.values()) {
      List<Long> nanos = new ArrayList<>(latencies.get(kind));
      every.addAll(nanos);
      say(
          "%-14s %5d requests  p50 %6.1f ms  p99 %6.1f ms  max %6.1f ms",
          kind, nanos.size(), percentile(nanos, 50), percentile(nanos, 99), percentile(nanos, 100));
    }
    say(
        "%-14s %5d requests  p50 %6.1f ms  p99 %6.1f ms  max %6.1f ms  (%.1f requests/s)",
        "ALL",
        every.size(),
        percentile(every, 50),
        percentile(every, 99),
        percentile(every, 100),
        every.size() / seconds(elapsed));
    new TreeMap<>(outcomes)
        .forEach((outcome, count) -> say("outcome %-40s %6d", outcome, count.sum()));
    say(
        "non-2xx: %d retryable 503 (allowed), %d authorizer fail-closed 500 (allowed), %d other"
            + " (%s)",
        retryable.sum(),
        failedClosed.sum(),
        failures.size(),
        failures.isEmpty() ? "none" : failures.stream().limit(5).toList());
    say("telemetry events: %s", new TreeMap<>(events));
    TELEMETRY.warnings().stream().limit(20).forEach(line -> say("log: %s", line));
  }

  private static double percentile(List<Long> nanos, int p) {
    if (nanos.isEmpty()) {
      return 0;
    }
    long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, index)] / 1e6;
  }

  private static double seconds(Duration d) {
    return d.toMillis() / 1000.0;
  }

  private static void say(String format, Object... args) {
    STDOUT.println("LOAD | " + String.format(java.util.Locale.ROOT, format, args));
  }

  // ---- HTTP -------------------------------------------------------------------------------------

  @FunctionalInterface
  interface Call {
    HttpResponse<String> send() throws Exception;
  }

  private HttpResponse<String> timed(Kind kind, Call call) throws Exception {
    long start = System.nanoTime();
    HttpResponse<String> response = call.send();
    latencies.get(kind).add(System.nanoTime() - start);
    String error = "";
    if (response.statusCode() >= 300) {
      try {
        Object code = Json.object(response.body()).get("error");
        error = code == null ? "" : " " + code;
      } catch (ParseException e) {
        error = " (no JSON)";
      }
    }
    outcomes
        .computeIfAbsent(kind + " " + response.statusCode() + error, k -> new LongAdder())
        .increment();
    return response;
  }

  /** A POST authenticated as the owner: SigV4 on the /iam route, else a client assertion. */
  private static HttpResponse<String> authenticated(Owner owner, String path, String form)
      throws Exception {
    if (owner == Owner.IAM) {
      return signedPost(path + "/iam", form);
    }
    return post(
        path,
        form
            + "&client_assertion_type="
            + URLEncoder.encode(JWT_BEARER, StandardCharsets.UTF_8)
            + "&client_assertion="
            + assertion(owner.clientId));
  }

  /** RFC 7523 client assertion, addressed to the issuer (good for every endpoint), used once. */
  private static String assertion(String clientId) throws JOSEException {
    Instant now = Instant.now();
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(clientKey.getKeyID()).build(),
            new JWTClaimsSet.Builder()
                .issuer(clientId)
                .subject(clientId)
                .audience(broker.issuer().toString())
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(60)))
                .jwtID(UUID.randomUUID().toString())
                .build());
    jwt.sign(new ECDSASigner(clientKey));
    return jwt.serialize();
  }

  private static HttpResponse<String> post(String path, String form) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(broker.issuer() + path))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** As an IAM role calls an AWS_IAM route: SigV4 over the body, service execute-api. */
  private static HttpResponse<String> signedPost(String path, String form) throws Exception {
    return HTTP.send(
        DemoWorkload.signedPost(URI.create(broker.issuer() + path), form)
            .timeout(Duration.ofSeconds(30))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> demo(String token) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(broker.issuer() + "/demo/load"))
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", "Bearer " + token)
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The demo API's answer, asked again (at most twice) while the authorizer fails closed. */
  private int decisiveDemo(String token) throws Exception {
    HttpResponse<String> response = demo(token);
    for (int retry = 0; retry < 2 && isFailClosed(response); retry++) {
      checkFailedClosed.increment();
      response = demo(token);
    }
    return response.statusCode();
  }

  /** RFC 7662 as the demo client (allowed to introspect), over SigV4. */
  private static Map<String, Object> introspect(String token) throws Exception {
    HttpResponse<String> response = signedPost("/introspect/iam", "token=" + token);
    for (int retry = 0; retry < 2 && isRetryable(response); retry++) {
      response = signedPost("/introspect/iam", "token=" + token);
    }
    if (response.statusCode() != 200) {
      return Map.of("status", response.statusCode());
    }
    return Json.object(response.body());
  }

  // ---- plumbing ---------------------------------------------------------------------------------

  @FunctionalInterface
  interface Task<T> {
    void run(T item) throws Exception;
  }

  private static void inParallel(int workers, Task<Integer> body) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(workers);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int i = 0; i < workers; i++) {
        int worker = i;
        futures.add(
            pool.submit(
                () -> {
                  body.run(worker);
                  return null;
                }));
      }
      for (Future<?> future : futures) {
        future.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static <T> void forEachInParallel(Collection<T> items, Task<T> check) throws Exception {
    Queue<T> queue = new ConcurrentLinkedQueue<>(items);
    inParallel(
        WORKERS,
        worker -> {
          for (T item = queue.poll(); item != null; item = queue.poll()) {
            check.run(item);
          }
        });
  }

  /** Removes and returns a random element, or null. */
  private static <T> T take(List<T> list) {
    synchronized (list) {
      if (list.isEmpty()) {
        return null;
      }
      int i = ThreadLocalRandom.current().nextInt(list.size());
      T last = list.removeLast();
      return i == list.size() ? last : list.set(i, last);
    }
  }

  private static <T> T pick(List<T> list) {
    synchronized (list) {
      return list.isEmpty() ? null : list.get(ThreadLocalRandom.current().nextInt(list.size()));
    }
  }

  private static List<Map<String, AttributeValue>> scan(String table) {
    List<Map<String, AttributeValue>> items = new ArrayList<>();
    dynamoDb
        .scanPaginator(r -> r.tableName(table).consistentRead(true))
        .items()
        .forEach(items::add);
    return items;
  }

  /** The handlers' JSON log lines, counted by event; warnings and errors kept. */
  static final class Telemetry extends OutputStream {
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private final Map<String, Long> counts = new HashMap<>();
    private final List<String> warnings = new ArrayList<>();

    @Override
    public synchronized void write(byte[] bytes, int offset, int length) {
      for (int i = offset; i < offset + length; i++) {
        write(bytes[i]);
      }
    }

    @Override
    public synchronized void write(int b) {
      if (b != '\n') {
        line.write(b);
        return;
      }
      String text = line.toString(StandardCharsets.UTF_8);
      line.reset();
      try {
        Map<String, Object> json = Json.object(text);
        counts.merge(String.valueOf(json.get("event")), 1L, Long::sum);
        boolean expected =
            "revoked_by_client".equals(json.get("reason"))
                || ("authorizer.denied".equals(json.get("event")));
        if ((!"INFO".equals(json.get("level")) || "request.rejected".equals(json.get("event")))
            && !expected) {
          warnings.add(text);
        }
      } catch (ParseException | RuntimeException notJson) {
        counts.merge("(other output)", 1L, Long::sum);
        warnings.add(text);
      }
    }

    synchronized Map<String, Long> counts() {
      return Map.copyOf(counts);
    }

    synchronized List<String> warnings() {
      return List.copyOf(warnings);
    }
  }
}
