package io.tokenbroker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import io.tokenbroker.devsupport.LocalAws;
import io.tokenbroker.devsupport.MotoExtension;
import io.tokenbroker.testing.AwsFixture;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(MotoExtension.class)
class BrokerctlIT {

  private static AwsFixture aws;
  @TempDir Path dir;

  @BeforeAll
  static void setUp(LocalAws local) {
    aws = AwsFixture.provisioned(local);
  }

  record Run(int exit, String out, String err) {}

  private static Run brokerctl(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cli = Brokerctl.commandLine(new Brokerctl(Map.of()));
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    String[] all = new String[args.length + 4];
    all[0] = "--endpoint-url";
    all[1] = aws.aws.endpoint().toString();
    all[2] = "--clients-table";
    all[3] = aws.tables.clients();
    System.arraycopy(args, 0, all, 4, args.length);
    int exit = cli.execute(all);
    return new Run(exit, out.toString().strip(), err.toString().strip());
  }

  private Path write(String name, String content) throws Exception {
    return Files.writeString(dir.resolve(name), content);
  }

  @Test
  void registersListsShowsAndDisablesAClient() throws Exception {
    Path key = dir.resolve("key.json");
    assertThat(brokerctl("keygen", "--out", key.toString()).exit()).isZero();
    Path file =
        write(
            "c.json",
            "{\"client_id\":\"billing\",\"scopes\":[\"bill:read\"],\"audiences\":[\"https://bill\"]}");

    assertThat(brokerctl("clients", "put", file.toString(), "--add-key", key.toString()).out())
        .isEqualTo("stored billing (version 1)");
    assertThat(brokerctl("clients", "put", file.toString(), "--add-key", key.toString()).out())
        .isEqualTo("stored billing (version 2)");
    assertThat(brokerctl("clients", "list").out())
        .containsPattern("billing\\s+enabled\\s+jwks:1\\s+bill:read");
    Run get = brokerctl("clients", "get", "billing");
    assertThat(get.out()).contains("\"client_id\":\"billing\"").doesNotContain("\"d\":");
    assertThat(brokerctl("clients", "disable", "billing").out()).isEqualTo("disabled billing");
    assertThat(brokerctl("clients", "list").out()).containsPattern("billing\\s+disabled");
  }

  @Test
  void explainsAnInvalidRegistrationAndExitsNonZero() throws Exception {
    Path file =
        write(
            "bad.json",
            "{\"client_id\":\"x\",\"scopes\":[],\"audiences\":[\"a\"],\"iam_roles\":[\"arn:aws:iam::123456789012:role/x\"]}");

    Run run = brokerctl("clients", "put", file.toString());

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).isEqualTo("brokerctl: scopes: at least one scope is required");
  }

  @Test
  void refusesARoleAlreadyBoundToAnotherClient() throws Exception {
    String role = "arn:aws:iam::123456789012:role/shared";
    brokerctl(
        "clients",
        "put",
        write(
                "a.json",
                "{\"client_id\":\"a\",\"iam_roles\":[\""
                    + role
                    + "\"],\"scopes\":[\"s\"],\"audiences\":[\"x\"]}")
            .toString());

    Run run =
        brokerctl(
            "clients",
            "put",
            write(
                    "b.json",
                    "{\"client_id\":\"b\",\"iam_roles\":[\""
                        + role
                        + "\"],\"scopes\":[\"s\"],\"audiences\":[\"x\"]}")
                .toString());

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).contains("already bound to another client");
  }

  @Test
  void revokesATokenAClientAndAKey() {
    var revocations =
        new io.tokenbroker.adapters.dynamodb.DynamoDbRevocationRepository(
            aws.dynamoDb, aws.tables.revocations());
    String[] tables = {
      "--issuances-table", aws.tables.issuances(),
      "--revocations-table", aws.tables.revocations(),
      "--keys-table", aws.tables.keys()
    };

    assertThat(run(tables, "revoke", "token", "jti-77").out()).isEqualTo("revoked token jti-77");
    assertThat(run(tables, "revoke", "client", "billing").out())
        .startsWith("revoked every token of billing issued before ");
    assertThat(run(tables, "revoke", "key", "kid-5").out())
        .isEqualTo("revoked every token signed by kid-5");

    var status = revocations.status("jti-77", "billing", "kid-5", java.util.Optional.empty());
    assertThat(status.tokenRevoked()).isTrue();
    assertThat(status.keyRevoked()).isTrue();
    assertThat(status.clientRevokedBefore()).isPresent();
  }

  @Test
  void takesIdentifiersThatStartWithADash() {
    String[] tables = {
      "--issuances-table", aws.tables.issuances(),
      "--revocations-table", aws.tables.revocations(),
      "--keys-table", aws.tables.keys()
    };
    var revocations =
        new io.tokenbroker.adapters.dynamodb.DynamoDbRevocationRepository(
            aws.dynamoDb, aws.tables.revocations());

    assertThat(run(tables, "revoke", "token", "-jti").out()).isEqualTo("revoked token -jti");
    assertThat(run(tables, "revoke", "key", "-kid").out())
        .isEqualTo("revoked every token signed by -kid");

    var status = revocations.status("-jti", "billing", "-kid", java.util.Optional.empty());
    assertThat(status.tokenRevoked()).isTrue();
    assertThat(status.keyRevoked()).isTrue();
    String[] keyTables = {
      "--keys-table", aws.tables.keys(),
      "--revocations-table", aws.tables.revocations(),
      "--deployment", aws.aws.prefix()
    };
    assertThat(run(keyTables, "keys", "compromise", "-unknown-kid").err())
        .isEqualTo("brokerctl: no such key: -unknown-kid");
  }

  private static Run run(String[] options, String... args) {
    String[] all = new String[options.length + args.length];
    System.arraycopy(options, 0, all, 0, options.length);
    System.arraycopy(args, 0, all, options.length, args.length);
    return brokerctl(all);
  }

  /**
   * Revoking the ACTIVE key's tokens would leave the broker minting tokens every verifier refuses:
   * refused, pointing at {@code keys compromise}, and nothing written. (Tables of their own: the
   * lifecycle test below needs an empty key table.)
   */
  @Test
  void refusesToRevokeTheActiveKeyAndPointsAtKeysCompromise() {
    var tables = io.tokenbroker.adapters.dynamodb.BrokerTables.withPrefix(aws.aws.prefix() + "a-");
    new io.tokenbroker.provisioning.BrokerProvisioner(aws.dynamoDb).createTables(tables);
    var active =
        io.tokenbroker.keys.SigningKey.created(
            io.tokenbroker.testing.TestKeys.managed(io.tokenbroker.testing.TestKeys.rsa()),
            io.tokenbroker.keys.KeyState.ACTIVE,
            Instant.now());
    new io.tokenbroker.adapters.dynamodb.DynamoDbKeyRepository(aws.enhanced, tables.keys())
        .create(active);
    String[] options = {
      "--issuances-table", tables.issuances(),
      "--revocations-table", tables.revocations(),
      "--keys-table", tables.keys()
    };

    Run run = run(options, "revoke", "key", active.kid());

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).contains("active signing key").contains("brokerctl keys compromise");
    assertThat(
            aws.dynamoDb
                .scan(r -> r.tableName(tables.revocations()).select("COUNT").consistentRead(true))
                .count())
        .isZero();
  }

  @Test
  void listsRotatesAndCompromisesKeys() {
    String[] tables = {
      "--keys-table", aws.tables.keys(),
      "--revocations-table", aws.tables.revocations(),
      "--deployment", aws.aws.prefix()
    };

    assertThat(run(tables, "keys", "rotate").out()).startsWith("bootstrapped ");
    assertThat(run(tables, "keys", "rotate").out()).isEqualTo("nothing due");
    assertThat(run(tables, "keys", "rotate", "--force").out()).startsWith("published ");
    String list = run(tables, "keys", "list").out();
    assertThat(list).contains("ACTIVE").contains("PENDING");
    String active =
        list.lines().filter(l -> l.contains("ACTIVE")).findFirst().orElseThrow().split(" ")[0];

    Run compromised = run(tables, "keys", "compromise", active);

    assertThat(compromised.out())
        .contains("revoked every token signed by " + active)
        .contains("withdrew " + active)
        .contains("disabled " + active);
    String after = run(tables, "keys", "list").out();
    assertThat(after.lines().filter(l -> l.startsWith(active)).findFirst().orElseThrow())
        .contains("WITHDRAWN");
    assertThat(after.lines().filter(l -> l.contains("ACTIVE"))).hasSize(1);
  }

  @Test
  void reportsAnUnknownClient() {
    Run run = brokerctl("clients", "disable", "ghost");

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).isEqualTo("brokerctl: no such client: ghost");
  }

  @Test
  void writesThePrivateKeyOwnerOnlyAndNeverOverwritesIt() throws Exception {
    Path key = dir.resolve("k.json");

    Run run = brokerctl("keygen", "--alg", "ES256", "--out", key.toString());

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
        .isEqualTo("rw-------");
    assertThat(JWK.parse(Files.readString(key)).isPrivate()).isTrue();
    JWKSet published = JWKSet.parse(run.out());
    assertThat(published.getKeys().getFirst().isPrivate()).isFalse();
    assertThat(brokerctl("keygen", "--out", key.toString()).exit()).isEqualTo(1);
  }

  @Test
  void signsAShortLivedAssertionWithTheKey() throws Exception {
    Path key = dir.resolve("k2.json");
    brokerctl("keygen", "--out", key.toString());

    String assertion =
        brokerctl(
                "assertion",
                "--key",
                key.toString(),
                "--client-id",
                "app",
                "--audience",
                "https://b/token")
            .out();

    SignedJWT jwt = SignedJWT.parse(assertion);
    assertThat(
            jwt.verify(new ECDSAVerifier(((ECKey) JWK.parse(Files.readString(key))).toPublicJWK())))
        .isTrue();
    var claims = jwt.getJWTClaimsSet();
    assertThat(claims.getIssuer()).isEqualTo("app").isEqualTo(claims.getSubject());
    assertThat(claims.getAudience()).containsExactly("https://b/token");
    assertThat(Duration.between(Instant.now(), claims.getExpirationTime().toInstant()))
        .isLessThanOrEqualTo(Duration.ofSeconds(60));
    assertThat(claims.getJWTID()).isNotBlank();
  }
}
