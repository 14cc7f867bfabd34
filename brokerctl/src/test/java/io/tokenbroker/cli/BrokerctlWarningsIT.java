package io.tokenbroker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.SignedJWT;
import io.tokenbroker.adapters.dynamodb.BrokerTables;
import io.tokenbroker.auth.ClientAssertionVerifier;
import io.tokenbroker.auth.ClientAuthenticationReason;
import io.tokenbroker.clients.ClientJson;
import io.tokenbroker.config.BrokerConfig;
import io.tokenbroker.config.Env;
import io.tokenbroker.devsupport.LocalAws;
import io.tokenbroker.devsupport.MotoExtension;
import io.tokenbroker.discovery.BrokerEndpoints;
import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.testing.AwsFixture;
import io.tokenbroker.testing.Clients;
import io.tokenbroker.testing.InMemoryClientRepository;
import io.tokenbroker.testing.InMemoryReplayGuard;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * brokerctl warns (stderr, exit 0, output unchanged) when what it makes will be refused or capped
 * by the broker; the broker's own verifier, with its default settings, is the oracle.
 */
@ExtendWith(MotoExtension.class)
class BrokerctlWarningsIT {

  private static final String ISSUER = "https://broker.example";
  private static Cli cli;
  @TempDir Path dir;

  @BeforeAll
  static void setUp(LocalAws local) {
    cli = new Cli(AwsFixture.provisioned(local));
  }

  private Cli.Run assertion(Path key, long lifetime, Map<String, String> env) {
    return Cli.execute(
        env,
        "assertion",
        "--key",
        key.toString(),
        "--client-id",
        "app",
        "--audience",
        ISSUER + "/token",
        "--lifetime",
        Long.toString(lifetime));
  }

  /** What the broker's verifier, with the template's defaults, says of this assertion. */
  private static Optional<ClientAuthenticationReason> brokerRefuses(JWK key, String assertion) {
    InMemoryClientRepository clients = new InMemoryClientRepository();
    clients.add(Clients.withKey("app", key.toPublicJWK()));
    Env defaults = Env.of(Map.of());
    var verifier =
        new ClientAssertionVerifier(
            clients,
            new InMemoryReplayGuard(),
            new BrokerEndpoints(URI.create(ISSUER)),
            Clock.systemUTC(),
            BrokerConfig.maxAssertionLifetime(defaults),
            BrokerConfig.clockSkew(defaults));
    try {
      verifier.verify(
          Optional.of("urn:ietf:params:oauth:client-assertion-type:jwt-bearer"),
          Optional.of(assertion),
          Optional.of("app"));
      return Optional.empty();
    } catch (RequestRejected e) {
      return Optional.of((ClientAuthenticationReason) e.rejectionReason());
    }
  }

  @Test
  void warnsOfAnAssertionLivingLongerThanTheBrokerAcceptsAndStillPrintsIt() throws Exception {
    Path keyFile = dir.resolve("k.json");
    assertThat(Cli.execute(Map.of(), "keygen", "--out", keyFile.toString()).exit()).isZero();
    JWK key = JWK.parse(Files.readString(keyFile));

    Cli.Run hourLong = assertion(keyFile, 3600, Map.of());
    Cli.Run atTheLimit = assertion(keyFile, 300, Map.of());

    assertThat(hourLong.exit()).isZero();
    assertThat(hourLong.err())
        .isEqualTo(
            "brokerctl: warning: the broker refuses (invalid_client) an assertion whose exp lies"
                + " more than 300 s ahead (CLIENT_ASSERTION_MAX_LIFETIME_SECONDS); this one's"
                + " lies 3600 s ahead");
    assertThat(brokerRefuses(key, SignedJWT.parse(hourLong.out()).serialize()))
        .contains(ClientAuthenticationReason.ASSERTION_LIFETIME_TOO_LONG);
    assertThat(atTheLimit.err()).isEmpty();
    assertThat(brokerRefuses(key, atTheLimit.out())).isEmpty();
    // a deployment that allows an hour, said so in brokerctl's environment: no warning
    assertThat(
            assertion(keyFile, 3600, Map.of("CLIENT_ASSERTION_MAX_LIFETIME_SECONDS", "3600")).err())
        .isEmpty();
  }

  @Test
  void warnsOfAnAudienceThatIsNotAUrlAndRefusesAnExpiredLifetime() throws Exception {
    Path keyFile = dir.resolve("k2.json");
    Cli.execute(Map.of(), "keygen", "--out", keyFile.toString());

    Cli.Run notAUrl =
        Cli.execute(
            Map.of(),
            "assertion",
            "--key",
            keyFile.toString(),
            "--client-id",
            "app",
            "--audience",
            "token-broker");
    Cli.Run expired = assertion(keyFile, 0, Map.of());

    assertThat(notAUrl.exit()).isZero();
    assertThat(notAUrl.err()).contains("warning: the broker accepts only its issuer URL");
    assertThat(expired.exit()).isEqualTo(2);
    assertThat(expired.err()).startsWith("brokerctl: --lifetime must be at least 1 s");
    assertThat(expired.out()).isEmpty();
  }

  @Test
  void warnsWhenAClientPolicyAsksForLongerTokensThanTheBrokerIssues() throws Exception {
    BrokerTables tables = cli.freshTables();
    Path longLived =
        Files.writeString(
            dir.resolve("long.json"),
            "{\"client_id\":\"long\",\"scopes\":[\"s\"],\"audiences\":[\"https://a\"],"
                + "\"iam_roles\":[\"arn:aws:iam::123456789012:role/long\"],"
                + "\"max_lifetime_seconds\":7200}");
    Path withinCap =
        Files.writeString(
            dir.resolve("short.json"),
            "{\"client_id\":\"short\",\"scopes\":[\"s\"],\"audiences\":[\"https://a\"],"
                + "\"iam_roles\":[\"arn:aws:iam::123456789012:role/short\"],"
                + "\"max_lifetime_seconds\":900}");

    Cli.Run capped = cli.on(tables, "clients", "put", longLived.toString());
    Cli.Run fine = cli.on(tables, "clients", "put", withinCap.toString());

    assertThat(capped.exit()).isZero();
    assertThat(capped.out()).isEqualTo("stored long (version 1)");
    assertThat(capped.err())
        .isEqualTo(
            "brokerctl: warning: long: max_lifetime_seconds 7200 exceed the broker's"
                + " ACCESS_TOKEN_MAX_LIFETIME_SECONDS: its tokens live at most 900 s");
    assertThat(fine.err()).isEmpty();
    // the oracle: the broker's grant caps at its own maximum (template default 900 s)
    assertThat(BrokerConfig.maxTokenLifetime(Env.of(Map.of()))).isEqualTo(Duration.ofSeconds(900));
    assertThat(ClientJson.parseAll(Files.readString(longLived)).getFirst().maxLifetime())
        .isGreaterThan(Duration.ofSeconds(900));
  }

  /**
   * A limit the broker would refuse, in brokerctl's environment, is named before anything is done:
   * not an exit 1 after the first client of a file was stored and the rest were not.
   */
  @Test
  void refusesAnUnreadableLimitBeforeStoringAnyClientOrSigning() throws Exception {
    BrokerTables tables = cli.freshTables();
    Path two =
        Files.writeString(
            dir.resolve("two.json"),
            "{\"clients\":[{\"client_id\":\"one\",\"scopes\":[\"s\"],\"audiences\":[\"https://a\"],"
                + "\"iam_roles\":[\"arn:aws:iam::123456789012:role/one\"]},"
                + "{\"client_id\":\"two\",\"scopes\":[\"s\"],\"audiences\":[\"https://a\"],"
                + "\"iam_roles\":[\"arn:aws:iam::123456789012:role/two\"]}]}");
    Map<String, String> badCap = Map.of("ACCESS_TOKEN_MAX_LIFETIME_SECONDS", "-5");
    Path keyFile = dir.resolve("key.json");
    assertThat(Cli.execute(Map.of(), "keygen", "--out", keyFile.toString()).exit()).isZero();

    Cli.Run put = cli.on(tables, badCap, "clients", "put", two.toString());
    Cli.Run signed = assertion(keyFile, 60, Map.of("CLIENT_ASSERTION_MAX_LIFETIME_SECONDS", "-5"));

    assertThat(put.exit()).isEqualTo(2);
    assertThat(put.err())
        .contains("ACCESS_TOKEN_MAX_LIFETIME_SECONDS")
        .contains("nothing was done");
    assertThat(cli.on(tables, "clients", "list").out()).doesNotContain("one").doesNotContain("two");
    assertThat(signed.exit()).isEqualTo(2);
    assertThat(signed.out()).isEmpty();
    assertThat(signed.err()).contains("CLIENT_ASSERTION_MAX_LIFETIME_SECONDS");
  }
}
