package io.tokenbroker.system.load;

import static io.tokenbroker.system.load.LoadWorkload.forEachInParallel;
import static org.assertj.core.api.Assertions.assertThat;

import io.tokenbroker.adapters.dynamodb.BrokerTables;
import io.tokenbroker.system.load.LoadWorkload.Chain;
import io.tokenbroker.system.load.LoadWorkload.Issued;
import io.tokenbroker.system.load.LoadWorkload.Use;
import io.tokenbroker.tokens.TokenDigest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * What must hold after a {@link LoadWorkload} run, read from DynamoDB directly and asked of the
 * endpoints: every returned access token has exactly one issuance record with its SHA-256 and no
 * record lacks its token (but for 503s); the demo API refused only tokens whose revocation had been
 * asked for, and allowed none revoked more than the bound before; the handlers' events match what
 * the clients saw; every revocation holds at the authorizer and at /introspect, every other token
 * still works; every spent refresh token is refused on reuse (checked last: reuse revokes the
 * family).
 */
final class LoadInvariants {

  /** Unrevoked tokens checked at the demo API and /introspect after the run (all if fewer). */
  private static final int LIVE_SAMPLE = 300;

  /** The authorizer's REVOCATION_CACHE_SECONDS default: the bound it sees a revocation within. */
  private static final Duration REVOCATION_BOUND = Duration.ofSeconds(5);

  private final LoadWorkload run;
  private final LoadClient client;
  private final DynamoDbClient dynamoDb;
  private final BrokerTables tables;
  private final LoadTelemetry telemetry;
  private final LoadLog log;
  private final LongAdder checkFailedClosed = new LongAdder();

  LoadInvariants(
      LoadWorkload run,
      LoadClient client,
      DynamoDbClient dynamoDb,
      BrokerTables tables,
      LoadTelemetry telemetry,
      LoadLog log) {
    this.run = run;
    this.client = client;
    this.dynamoDb = dynamoDb;
    this.tables = tables;
    this.telemetry = telemetry;
    this.log = log;
  }

  /** Issuance records, refresh tokens and revocations as DynamoDB holds them. */
  void checkTables() {
    List<Issued> all = List.copyOf(run.issued);
    Set<String> jtis = new HashSet<>();
    all.forEach(t -> jtis.add(t.jti()));
    assertThat(jtis).as("every jti is unique").hasSize(all.size());

    Map<String, Map<String, AttributeValue>> records = new HashMap<>();
    int recordCount = 0;
    for (Map<String, AttributeValue> item : scan(tables.issuances())) {
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
      } else if (!record.get("token_sha256").s().equals(TokenDigest.sha256(token.token()))
          || !record.get("client_id").s().equals(token.owner().clientId)
          || !Optional.ofNullable(record.get("sid")).map(AttributeValue::s).equals(token.sid())) {
        wrong.add(token.jti() + ": record does not match the token");
      } else {
        matched++;
      }
    }
    assertThat(wrong).as("tokens without their own record").isEmpty();
    long withoutToken = recordCount - matched;
    log.say(
        "issuance records: %d tokens returned, %d unique jtis, %d records matched by jti and"
            + " SHA-256, %d records without a returned token (allowed: at most the %d token"
            + " 503s)",
        all.size(), jtis.size(), matched, withoutToken, run.tokenRetryable.sum());
    assertThat(withoutToken).isLessThanOrEqualTo(run.tokenRetryable.sum());

    Map<String, Map<String, AttributeValue>> refresh = new HashMap<>();
    for (Map<String, AttributeValue> item : scan(tables.refreshTokens())) {
      refresh.put(item.get("pk").s(), item);
    }
    Set<String> revocations = new HashSet<>();
    scan(tables.revocations()).forEach(item -> revocations.add(item.get("pk").s()));
    int spent = 0;
    for (Chain chain : run.chains) {
      for (String token : chain.spent) {
        Map<String, AttributeValue> item = refresh.get("rt#" + TokenDigest.sha256(token));
        assertThat(item).as("spent refresh token stored").isNotNull();
        assertThat(item.get("used").bool()).as("spent refresh token marked used").isTrue();
        spent++;
      }
      if (!chain.uncertain) {
        Map<String, AttributeValue> head = refresh.get("rt#" + TokenDigest.sha256(chain.head));
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
    run.issued.forEach(t -> sids.put(t.jti(), t.sid()));
    int alreadyRevoked = 0;
    for (String jti : run.jtiRevoked.keySet()) {
      if (!revocations.contains("jti#" + jti)) {
        assertThat(sids.get(jti).map(sid -> "family#" + sid))
            .as("revoked access token %s: stored, or its family revoked", jti)
            .hasValueSatisfying(family -> assertThat(revocations).contains(family));
        alreadyRevoked++;
      }
    }
    run.familyRevoked.keySet().forEach(id -> assertThat(revocations).contains("family#" + id));
    log.say(
        "tables: %d refresh families (%d revoked by their owner), %d rotations recorded as spent;"
            + " %d access tokens revoked (%d stored, %d already revoked with their family), %d"
            + " family revocations stored",
        run.chains.size(),
        run.familyRevoked.size(),
        spent,
        run.jtiRevoked.size(),
        run.jtiRevoked.size() - alreadyRevoked,
        alreadyRevoked,
        run.familyRevoked.size());
  }

  /**
   * The demo API during the run: 401 only for a token whose revocation had been asked for before
   * the call ended; 200 only if no revocation had been confirmed more than the bound before it.
   */
  void checkUsesDuringTheRun() {
    int allowed = 0;
    int refused = 0;
    int inWindow = 0;
    List<String> wrong = new ArrayList<>();
    for (Use use : run.uses) {
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
    log.say(
        "demo API during the run: %d calls, %d allowed, %d refused (401), %d within a"
            + " revocation's %d s bound (either answer allowed)",
        run.uses.size(), allowed, refused, inWindow, REVOCATION_BOUND.toSeconds());
    assertThat(wrong).isEmpty();
  }

  /** The handlers' own events, against what the clients saw during the run. */
  void checkEvents(Map<String, Long> events) {
    assertThat(events.getOrDefault("token.issued", 0L))
        .as("token.issued events = tokens returned")
        .isEqualTo(run.issued.size());
    assertThat(events.getOrDefault("unexpected.failure", 0L)).isZero();
    assertThat(events.getOrDefault("authorizer.failed", 0L)).isZero();
    assertThat(run.failedClosed.sum())
        .as("demo 500s = the authorizer's dependency failures")
        .isEqualTo(events.getOrDefault("authorizer.unavailable", 0L));
    assertThat(events.getOrDefault("refresh.family_revoked", 0L))
        .as("families revoked during the run = refresh tokens revoked by their owner")
        .isEqualTo(run.familyRevoked.size());
  }

  /** When the token's revocation (its own or its family's) was asked for, or confirmed. */
  private Optional<Instant> revocation(Issued token, boolean requested) {
    Map<String, Instant> byJti = requested ? run.jtiRevocationRequested : run.jtiRevoked;
    Map<String, Instant> byFamily = requested ? run.familyRevocationRequested : run.familyRevoked;
    return Stream.of(Optional.ofNullable(byJti.get(token.jti())), token.sid().map(byFamily::get))
        .flatMap(Optional::stream)
        .min(Instant::compareTo);
  }

  /** Waits until the last confirmed revocation is older than the bound. */
  void waitForRevocationBound() throws InterruptedException {
    Instant last =
        Stream.concat(run.jtiRevoked.values().stream(), run.familyRevoked.values().stream())
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
  void checkRevokedAndLiveTokens() throws Exception {
    List<Issued> revoked = new ArrayList<>();
    List<Issued> live = new ArrayList<>();
    for (Issued token : run.issued) {
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
          Map<String, Object> introspection = client.introspect(token.token());
          if (status != 401 || !introspection.equals(Map.of("active", false))) {
            wrong.add("revoked " + token.jti() + ": demo " + status + ", " + introspection);
          }
        });
    forEachInParallel(
        sample,
        token -> {
          int status = decisiveDemo(token.token());
          Map<String, Object> introspection = client.introspect(token.token());
          if (status != 200
              || !Boolean.TRUE.equals(introspection.get("active"))
              || !token.jti().equals(introspection.get("jti"))) {
            wrong.add("live " + token.jti() + ": demo " + status + ", " + introspection);
          }
        });
    log.say(
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
        LoadLog.seconds(Duration.between(start, Instant.now())));
    assertThat(wrong).isEmpty();
  }

  /**
   * Reuse of every spent refresh token, last because reuse revokes the family: each is refused with
   * invalid_grant; in a family still live, the first reuse revokes it, so its head is refused too
   * and its access tokens turn inactive.
   */
  void checkReuseOfSpentRefreshTokens() throws Exception {
    List<Chain> withSpent = run.chains.stream().filter(c -> !c.spent.isEmpty()).toList();
    Queue<String> wrong = new ConcurrentLinkedQueue<>();
    LongAdder presented = new LongAdder();
    LongAdder familiesRevokedByReuse = new LongAdder();
    LongAdder accessTokensDeactivated = new LongAdder();
    Map<String, Long> before = telemetry.counts();
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
              Map<String, Object> introspection = client.introspect(token.token());
              if (!introspection.equals(Map.of("active", false))) {
                wrong.add("family " + chain.familyId + " after reuse: " + introspection);
              }
              accessTokensDeactivated.increment();
            }
          }
        });
    long reuseEvents =
        telemetry.counts().getOrDefault("refresh.family_revoked", 0L)
            - before.getOrDefault("refresh.family_revoked", 0L);
    log.say(
        "reuse: %d spent refresh tokens presented again, all refused (invalid_grant): %s;"
            + " %d live families revoked by it (%d refresh.family_revoked events), their heads"
            + " refused and %d access tokens inactive; %.1f s",
        presented.sum(),
        wrong.isEmpty() ? "yes" : "NO",
        familiesRevokedByReuse.sum(),
        reuseEvents,
        accessTokensDeactivated.sum(),
        LoadLog.seconds(Duration.between(start, Instant.now())));
    assertThat(wrong).isEmpty();
    assertThat(reuseEvents).isEqualTo(familiesRevokedByReuse.sum());
  }

  private void expectInvalidGrant(
      Chain chain, String refreshToken, String what, Queue<String> wrong) throws Exception {
    HttpResponse<String> response =
        client.authenticated(
            chain.owner, "/token", "grant_type=refresh_token&refresh_token=" + refreshToken);
    for (int retry = 0; retry < 2 && LoadClient.isRetryable(response); retry++) {
      response =
          client.authenticated(
              chain.owner, "/token", "grant_type=refresh_token&refresh_token=" + refreshToken);
    }
    if (response.statusCode() != 400 || !response.body().contains("\"invalid_grant\"")) {
      wrong.add(what + " of family " + chain.familyId + ": " + response.statusCode());
    }
  }

  /** The demo API's answer, asked again (at most twice) while the authorizer fails closed. */
  private int decisiveDemo(String token) throws Exception {
    HttpResponse<String> response = client.demo(token);
    for (int retry = 0; retry < 2 && LoadClient.isFailClosed(response); retry++) {
      checkFailedClosed.increment();
      response = client.demo(token);
    }
    return response.statusCode();
  }

  private List<Map<String, AttributeValue>> scan(String table) {
    List<Map<String, AttributeValue>> items = new ArrayList<>();
    dynamoDb
        .scanPaginator(r -> r.tableName(table).consistentRead(true))
        .items()
        .forEach(items::add);
    return items;
  }
}
