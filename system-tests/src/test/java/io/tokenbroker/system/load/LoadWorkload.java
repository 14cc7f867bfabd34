package io.tokenbroker.system.load;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.tokenbroker.json.Json;
import io.tokenbroker.local.DemoWorkload;
import java.net.http.HttpResponse;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Who does what, and how often: eight workers draw operations from a fixed mix (see {@link
 * #operation}) until a number of operations or a wall-clock cap, mint with private_key_jwt (/token)
 * and SigV4 (/token/iam), rotate refresh chains, revoke access and refresh tokens and call the demo
 * API behind the authorizer. Records what the run produced (tokens, chains, revocations, demo
 * calls, with their times) for {@link LoadInvariants}, and what it measured.
 *
 * <p>Allowed besides success, and counted: 503 temporarily_unavailable from /token (then no token
 * in the body) and API Gateway's 500 for an authorizer that failed closed. Anything else is a
 * failure. {@code -Dload.operations=N -Dload.seconds=S} change the bounds.
 */
final class LoadWorkload {

  static final int WORKERS = 8;
  static final int OPERATIONS = Integer.getInteger("load.operations", 1000);
  static final Duration CAP = Duration.ofSeconds(Long.getLong("load.seconds", 50));

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

  private final LoadClient client;
  private final LoadLog log;

  // What the run produced.
  final Queue<Issued> issued = new ConcurrentLinkedQueue<>();
  private final List<Issued> revocable = Collections.synchronizedList(new ArrayList<>());
  private final List<Issued> usable = Collections.synchronizedList(new ArrayList<>());
  private final LinkedBlockingQueue<Chain> idleChains = new LinkedBlockingQueue<>();
  final Queue<Chain> chains = new ConcurrentLinkedQueue<>();
  final Map<String, Instant> jtiRevocationRequested = new ConcurrentHashMap<>();
  final Map<String, Instant> jtiRevoked = new ConcurrentHashMap<>();
  final Map<String, Instant> familyRevocationRequested = new ConcurrentHashMap<>();
  final Map<String, Instant> familyRevoked = new ConcurrentHashMap<>();
  final Queue<Use> uses = new ConcurrentLinkedQueue<>();

  // What it measured.
  private final Map<Kind, Queue<Long>> latencies = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
  private final LongAdder retryable = new LongAdder();
  final LongAdder tokenRetryable = new LongAdder();
  final LongAdder failedClosed = new LongAdder();
  final Queue<String> failures = new ConcurrentLinkedQueue<>();

  LoadWorkload(LoadClient client, LoadLog log) {
    this.client = client;
    this.log = log;
    for (Kind kind : Kind.values()) {
      latencies.put(kind, new ConcurrentLinkedQueue<>());
    }
  }

  /**
   * Runs the workers until {@link #OPERATIONS} operations or {@link #CAP}; returns how long it
   * took, and how many operations ran.
   */
  Run run() throws Exception {
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
    return new Run(began, Duration.between(began, Instant.now()), done.sum());
  }

  /** When the run began, how long it took, how many operations it ran. */
  record Run(Instant began, Duration elapsed, long operations) {}

  // ---- the mix ----------------------------------------------------------------------------------

  /**
   * One operation, by a throw of a hundred-sided die: 14% plain mints, 8% chain mints, 10% IAM
   * mints, 30% refresh rotations, 8% access-token revocations, 4% refresh-token (family)
   * revocations, 26% demo API calls. An operation with nothing to act on yet mints instead.
   */
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
                client.authenticated(
                    owner, "/token", "grant_type=client_credentials&scope=demo%3Aread"));
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
                client.authenticated(
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
          timed(kind, () -> client.authenticated(owner, "/revoke", "token=" + token));
      if (response.statusCode() == 200) {
        return true;
      }
      if (!LoadClient.isRetryable(response)) {
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
    HttpResponse<String> response = timed(Kind.USE, () -> client.demo(token.token()));
    if (LoadClient.isFailClosed(response)) {
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
    if (LoadClient.isRetryable(response) && !response.body().contains("access_token")) {
      retryable.increment();
      tokenRetryable.increment();
    } else {
      failures.add(kind + ": " + response.statusCode() + " " + response.body());
    }
  }

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

  // ---- reporting --------------------------------------------------------------------------------

  /** The run's figures: throughput, latency per kind, outcomes, non-2xx, telemetry events. */
  void report(Run run, Map<String, Long> events, List<String> warnings) {
    long operations = run.operations();
    Duration elapsed = run.elapsed();
    log.say(
        "run: %d workers, %d operations (cap %d operations or %d s), %.1f s, %.1f ops/s",
        WORKERS,
        operations,
        OPERATIONS,
        CAP.toSeconds(),
        LoadLog.seconds(elapsed),
        operations / LoadLog.seconds(elapsed));
    List<Long> every = new ArrayList<>();
    for (Kind kind : Kind.values()) {
      List<Long> nanos = new ArrayList<>(latencies.get(kind));
      every.addAll(nanos);
      log.say(
          "%-14s %5d requests  p50 %6.1f ms  p99 %6.1f ms  max %6.1f ms",
          kind, nanos.size(), percentile(nanos, 50), percentile(nanos, 99), percentile(nanos, 100));
    }
    log.say(
        "%-14s %5d requests  p50 %6.1f ms  p99 %6.1f ms  max %6.1f ms  (%.1f requests/s)",
        "ALL",
        every.size(),
        percentile(every, 50),
        percentile(every, 99),
        percentile(every, 100),
        every.size() / LoadLog.seconds(elapsed));
    new TreeMap<>(outcomes)
        .forEach((outcome, count) -> log.say("outcome %-40s %6d", outcome, count.sum()));
    log.say(
        "non-2xx: %d retryable 503 (allowed), %d authorizer fail-closed 500 (allowed), %d other"
            + " (%s)",
        retryable.sum(),
        failedClosed.sum(),
        failures.size(),
        failures.isEmpty() ? "none" : failures.stream().limit(5).toList());
    log.say("telemetry events: %s", new TreeMap<>(events));
    warnings.stream().limit(20).forEach(line -> log.say("log: %s", line));
  }

  private static double percentile(List<Long> nanos, int p) {
    if (nanos.isEmpty()) {
      return 0;
    }
    long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, index)] / 1e6;
  }

  // ---- plumbing ---------------------------------------------------------------------------------

  @FunctionalInterface
  interface Task<T> {
    void run(T item) throws Exception;
  }

  static void inParallel(int workers, Task<Integer> body) throws Exception {
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

  /** Runs {@code check} on every item, on {@link #WORKERS} threads. */
  static <T> void forEachInParallel(Collection<T> items, Task<T> check) throws Exception {
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
}
