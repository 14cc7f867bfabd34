package io.tokenbroker.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.SignedJWT;
import io.tokenbroker.adapters.dynamodb.BrokerTables;
import io.tokenbroker.adapters.dynamodb.DynamoDbIssuanceRepository;
import io.tokenbroker.adapters.dynamodb.DynamoDbKeyRepository;
import io.tokenbroker.adapters.dynamodb.DynamoDbOperatorAudit;
import io.tokenbroker.adapters.dynamodb.DynamoDbRevocationRepository;
import io.tokenbroker.adapters.provisioning.BrokerProvisioner;
import io.tokenbroker.auth.AuthMethod;
import io.tokenbroker.devsupport.LocalAws;
import io.tokenbroker.devsupport.MotoExtension;
import io.tokenbroker.keys.KeyState;
import io.tokenbroker.keys.SigningKey;
import io.tokenbroker.operator.AuditEntry;
import io.tokenbroker.operator.AuditOutcome;
import io.tokenbroker.testing.AwsFixture;
import io.tokenbroker.tokens.Issuance;
import io.tokenbroker.verify.RevocationStatus;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

@ExtendWith(MotoExtension.class)
class BrokerctlIT {

  private static AwsFixture aws;
  @TempDir Path dir;

  /** A second set of tables for the revocation tests, where they may write key rows freely. */
  private static BrokerTables revocationTables;

  @BeforeAll
  static void setUp(LocalAws local) {
    aws = AwsFixture.provisioned(local);
    revocationTables = BrokerTables.withPrefix(local.prefix() + "rv-");
    new BrokerProvisioner(aws.dynamoDb).createTables(revocationTables);
  }

  record Run(int exit, String out, String err) {}

  private static Run brokerctl(String... args) {
    List<String> all =
        new ArrayList<>(
            List.of(
                "--endpoint-url",
                aws.aws.endpoint().toString(),
                "--clients-table",
                aws.tables.clients(),
                "--audit-table",
                aws.tables.audit()));
    all.addAll(List.of(args));
    return execute(all.toArray(String[]::new));
  }

  /** brokerctl on every table of {@code tables} (and their deployment name). */
  private static Run brokerctl(BrokerTables tables, String... args) {
    String prefix = tables.clients().substring(0, tables.clients().length() - "clients".length());
    List<String> all =
        new ArrayList<>(
            List.of(
                "--endpoint-url",
                aws.aws.endpoint().toString(),
                "--table-prefix",
                prefix,
                "--deployment",
                prefix));
    all.addAll(List.of(args));
    return execute(all.toArray(String[]::new));
  }

  private static Run execute(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cli = Brokerctl.commandLine(new Brokerctl(Map.of()));
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int exit = cli.execute(args);
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

  /** picocli's @file expansion would act on (and echo, and audit) the file's contents. */
  @Test
  void neverReadsAnAtFileArgument() throws Exception {
    Path file = write("secret.txt", "file-contents-not-an-id");

    Run run = brokerctl("clients", "disable", "--", "@" + file);
    Run get = brokerctl("clients", "get", "@" + file);

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).contains("@" + file).doesNotContain("file-contents");
    assertThat(get.exit()).isEqualTo(1);
    assertThat(get.err() + get.out()).doesNotContain("file-contents");
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
    new io.tokenbroker.adapters.provisioning.BrokerProvisioner(aws.dynamoDb).createTables(tables);
    var active =
        io.tokenbroker.keys.SigningKey.created(
            io.tokenbroker.testing.TestKeys.managed(io.tokenbroker.testing.TestKeys.rsa()),
            io.tokenbroker.keys.KeyState.ACTIVE,
            Instant.now());
    new io.tokenbroker.adapters.dynamodb.DynamoDbKeyRepository(aws.dynamoDb, tables.keys())
        .create(active);
    String[] options = {
      "--issuances-table", tables.issuances(),
      "--revocations-table", tables.revocations(),
      "--keys-table", tables.keys()
    };

    Run run = run(options, "revoke", "key", "--", active.kid()); // a kid may begin with '-'

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

    Run compromised = run(tables, "keys", "compromise", "--", active);

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
    // One string, not an array: the broker refuses an array aud (draft-ietf-oauth-rfc7523bis).
    assertThat(jwt.getPayload().toJSONObject().get("aud")).isEqualTo("https://b/token");
    assertThat(Duration.between(Instant.now(), claims.getExpirationTime().toInstant()))
        .isLessThanOrEqualTo(Duration.ofSeconds(60));
    assertThat(claims.getJWTID()).isNotBlank();
  }

  // --- Help: every command answers it and does nothing else ---------------------------------

  /** Every command path in brokerctl's tree ("" is brokerctl itself), found by walking it. */
  static Stream<String> commandPaths() {
    List<String> paths = new ArrayList<>();
    collect(Brokerctl.commandLine(new Brokerctl(Map.of())), "", paths);
    // The walk must see the commands this suite knows about, or it proves nothing.
    assertThat(paths)
        .contains("", "revoke", "revoke token", "revoke client", "revoke key", "keys compromise")
        .contains("clients put", "clients get", "clients disable", "keygen", "assertion");
    return paths.stream();
  }

  private static void collect(CommandLine command, String path, List<String> paths) {
    paths.add(path);
    command
        .getSubcommands()
        .forEach((name, sub) -> collect(sub, (path + " " + name).strip(), paths));
  }

  static Stream<Arguments> helpRequests() {
    return commandPaths().flatMap(path -> Stream.of("--help", "-h").map(f -> arguments(path, f)));
  }

  @ParameterizedTest(name = "brokerctl {0} {1}")
  @MethodSource("helpRequests")
  void answersHelpWithUsageAndExitCodesAndChangesNothing(String path, String flag) {
    Map<String, List<String>> before = contents(aws.tables);
    List<String> args = new ArrayList<>(path.isEmpty() ? List.of() : List.of(path.split(" ")));
    args.add(flag);

    Run run = brokerctl(aws.tables, args.toArray(String[]::new));

    assertThat(run.exit()).isZero();
    assertThat(run.err()).isEmpty();
    assertThat(run.out())
        .startsWith(("Usage: brokerctl " + path).strip() + " ")
        .contains("Exit codes:")
        .containsPattern("(?m)^\\s+0\\s+done$")
        .containsPattern("(?m)^\\s+1\\s+failed")
        .containsPattern("(?m)^\\s+2\\s+usage error");
    assertThat(contents(aws.tables)).isEqualTo(before);
  }

  @ParameterizedTest(name = "revoke {0} {1}")
  @CsvSource({"token,--help", "token,-h", "client,--help", "client,-h", "key,--help", "key,-h"})
  void revokesNothingWhenAskedForHelp(String kind, String flag) {
    Map<String, List<String>> before = contents(revocationTables);

    Run run = brokerctl(revocationTables, "revoke", kind, flag);

    assertThat(run.exit()).isZero();
    assertThat(run.out()).startsWith("Usage: brokerctl revoke " + kind);
    assertThat(contents(revocationTables)).isEqualTo(before);
    assertThat(revocations().status(flag, flag, flag, Optional.empty()))
        .isEqualTo(new RevocationStatus(false, Optional.empty(), false, false));
  }

  // --- Usage errors: exit 2, nothing looked up or written ------------------------------------

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "revoke token -AbC        | must follow '--': brokerctl revoke token -- -AbC",
        "revoke key -AbC          | must follow '--': brokerctl revoke key -- -AbC",
        "revoke key --force -AbC  | must follow '--': brokerctl revoke key --force -- -AbC",
        "revoke client -billing   | must follow '--': brokerctl revoke client -- -billing",
        "revoke key -1            | must follow '--': brokerctl revoke key -- -1",
        "revoke key -             | must follow '--': brokerctl revoke key -- -",
        "revoke key --forc kid-1  | Unknown option: '--forc' (an identifier that begins with '-'"
            + " must follow '--')",
        "revoke key -- kid-1 --force | Only the identifier may follow '--'",
        "keys compromise -AbC     | must follow '--': brokerctl keys compromise -- -AbC",
        "clients disable -x       | must follow '--': brokerctl clients disable -- -x",
        "revoke key kid/1         | kid must be 1-128 of A-Z a-z 0-9 _ -",
        "revoke client a%b        | client_id must be 1-128 of",
        "revoke                   | Missing subcommand",
      })
  void refusesAUsageErrorWithExitTwoAndWritesNothing(String command, String message) {
    Map<String, List<String>> before = contents(revocationTables);

    Run run = brokerctl(revocationTables, command.split(" "));

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).startsWith("brokerctl: ").contains(message).contains("Usage: ");
    assertThat(run.out()).isEmpty();
    assertThat(contents(revocationTables)).isEqualTo(before);
  }

  @ParameterizedTest(name = "jti of length {0}")
  @ValueSource(ints = {0, 257})
  void refusesAJtiNoTokenCanCarryAsAUsageError(int length) {
    Map<String, List<String>> before = contents(revocationTables);

    Run run = brokerctl(revocationTables, "revoke", "token", "--force", "j".repeat(length));

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).startsWith("brokerctl: jti must be 1-256 characters");
    assertThat(contents(revocationTables)).isEqualTo(before);
  }

  // --- Identifiers that begin with '-': only after '--' --------------------------------------

  @Test
  void revokesAKeyWhoseKidBeginsWithADashOnlyAfterDashDash() throws Exception {
    // A dash and a digit or '_': never one of the command's short options, which picocli would
    // take as an option cluster ("-V...", "-h...": the next test's case, another message).
    ECKey jwk = kidBeginningWith("-");
    while (!Character.isDigit(jwk.getKeyID().charAt(1)) && jwk.getKeyID().charAt(1) != '_') {
      jwk = kidBeginningWith("-");
    }
    SigningKey key = storeRetiredKey(jwk);
    Map<String, List<String>> before = contents(revocationTables);

    Run withoutDashDash = brokerctl(revocationTables, "revoke", "key", key.kid());

    assertThat(withoutDashDash.exit()).isEqualTo(2);
    assertThat(withoutDashDash.err())
        .contains("must follow '--': brokerctl revoke key -- " + key.kid());
    assertThat(contents(revocationTables)).isEqualTo(before);

    Run run = brokerctl(revocationTables, "revoke", "key", "--", key.kid());

    assertThat(run.exit()).isZero();
    assertThat(run.out()).isEqualTo("revoked every token signed by " + key.kid());
    assertThat(revocations().status("j", "c", key.kid(), Optional.empty()).keyRevoked()).isTrue();
    assertThat(brokerctl(revocationTables, "keys", "compromise", "--", "-unknown-kid").err())
        .isEqualTo("brokerctl: no such key: -unknown-kid");
  }

  @ParameterizedTest
  @ValueSource(strings = {"-h", "-V"})
  void refusesAKidThatLooksLikeTheHelpOrVersionOptionUnlessAfterDashDash(String prefix)
      throws Exception {
    SigningKey key = storeRetiredKey(kidBeginningWith(prefix));
    Map<String, List<String>> before = contents(revocationTables);

    Run withoutDashDash = brokerctl(revocationTables, "revoke", "key", key.kid());

    assertThat(withoutDashDash.exit()).isEqualTo(2);
    assertThat(withoutDashDash.out()).isEmpty();
    assertThat(withoutDashDash.err()).contains("must follow '--'");
    assertThat(contents(revocationTables)).isEqualTo(before);
    assertThat(brokerctl(revocationTables, "revoke", "key", "--", key.kid()).exit()).isZero();
  }

  /** A real P-256 key whose RFC 7638 thumbprint, its kid, begins with {@code prefix}. */
  private static ECKey kidBeginningWith(String prefix) throws Exception {
    while (true) {
      ECKey key = new ECKeyGenerator(Curve.P_256).keyIDFromThumbprint(true).generate();
      if (key.getKeyID().startsWith(prefix)) {
        return key;
      }
    }
  }

  /** A key row as rotation leaves it just after retiring the key (nothing due for a while). */
  private static SigningKey storeRetiredKey(ECKey jwk) {
    Instant now = Instant.now();
    SigningKey key =
        new SigningKey(
            jwk.getKeyID(),
            "test-key-reference",
            JWSAlgorithm.ES256,
            jwk.toPublicJWK(),
            KeyState.RETIRED,
            now.minus(Duration.ofDays(2)),
            now.minus(Duration.ofDays(1)),
            now,
            null,
            3);
    new DynamoDbKeyRepository(aws.dynamoDb, revocationTables.keys()).create(key);
    return key;
  }

  // --- Existence: unknown clients and keys refused unless --force ----------------------------

  @ParameterizedTest(name = "revoke {0} {1}")
  @CsvSource({
    "client,no-such-client,no client no-such-client in the clients table",
    "key,nosuchkid,no signing key nosuchkid in the keys table"
  })
  void refusesAnUnknownClientOrKeyUnlessForced(String kind, String id, String notFound) {
    Map<String, List<String>> before = contents(revocationTables);

    Run refused = brokerctl(revocationTables, "revoke", kind, id);

    assertThat(refused.exit()).isEqualTo(1);
    assertThat(refused.err())
        .isEqualTo("brokerctl: " + notFound + "; nothing revoked (--force revokes it anyway)");
    assertThat(refused.out()).isEmpty();
    assertThat(withoutAudit(contents(revocationTables))).isEqualTo(withoutAudit(before));
    assertThat(auditOf(revocationTables, id))
        .extracting(AuditEntry::outcome)
        .containsExactly(AuditOutcome.REFUSED, AuditOutcome.INTENT);

    Run forced = brokerctl(revocationTables, "revoke", kind, "--force", id);

    assertThat(forced.exit()).isZero();
    assertThat(forced.out()).startsWith(notFound + "; revoked every token").endsWith("(--force)");
    RevocationStatus status = revocations().status("j", id, id, Optional.empty());
    assertThat(kind.equals("key") ? status.keyRevoked() : status.clientRevokedBefore().isPresent())
        .isTrue();
  }

  @Test
  void revokesAClientOnceRegisteredEvenWhenDisabled() throws Exception {
    assertThat(brokerctl(revocationTables, "revoke", "client", "ledger").exit()).isEqualTo(1);
    Path file =
        write(
            "ledger.json",
            "{\"client_id\":\"ledger\",\"scopes\":[\"l:read\"],\"audiences\":[\"https://l\"],"
                + "\"iam_roles\":[\"arn:aws:iam::123456789012:role/ledger\"]}");
    assertThat(brokerctl(revocationTables, "clients", "put", file.toString()).exit()).isZero();
    assertThat(brokerctl(revocationTables, "clients", "disable", "ledger").exit()).isZero();

    Run run = brokerctl(revocationTables, "revoke", "client", "ledger");

    assertThat(run.exit()).isZero();
    assertThat(run.out()).startsWith("revoked every token of ledger issued before ");
    assertThat(revocations().status("j", "ledger", "k", Optional.empty()).clientRevokedBefore())
        .isPresent();
  }

  // --- revoke token: says whether the jti was ever issued ------------------------------------

  @Test
  void revokesAnIssuedTokenAndSaysToWhomItWasIssued() {
    Issuance issuance = storeIssuance("billing");

    Run run = brokerctl(revocationTables, "revoke", "token", "--", issuance.jti());

    assertThat(run.exit()).isZero();
    assertThat(run.out())
        .isEqualTo(
            "revoked token "
                + issuance.jti()
                + " (issued to billing at "
                + issuance.issuedAt()
                + ")");
    assertThat(revocations().status(issuance.jti(), "x", "k", Optional.empty()).tokenRevoked())
        .isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"not-a-jti", "Zm9yZ2VkLWp0aS0xMjM0NQ"})
  void refusesAJtiThatWasNeverIssuedUnlessForced(String jti) {
    Map<String, List<String>> before = contents(revocationTables);

    Run refused = brokerctl(revocationTables, "revoke", "token", jti);

    assertThat(refused.exit()).isEqualTo(1);
    assertThat(refused.err())
        .isEqualTo(
            "brokerctl: no issuance record for "
                + jti
                + "; nothing revoked (--force revokes it anyway)");
    assertThat(withoutAudit(contents(revocationTables))).isEqualTo(withoutAudit(before));

    Run forced = brokerctl(revocationTables, "revoke", "token", "--force", jti);

    assertThat(forced.exit()).isZero();
    assertThat(forced.out())
        .isEqualTo("no issuance record for " + jti + "; revoked it anyway (--force)");
    assertThat(revocations().status(jti, "x", "k", Optional.empty()).tokenRevoked()).isTrue();
  }

  private static Issuance storeIssuance(String clientId) {
    byte[] random = new byte[16];
    new SecureRandom().nextBytes(random);
    String jti = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    Instant issuedAt = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(60);
    Issuance issuance =
        new Issuance(
            jti,
            clientId,
            clientId,
            List.of("https://bill"),
            new TreeSet<>(List.of("bill:read")),
            issuedAt,
            issuedAt.plusSeconds(900),
            "kid-1",
            Optional.empty(),
            Optional.empty(),
            AuthMethod.AWS_IAM,
            "arn:aws:iam::123456789012:role/" + clientId,
            "192.0.2.1",
            "test",
            "0".repeat(64),
            issuedAt.plus(Duration.ofDays(30)));
    new DynamoDbIssuanceRepository(aws.dynamoDb, revocationTables.issuances()).record(issuance);
    return issuance;
  }

  private static DynamoDbRevocationRepository revocations() {
    return new DynamoDbRevocationRepository(aws.dynamoDb, revocationTables.revocations());
  }

  /** The contents of every table but the audit trail: what the broker itself holds. */
  private static Map<String, List<String>> withoutAudit(Map<String, List<String>> contents) {
    Map<String, List<String>> rest = new TreeMap<>(contents);
    rest.keySet().removeIf(name -> name.endsWith("audit"));
    return rest;
  }

  /** The audit trail's entries for {@code target}, newest first (read with the adapter). */
  private static List<AuditEntry> auditOf(BrokerTables tables, String target) {
    return new DynamoDbOperatorAudit(aws.dynamoDb, tables.audit(), java.time.Clock.systemUTC())
        .recent(1000, Optional.empty()).stream().filter(e -> e.target().equals(target)).toList();
  }

  /** Every item of every table in {@code tables}, as text, in a stable order. */
  private static Map<String, List<String>> contents(BrokerTables tables) {
    Map<String, List<String>> contents = new TreeMap<>();
    for (BrokerTables.TableSpec spec : tables.specs()) {
      contents.put(
          spec.name(),
          aws
              .dynamoDb
              .scanPaginator(r -> r.tableName(spec.name()).consistentRead(true))
              .items()
              .stream()
              .map(item -> new TreeMap<>(item).toString())
              .sorted()
              .toList());
    }
    return contents;
  }
}
