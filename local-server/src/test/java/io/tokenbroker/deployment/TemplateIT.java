package io.tokenbroker.deployment;

import static io.tokenbroker.deployment.SamTemplate.list;
import static io.tokenbroker.deployment.SamTemplate.object;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.tokenbroker.adapters.dynamodb.BrokerTables;
import io.tokenbroker.adapters.dynamodb.BrokerTables.TableSpec;
import io.tokenbroker.testing.EventFiles;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** template.yaml lints clean, transforms, and declares what the code expects. */
class TemplateIT {

  private static SamTemplate template;

  @BeforeAll
  static void transform() throws Exception {
    template = SamTemplate.transformed().orElse(null);
  }

  private static SamTemplate template() {
    assumeTrue(template != null, "aws-sam-translator is not installed: template checks skipped");
    return template;
  }

  @Test
  void passesCfnLintWithoutFindings() throws Exception {
    SamTemplate.Result lint = SamTemplate.run("cfn-lint", SamTemplate.file().toString());
    assumeTrue(lint.exitCode() != 127, "cfn-lint is not installed: lint skipped");

    assertThat(lint.output()).isEmpty();
    assertThat(lint.exitCode()).isZero();
  }

  @Test
  void runsEveryFunctionOnJava25Arm64WithAHandlerThatExists() throws Exception {
    Map<String, Map<String, Object>> functions = template().ofType("AWS::Lambda::Function");
    assertThat(functions).isNotEmpty();
    for (Map<String, Object> function : functions.values()) {
      assertThat(function).containsEntry("Runtime", "java25");
      assertThat(list(function, "Architectures")).containsExactly("arm64");
      String handler = (String) function.get("Handler");
      Class<?> handlerClass = Class.forName(handler.substring(0, handler.indexOf("::")));
      assertThat(RequestStreamHandler.class).isAssignableFrom(handlerClass);
      assertThat(handlerClass.getConstructor()).isNotNull();
      assertThat(object(function, "TracingConfig")).containsEntry("Mode", "Active");
      assertThat(object(function, "LoggingConfig")).containsKey("LogGroup");
    }
  }

  @Test
  void givesEveryFunctionAMakefileBuildTarget() throws Exception {
    String makefile = Files.readString(EventFiles.projectRoot().resolve("Makefile"));
    for (String logicalId : template().ofType("AWS::Lambda::Function").keySet()) {
      assertThat(makefile).contains("build-" + logicalId + ":");
    }
  }

  @Test
  void declaresTheTablesTheCodeUses() {
    Map<String, Map<String, Object>> tables = template().ofType("AWS::DynamoDB::Table");
    List<TableSpec> specs = BrokerTables.withPrefix("").specs();
    assertThat(tables).hasSameSizeAs(specs);
    for (TableSpec spec : specs) {
      Map<String, Object> table = tableWithKey(tables, spec.partitionKey());
      assertThat(object(table, "PointInTimeRecoverySpecification"))
          .containsEntry("PointInTimeRecoveryEnabled", true);
      assertThat(object(table, "SSESpecification")).containsEntry("SSEEnabled", true);
      assertThat(table).containsEntry("BillingMode", "PAY_PER_REQUEST");
      if (spec.ttlAttribute() != null) {
        assertThat(object(table, "TimeToLiveSpecification"))
            .containsEntry("AttributeName", spec.ttlAttribute())
            .containsEntry("Enabled", true);
      }
    }
  }

  @Test
  void keepsEveryLogGroupForAStatedTime() {
    Map<String, Map<String, Object>> logGroups = template().ofType("AWS::Logs::LogGroup");
    assertThat(logGroups).hasSameSizeAs(template().ofType("AWS::Lambda::Function"));
    logGroups.values().forEach(group -> assertThat(group).containsKey("RetentionInDays"));
  }

  @Test
  void letsOnlyTheTokenFunctionSignAndOnlyWithTheBrokersTaggedKeys() {
    Map<String, Map<String, Object>> roles = template().ofType("AWS::IAM::Role");
    assertThat(roles)
        .containsKeys("TokenFunctionRole", "AuthorizerFunctionRole", "DiscoveryFunctionRole");
    roles.forEach(
        (role, properties) -> {
          String policies =
              com.nimbusds.jose.util.JSONObjectUtils.toJSONString(
                  Map.of("Policies", properties.get("Policies")));
          if (role.equals("TokenFunctionRole")) {
            assertThat(policies).contains("kms:Sign").contains("aws:ResourceTag/token-broker");
            assertThat(policies).doesNotContain("kms:CreateKey").doesNotContain("kms:Decrypt");
          } else if (!role.startsWith("KeyRotation")) {
            assertThat(policies).as(role).doesNotContain("kms:");
          }
          assertThat(policies)
              .as(role)
              .doesNotContain("\"Resource\":\"*\"")
              .doesNotContain("\"Action\":\"*\"")
              .doesNotContain("dynamodb:*")
              .doesNotContain("kms:*");
        });
  }

  private static Map<String, Object> tableWithKey(
      Map<String, Map<String, Object>> tables, String partitionKey) {
    return tables.values().stream()
        .filter(
            t -> object(list(t, "KeySchema").getFirst()).get("AttributeName").equals(partitionKey))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no table keyed by " + partitionKey));
  }
}
