package io.tokenbroker.system.rotation;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import io.tokenbroker.adapters.dynamodb.DynamoDbKeyRepository;
import io.tokenbroker.adapters.wiring.DiscoveryWiring;
import io.tokenbroker.adapters.wiring.KeyRotationWiring;
import io.tokenbroker.adapters.wiring.TokenWiring;
import io.tokenbroker.config.Env;
import io.tokenbroker.devsupport.LocalAws;
import io.tokenbroker.devsupport.MotoExtension;
import io.tokenbroker.functions.authorizer.AuthorizerWiring;
import io.tokenbroker.functions.authorizer.TokenAuthorizer;
import io.tokenbroker.functions.discovery.DiscoveryHandler;
import io.tokenbroker.functions.rotation.KeyRotationHandler;
import io.tokenbroker.functions.token.TokenHandler;
import io.tokenbroker.jose.CompactJws;
import io.tokenbroker.jose.SignatureCheck;
import io.tokenbroker.keys.KeyState;
import io.tokenbroker.keys.SigningKey;
import io.tokenbroker.testing.AwsFixture;
import io.tokenbroker.testing.Clients;
import io.tokenbroker.testing.EventFiles;
import io.tokenbroker.testing.MutableClock;
import io.tokenbroker.testing.RecordingTelemetry;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Twenty rotation periods in simulated time, with the real handlers (rotation, token, discovery,
 * authorizer) against moto, tokens minted and verified all along by verifiers that hold their key
 * sets as long as they are allowed to and never refresh early. Rotation must never show any of them
 * an unknown key for a live token, and never sign with a key that was not published in time.
 */
@ExtendWith(MotoExtension.class)
class KeyRotationSimulationIT {

  private static final String ISSUER = "https://broker.example.com/prod";
  private static final Duration PERIOD = Duration.ofHours(2);
  private static final Duration LEAD = Duration.ofMinutes(15);
  private static final Duration JWKS_MAX_AGE = Duration.ofMinutes(5);
  private static final String ARN =
      "arn:aws:execute-api:us-east-1:123456789012:api/prod/GET/orders/1";

  /** A verifier outside AWS: fetches the JWKS, keeps it for max-age, never refreshes early. */
  private static final class JwksVerifier {
    private final DiscoveryHandler discovery;
    private final MutableClock clock;
    private JWKSet keys;
    private Instant fetchedAt = Instant.MIN;

    JwksVerifier(DiscoveryHandler discovery, MutableClock clock) {
      this.discovery = discovery;
      this.clock = clock;
    }

    boolean accepts(String token) throws Exception {
      if (!clock.instant().isBefore(fetchedAt.plus(JWKS_MAX_AGE))) {
        keys =
            JWKSet.parse(
                (String)
                    EventFiles.invoke(
                            (in, out) -> discovery.handleRequest(in, out, null),
                            EventFiles.load("discovery/get-jwks.json"))
                        .get("body"));
        fetchedAt = clock.instant();
      }
      CompactJws jws = CompactJws.parse(token, 8192);
      String kid = (String) io.tokenbroker.json.Json.object(jws.headerJson()).get("kid");
      JWK key = keys.getKeyByKeyId(kid);
      return key != null
          && SignatureCheck.verifies(JWSAlgorithm.RS256, key, jws.signingInput(), jws.signature());
    }
  }

  private record Live(String token, String kid, Instant expiresAt) {}

  @Test
  void rotatesTwentyTimesWithoutAVerifierEverMissingAKey(LocalAws local) throws Exception {
    AwsFixture aws = AwsFixture.provisioned(local);
    MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    Env env =
        aws.env(
            Map.of(
                "ISSUER",
                ISSUER,
                "KEY_ROTATION_PERIOD_HOURS",
                Long.toString(PERIOD.toHours()),
                "KEY_PUBLISH_LEAD_SECONDS",
                Long.toString(LEAD.toSeconds()),
                "JWKS_MAX_AGE_SECONDS",
                Long.toString(JWKS_MAX_AGE.toSeconds()),
                "KEY_TABLE_CACHE_SECONDS",
                "30",
                "AUTHORIZER_KEY_CACHE_SECONDS",
                "300",
                "KEY_WITHDRAWN_RETENTION_HOURS",
                "1",
                "KEY_DELETION_WAITING_DAYS",
                "7"));
    RecordingTelemetry telemetry = new RecordingTelemetry();
    var rotation =
        new KeyRotationHandler(KeyRotationWiring.fromEnvironment(env, clock, telemetry).rotation());
    var tokenWiring = TokenWiring.fromEnvironment(env, clock, telemetry);
    var tokens =
        new TokenHandler(
            tokenWiring.clientAuthentication(),
            tokenWiring.tokens(),
            tokenWiring.refreshes(),
            tokenWiring.exchanges(),
            tokenWiring.dpop(),
            tokenWiring.handlerTelemetry());
    var authorizerWiring =
        AuthorizerWiring.fromEnvironment(
            env.with(
                Map.of(
                    "AUDIENCE", "https://orders.example.com",
                    "ROUTE_SCOPES", "{\"GET /orders/*\": [\"orders:read\"]}",
                    "KEY_CACHE_SECONDS", "300",
                    "KEY_REFRESH_MIN_INTERVAL_SECONDS", "600")),
            clock,
            telemetry);
    var authorizer =
        new TokenAuthorizer(
            authorizerWiring.verifier(),
            authorizerWiring.config().routes(),
            authorizerWiring.handlerTelemetry());
    var discoveryWiring = DiscoveryWiring.fromEnvironment(env, clock, telemetry);
    var discovery =
        new DiscoveryHandler(discoveryWiring.discovery(), discoveryWiring.handlerTelemetry());
    List<JwksVerifier> outside =
        List.of(
            new JwksVerifier(discovery, clock),
            new JwksVerifier(discovery, clock),
            new JwksVerifier(discovery, clock));
    var keyTable = new DynamoDbKeyRepository(aws.dynamoDb, aws.tables.keys());
    new io.tokenbroker.adapters.dynamodb.DynamoDbClientRepository(
            aws.dynamoDb, aws.tables.clients())
        .save(Clients.withRole("ci-deployer", "arn:aws:iam::123456789012:role/ci-deployer"), 0);

    Random random = new Random(42);
    Instant start = clock.instant();
    // Until twenty rotations have happened (21 keys have signed), with a cap in case none do.
    Instant cap = clock.instant().plus(PERIOD.multipliedBy(30));
    List<Live> live = new ArrayList<>();
    Set<String> kidsUsed = new HashSet<>();
    int minted = 0;
    int verifications = 0;
    int rejectedWhileUnexpired = 0;
    int signedByUnpublishedKey = 0;
    List<String> problems = new ArrayList<>();
    String bootstrapKid = null;

    Instant nextRun = clock.instant();
    while (kidsUsed.size() < 21 && clock.instant().isBefore(cap)) {
      // The EventBridge schedule: one lifecycle run every 10 minutes.
      if (!clock.instant().isBefore(nextRun)) {
        nextRun = clock.instant().plus(Duration.ofMinutes(10));
        EventFiles.invoke(
            (in, out) -> rotation.handleRequest(in, out, null),
            EventFiles.load("key-rotation/scheduled.json"));
      }
      if (bootstrapKid == null) {
        bootstrapKid = keyTable.findAll().getFirst().kid();
      }

      Map<String, Object> issued =
          EventFiles.invoke(
              (in, out) -> tokens.handleRequest(in, out, null),
              EventFiles.load("token/client-credentials-iam.json"));
      assertThat(issued.get("statusCode")).as(issued.toString()).isEqualTo(200L);
      String token = (String) EventFiles.body(issued).get("access_token");
      String kid =
          (String)
              io.tokenbroker.json.Json.object(CompactJws.parse(token, 8192).headerJson())
                  .get("kid");
      minted++;
      kidsUsed.add(kid);
      SigningKey signer = keyTable.find(kid).orElseThrow();
      boolean publishedInTime =
          signer.state().isPublished()
              && (kid.equals(bootstrapKid)
                  || !signer.createdAt().plus(LEAD).isAfter(clock.instant()));
      if (!publishedInTime) {
        signedByUnpublishedKey++;
        problems.add(
            clock.instant()
                + " signed by "
                + kid
                + " "
                + signer.state()
                + " created "
                + signer.createdAt());
      }
      long expiresIn = (Long) EventFiles.body(issued).get("expires_in");
      live.add(new Live(token, kid, clock.instant().plusSeconds(expiresIn)));

      for (Iterator<Live> it = live.iterator(); it.hasNext(); ) {
        Live t = it.next();
        if (!clock.instant().isBefore(t.expiresAt())) {
          it.remove();
          continue;
        }
        verifications++;
        Map<String, Object> event = EventFiles.load("authorizer/rest-request.json");
        event.put("methodArn", ARN);
        event.put("multiValueHeaders", Map.of("Authorization", List.of("Bearer " + t.token())));
        try {
          Map<String, Object> answer =
              EventFiles.invoke((in, out) -> authorizer.handleRequest(in, out, null), event);
          if (!answer.toString().contains("Allow")) {
            throw new AssertionError("denied");
          }
        } catch (RuntimeException denied) {
          rejectedWhileUnexpired++;
          problems.add(clock.instant() + " authorizer refused a live token of " + t.kid());
        }
        for (JwksVerifier verifier : outside) {
          verifications++;
          if (!verifier.accepts(t.token())) {
            rejectedWhileUnexpired++;
            problems.add(clock.instant() + " JWKS verifier did not know " + t.kid());
          }
        }
      }
      clock.advance(Duration.ofSeconds(30 + random.nextInt(8 * 60)));
    }

    var finalStates = keyTable.findAll().stream().map(SigningKey::state).toList();
    System.out.printf(
        "rotation simulation: %d rotations in %d simulated hours, %d tokens minted, %d"
            + " verifications, %d rejections of unexpired tokens, %d tokens signed by an"
            + " unpublished key%n",
        kidsUsed.size() - 1,
        Duration.between(start, clock.instant()).toHours(),
        minted,
        verifications,
        rejectedWhileUnexpired,
        signedByUnpublishedKey);
    assertThat(problems).isEmpty();
    assertThat(rejectedWhileUnexpired).isZero();
    assertThat(signedByUnpublishedKey).isZero();
    assertThat(kidsUsed).hasSizeGreaterThanOrEqualTo(21);
    assertThat(finalStates).filteredOn(s -> s == KeyState.ACTIVE).hasSize(1);
    assertThat(finalStates).contains(KeyState.RETIRED, KeyState.DELETION_SCHEDULED);
  }
}
