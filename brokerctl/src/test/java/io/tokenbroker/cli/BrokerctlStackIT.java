package io.tokenbroker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.util.JSONObjectUtils;
import io.tokenbroker.adapters.dynamodb.BrokerTables;
import io.tokenbroker.devsupport.LocalAws;
import io.tokenbroker.devsupport.MotoExtension;
import io.tokenbroker.testing.AwsFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;

/**
 * {@code --stack-name}: every table from the stack's outputs, as template.yaml names them (a
 * minimal stack on moto whose Outputs are those names).
 */
@ExtendWith(MotoExtension.class)
class BrokerctlStackIT {

  private static AwsFixture aws;
  private static Cli cli;
  private static BrokerTables tables;
  private static String stack;
  private static String olderStack;
  @TempDir Path dir;

  @BeforeAll
  static void setUp(LocalAws local) throws Exception {
    aws = AwsFixture.provisioned(local);
    cli = new Cli(aws);
    tables = cli.freshTables();
    Map<String, String> outputs = new LinkedHashMap<>();
    outputs.put("KeysTableName", tables.keys());
    outputs.put("ClientsTableName", tables.clients());
    outputs.put("IssuancesTableName", tables.issuances());
    outputs.put("RefreshTokensTableName", tables.refreshTokens());
    outputs.put("RevocationsTableName", tables.revocations());
    outputs.put("AuditTableName", tables.audit());
    stack = local.prefix() + "stack";
    olderStack = local.prefix() + "older-stack";
    try (CloudFormationClient cloudFormation =
        CloudFormationClient.builder()
            .endpointOverride(local.endpoint())
            .region(Region.US_EAST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
            .build()) {
      cloudFormation.createStack(r -> r.stackName(stack).templateBody(template(outputs)));
      outputs.remove("AuditTableName"); // a stack deployed before the audit trail
      cloudFormation.createStack(r -> r.stackName(olderStack).templateBody(template(outputs)));
    }
  }

  /** A stack of one placeholder resource whose Outputs are {@code outputs}. */
  private static String template(Map<String, String> outputs) {
    Map<String, Object> out = new LinkedHashMap<>();
    outputs.forEach((name, value) -> out.put(name, Map.of("Value", value)));
    return JSONObjectUtils.toJSONString(
        Map.of(
            "Resources",
            Map.of("Placeholder", Map.of("Type", "AWS::CloudFormation::WaitConditionHandle")),
            "Outputs",
            out));
  }

  private static Cli.Run brokerctl(String... args) {
    List<String> all =
        new java.util.ArrayList<>(List.of("--endpoint-url", aws.aws.endpoint().toString()));
    all.addAll(List.of(args));
    return Cli.execute(Map.of(), all.toArray(String[]::new));
  }

  private Path client(String id) throws Exception {
    return Files.writeString(
        dir.resolve(id + ".json"),
        "{\"client_id\":\""
            + id
            + "\",\"scopes\":[\"s:read\"],\"audiences\":[\"https://a\"],"
            + "\"iam_roles\":[\"arn:aws:iam::123456789012:role/"
            + id
            + "\"]}");
  }

  private static long items(String table) {
    return aws.dynamoDb.scan(r -> r.tableName(table).select("COUNT")).count();
  }

  @Test
  void findsEveryTableInTheStackOutputs() throws Exception {
    assertThat(
            brokerctl("--stack-name", stack, "clients", "put", client("billing").toString()).out())
        .isEqualTo("stored billing (version 1)");
    assertThat(brokerctl("--stack-name", stack, "revoke", "client", "billing").exit()).isZero();
    assertThat(brokerctl("--stack-name", stack, "keys", "rotate").out())
        .startsWith("bootstrapped ");

    assertThat(
            new io.tokenbroker.adapters.dynamodb.DynamoDbClientRepository(
                    aws.dynamoDb, tables.clients())
                .find("billing"))
        .isPresent();
    assertThat(items(tables.revocations())).isEqualTo(1);
    assertThat(items(tables.keys())).isPositive();
    assertThat(brokerctl("--stack-name", stack, "keys", "list").out()).contains("ACTIVE");
    assertThat(brokerctl("--stack-name", stack, "clients", "list").out()).contains("billing");
    assertThat(brokerctl("--stack-name", stack, "audit", "-o", "json").json().get("entries"))
        .asList()
        .hasSize(6);
  }

  @Test
  void letsAnExplicitTableOptionWinOverTheStack() {
    BrokerTables other = cli.freshTables();
    long before = items(tables.audit());

    Cli.Run run =
        brokerctl(
            "--stack-name",
            stack,
            "--audit-table",
            other.audit(),
            "revoke",
            "token",
            "--force",
            "jti-explicit");

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(items(other.audit())).isEqualTo(2);
    assertThat(items(tables.audit())).isEqualTo(before);
  }

  @Test
  void refusesAStackThatDoesNotExistAndDoesNothing() throws Exception {
    long before = items(tables.clients());

    Cli.Run run =
        brokerctl("--stack-name", "no-such-stack", "clients", "put", client("x").toString());

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err())
        .isEqualTo("brokerctl: no stack no-such-stack in us-east-1 (--stack-name, --region)");
    assertThat(items(tables.clients())).isEqualTo(before);
  }

  @Test
  void refusesAnActionWhenTheStackHasNoAuditTableOutput() throws Exception {
    long before = items(tables.clients());

    Cli.Run run = brokerctl("--stack-name", olderStack, "clients", "put", client("y").toString());

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err())
        .contains("stack " + olderStack + " has no output AuditTableName")
        .contains("--audit-table");
    assertThat(items(tables.clients())).isEqualTo(before);
  }

  @Test
  void refusesStackNameAndTablePrefixTogether() {
    Cli.Run run = brokerctl("--stack-name", stack, "--table-prefix", "x-", "clients", "list");

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).contains("give --stack-name or --table-prefix, not both");
  }
}
