package io.tokenbroker.system.deployment;

import static io.tokenbroker.testing.SamTemplate.list;
import static io.tokenbroker.testing.SamTemplate.object;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.tokenbroker.adapters.dynamodb.BrokerTables;
import io.tokenbroker.adapters.dynamodb.BrokerTables.TableSpec;
import io.tokenbroker.identifiers.Scope;
import io.tokenbroker.identifiers.ScopeSet;
import io.tokenbroker.testing.EventFiles;
import io.tokenbroker.testing.SamTemplate;
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
    if (lint.exitCode() == 127) {
      SamTemplate.missing("cfn-lint", "pip install cfn-lint"); // fails under CI=true
      assumeTrue(false, "cfn-lint is not installed: lint skipped");
    }

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

  /**
   * The DPoP nonce key exists only when nonces are required, is an HMAC key, and carries the tag
   * the token function's GenerateMac grant goes by, never the signing keys' tag (which key rotation
   * and kms:Sign go by).
   */
  @Test
  @SuppressWarnings("unchecked")
  void declaresTheDpopNonceKeyAsAConditionalHmacKeyWithItsOwnTag() {
    Map<String, Object> key = template().ofType("AWS::KMS::Key").get("DpopNonceKey");
    assertThat(key).as("DpopNonceKey").isNotNull();
    assertThat(key)
        .containsEntry("KeySpec", "HMAC_256")
        .containsEntry("KeyUsage", "GENERATE_VERIFY_MAC");
    String tags = com.nimbusds.jose.util.JSONObjectUtils.toJSONString(Map.of("t", key.get("Tags")));
    assertThat(tags).contains("token-broker-dpop-nonces").doesNotContain("\"token-broker\"");
  }

  /**
   * SnapStart serves published versions only: every request-path function publishes one behind the
   * {@code live} alias, and everything that invokes it (the API's integrations and authorizer, the
   * invoke permissions, the authorizer output) names that alias, never the unqualified function
   * ($LATEST, which would cold-start without a snapshot). Key rotation is scheduled and
   * latency-insensitive; it stays on plain on-demand init.
   */
  @Test
  void servesEveryRequestPathFunctionFromASnapStartAlias() {
    Map<String, Map<String, Object>> functions = template().ofType("AWS::Lambda::Function");
    Map<String, Map<String, Object>> aliases = template().ofType("AWS::Lambda::Alias");
    List<String> requestPath =
        List.of(
            "TokenFunction",
            "AuthorizerFunction",
            "DiscoveryFunction",
            "RevocationFunction",
            "IntrospectionFunction");
    for (String function : requestPath) {
      assertThat(object(functions.get(function), "SnapStart"))
          .as(function)
          .containsEntry("ApplyOn", "PublishedVersions");
      Map<String, Object> alias = aliases.get(function + "Aliaslive");
      assertThat(alias).as(function + " alias").isNotNull().containsEntry("Name", "live");
      assertThat(object(alias, "FunctionName")).containsEntry("Ref", function);
      assertThat(object(alias, "FunctionVersion")).containsKey("Fn::GetAtt");
    }
    assertThat(functions.get("KeyRotationFunction")).doesNotContainKey("SnapStart");

    for (Map.Entry<String, Map<String, Object>> permission :
        template().ofType("AWS::Lambda::Permission").entrySet()) {
      Object getAtt = object(permission.getValue(), "FunctionName").get("Fn::GetAtt");
      if (getAtt != null && String.valueOf(getAtt).contains("AnomalyDetectorFunction")) {
        continue; // CloudWatch Logs invokes the detector: no SnapStart, no alias
      }
      Object target = object(permission.getValue(), "FunctionName").get("Ref");
      assertThat(String.valueOf(target))
          .as(permission.getKey() + " must allow the alias, not the function")
          .endsWith("Aliaslive");
    }

    String api =
        com.nimbusds.jose.util.JSONObjectUtils.toJSONString(
            template().ofType("AWS::ApiGateway::RestApi").values().iterator().next());
    java.util.regex.Matcher invocations =
        java.util.regex.Pattern.compile(
                "function:\\$\\{AWS::StackName}-([a-z-]+)(:[a-z]+)?\\\\?/invocations")
            .matcher(api);
    int integrations = 0;
    while (invocations.find()) {
      integrations++;
      assertThat(invocations.group(2)).as(invocations.group()).isEqualTo(":live");
    }
    // 11, the two leak report routes and the honeytoken mint
    assertThat(integrations).as("integrations and the authorizer found in the API").isEqualTo(14);
  }

  /**
   * The authorizer's JIT is a deployment choice (issue 13): parameter AuthorizerJit, full tiered
   * compilation by default (docs/performance.md, "The authorizer's JIT"), C1 only on request, set
   * through the authorizer's JAVA_TOOL_OPTIONS; no other function sets it, so they run with what
   * Lambda chooses.
   */
  @Test
  @SuppressWarnings("unchecked")
  void letsTheAuthorizersJitBeChosenWithFullTieredCompilationByDefault() {
    Map<String, Object> parameter = object(template().parameters, "AuthorizerJit");
    assertThat(parameter).containsEntry("Default", "tiered");
    assertThat(list(parameter, "AllowedValues")).containsExactly("tiered", "c1-only");
    assertThat(object(template().json, "Conditions"))
        .containsEntry(
            "AuthorizerC1Only",
            Map.of("Fn::Equals", List.of(Map.of("Ref", "AuthorizerJit"), "c1-only")));

    Map<String, Map<String, Object>> functions = template().ofType("AWS::Lambda::Function");
    Map<String, Object> options =
        object(
            object(object(functions.get("AuthorizerFunction"), "Environment"), "Variables"),
            "JAVA_TOOL_OPTIONS");
    assertThat(options)
        .containsEntry(
            "Fn::If",
            List.of(
                "AuthorizerC1Only",
                "-XX:+TieredCompilation -XX:TieredStopAtLevel=1",
                "-XX:+TieredCompilation -XX:TieredStopAtLevel=4"));
    functions.forEach(
        (name, function) -> {
          if (!name.equals("AuthorizerFunction")) {
            Map<String, Object> environment = object(function, "Environment");
            assertThat(environment == null ? Map.of() : object(environment, "Variables"))
                .as(name)
                .doesNotContainKey("JAVA_TOOL_OPTIONS");
          }
        });
  }

  /**
   * Concurrency can be reserved for the authorizer (issue 18: in a thundering herd the token
   * function's retries can take the account's every execution and leave every protected API failing
   * closed), none by default, and no other function reserves any.
   */
  @Test
  void letsConcurrencyBeReservedForTheAuthorizerAndReservesNoneByDefault() {
    Map<String, Object> parameter = object(template().parameters, "AuthorizerReservedConcurrency");
    assertThat(parameter).containsEntry("Default", 0L).containsEntry("MinValue", 0L);
    assertThat(object(template().json, "Conditions"))
        .containsEntry(
            "AuthorizerConcurrencyReserved",
            Map.of(
                "Fn::Not",
                List.of(
                    Map.of(
                        "Fn::Equals",
                        List.of(Map.of("Ref", "AuthorizerReservedConcurrency"), "0")))));

    Map<String, Map<String, Object>> functions = template().ofType("AWS::Lambda::Function");
    assertThat(functions.get("AuthorizerFunction"))
        .containsEntry(
            "ReservedConcurrentExecutions",
            Map.of(
                "Fn::If",
                List.of(
                    "AuthorizerConcurrencyReserved",
                    Map.of("Ref", "AuthorizerReservedConcurrency"),
                    Map.of("Ref", "AWS::NoValue"))));
    functions.forEach(
        (name, function) -> {
          if (!name.equals("AuthorizerFunction")) {
            assertThat(function).as(name).doesNotContainKey("ReservedConcurrentExecutions");
          }
        });
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
      Map<String, Object> table = tableWithKey(tables, spec.partitionKey(), spec.sortKey());
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

  /**
   * Every function logs to a group of its own, as does the API (access logs); each is kept for a
   * stated time and survives the stack's deletion or replacement (the logs are the record of an
   * incident).
   */
  @Test
  void keepsEveryLogGroupForAStatedTimeAndWhenTheStackIsDeleted() {
    Map<String, Map<String, Object>> logGroups = template().ofType("AWS::Logs::LogGroup");
    assertThat(logGroups).hasSize(template().ofType("AWS::Lambda::Function").size() + 1);
    for (Map<String, Object> function : template().ofType("AWS::Lambda::Function").values()) {
      Object group = object(object(function, "LoggingConfig"), "LogGroup").get("Ref");
      assertThat(logGroups).containsKey((String) group);
    }
    assertThat(logGroups).containsKey("ApiAccessLogGroup");
    for (String name : logGroups.keySet()) {
      Map<String, Object> resource = object(template().resources, name);
      assertThat(resource).as(name).containsEntry("DeletionPolicy", "Retain");
      assertThat(resource).as(name).containsEntry("UpdateReplacePolicy", "Retain");
      assertThat(logGroups.get(name)).as(name).containsKey("RetentionInDays");
    }
  }

  /** A table that holds records (everything but the short-lived assertions) cannot be deleted. */
  @Test
  void protectsEveryTableThatHoldsRecordsFromDeletion() {
    Map<String, Map<String, Object>> tables = template().ofType("AWS::DynamoDB::Table");
    for (Map.Entry<String, Map<String, Object>> table : tables.entrySet()) {
      Map<String, Object> resource = object(template().resources, table.getKey());
      if (table.getKey().equals("AssertionsTable")) {
        assertThat(resource).containsEntry("DeletionPolicy", "Delete");
        continue;
      }
      assertThat(resource).as(table.getKey()).containsEntry("DeletionPolicy", "Retain");
      assertThat(table.getValue())
          .as(table.getKey())
          .containsEntry("DeletionProtectionEnabled", true);
    }
  }

  private static final Map<String, Object> ALARM_TOPIC =
      Map.of(
          "Fn::If",
          List.of("CreateAlarmTopic", Map.of("Ref", "AlarmTopic"), Map.of("Ref", "AlarmTopicArn")));

  /** Every alarm tells someone: its actions (and OK actions, where it has them) are the topic. */
  @Test
  void sendsEveryAlarmToTheAlarmTopic() {
    Map<String, Map<String, Object>> alarms = template().ofType("AWS::CloudWatch::Alarm");
    assertThat(alarms).hasSizeGreaterThan(15);
    for (Map.Entry<String, Map<String, Object>> alarm : alarms.entrySet()) {
      assertThat(list(alarm.getValue(), "AlarmActions"))
          .as(alarm.getKey())
          .containsExactly(ALARM_TOPIC);
      if (alarm.getValue().containsKey("OKActions")) {
        assertThat(list(alarm.getValue(), "OKActions"))
            .as(alarm.getKey())
            .containsExactly(ALARM_TOPIC);
      }
      assertThat((String) alarm.getValue().get("AlarmDescription"))
          .as(alarm.getKey() + " names its runbook")
          .contains("docs/operations.md#" + alarm.getKey().toLowerCase(java.util.Locale.ROOT));
    }
  }

  /** Every alarm's runbook section exists: the link in its description leads somewhere. */
  @Test
  void documentsARunbookForEveryAlarm() throws Exception {
    String runbook =
        Files.readString(EventFiles.projectRoot().resolve("docs").resolve("operations.md"));
    for (String alarm : template().ofType("AWS::CloudWatch::Alarm").keySet()) {
      assertThat(runbook).as(alarm).contains("\n### " + alarm + "\n");
    }
  }

  /**
   * Every function's throttles and errors page; the authorizer's errors are its denials (API
   * Gateway's 401 contract is an error), so its fail-closed decisions are alarmed on instead.
   */
  @Test
  void alarmsOnEveryFunctionsErrorsAndThrottles() {
    Map<String, Map<String, Object>> alarms = template().ofType("AWS::CloudWatch::Alarm");
    for (String function : template().ofType("AWS::Lambda::Function").keySet()) {
      for (String metric : List.of("Errors", "Throttles")) {
        boolean alarmed =
            alarms.values().stream()
                .anyMatch(
                    a ->
                        "AWS/Lambda".equals(a.get("Namespace"))
                            && metric.equals(a.get("MetricName"))
                            && String.valueOf(a.get("Dimensions"))
                                .contains("{Ref=" + function + "}"));
        if (function.equals("AuthorizerFunction") && metric.equals("Errors")) {
          assertThat(alarmed).isFalse();
          assertThat(alarms).containsKey("AuthorizerFailClosedAlarm");
        } else {
          assertThat(alarmed).as(function + " " + metric).isTrue();
        }
      }
    }
  }

  /**
   * The alarms and the dashboard name only broker metrics the code emits (read from the sources:
   * every {@code count}, {@code millis} and {@code measure} of a TelemetryEvent), always filtered
   * by this stack; a renamed metric would otherwise leave an alarm that can never fire.
   */
  @Test
  void alarmsAndDashboardReferenceOnlyMetricsTheCodeEmitsFilteredByTheStack() throws Exception {
    java.util.Set<String> emitted = EmittedMetrics.inMainSources();
    assertThat(emitted).contains("TokensIssued", "SecurityAlerts", "RotationOverdueSeconds");

    java.util.Set<String> referenced = new java.util.TreeSet<>();
    java.util.regex.Pattern sql =
        java.util.regex.Pattern.compile(
            "SELECT (?:SUM|MAX|AVG|MIN|COUNT)\\((\\w+)\\) FROM TokenBroker WHERE stack ="
                + " '\\$\\{AWS::StackName}'");
    for (Map<String, Object> alarm : template().ofType("AWS::CloudWatch::Alarm").values()) {
      if ("TokenBroker".equals(alarm.get("Namespace"))) {
        referenced.add((String) alarm.get("MetricName"));
        assertThat(String.valueOf(alarm.get("Dimensions"))).contains("Name=stack");
      }
      if (alarm.containsKey("Metrics")) {
        for (Object query : list(alarm, "Metrics")) {
          String expression = (String) object(object(query), "Expression").get("Fn::Sub");
          java.util.regex.Matcher m = sql.matcher(expression);
          assertThat(m.find()).as(expression).isTrue();
          referenced.add(m.group(1));
        }
      }
    }
    String dashboard =
        (String)
            object(
                    template().ofType("AWS::CloudWatch::Dashboard").get("OperationsDashboard"),
                    "DashboardBody")
                .get("Fn::Sub");
    java.util.regex.Matcher queries = sql.matcher(dashboard);
    int found = 0;
    while (queries.find()) {
      referenced.add(queries.group(1));
      found++;
    }
    java.util.regex.Matcher plainMetrics =
        java.util.regex.Pattern.compile("\\[\"TokenBroker\",\"(\\w+)\"").matcher(dashboard);
    while (plainMetrics.find()) {
      referenced.add(plainMetrics.group(1));
      found++;
    }
    assertThat(found).isGreaterThan(10);
    // every broker metric the dashboard names goes by this stack
    assertThat(dashboard)
        .doesNotContain("FROM TokenBroker GROUP")
        .doesNotContain("FROM TokenBroker\"");
    assertThat(referenced).isNotEmpty();
    assertThat(emitted).containsAll(referenced);
  }

  /**
   * The dashboard shows every alarm in its alarm widget and every function's errors and throttles,
   * so a resource added later (the anomaly detector was) is not left off it.
   */
  @Test
  void showsEveryAlarmAndEveryFunctionOnTheDashboard() {
    String dashboard =
        (String)
            object(
                    template().ofType("AWS::CloudWatch::Dashboard").get("OperationsDashboard"),
                    "DashboardBody")
                .get("Fn::Sub");
    for (String alarm : template().ofType("AWS::CloudWatch::Alarm").keySet()) {
      assertThat(dashboard).as(alarm).contains(":alarm:${" + alarm + "}\"");
    }
    for (Map.Entry<String, Map<String, Object>> function :
        template().ofType("AWS::Lambda::Function").entrySet()) {
      String name = String.valueOf(object(function.getValue(), "FunctionName").get("Fn::Sub"));
      for (String metric : List.of("Errors", "Throttles")) {
        assertThat(dashboard)
            .as(function.getKey() + " " + metric)
            .contains("[\"AWS/Lambda\",\"" + metric + "\",\"FunctionName\",\"" + name + "\"");
      }
    }
    assertThat(dashboard)
        .contains("\"IteratorAge\",\"FunctionName\",\"${AWS::StackName}-anomaly-detector\"")
        .contains("${AnomalyDetectorDeadLetterQueue.QueueName}")
        .doesNotContain(
            "p99)\",\"region\":\"${AWS::Region}\",\"view\":\"timeSeries\",\"period\":300,\"metrics\":[[{\"expression\":\"SELECT"
                + " MAX");
  }

  /**
   * The WAF web ACL exists only when asked for, and rate-limits the token and introspection routes.
   */
  @Test
  @SuppressWarnings("unchecked")
  void addsTheWafWebAclOnlyWhenTheParameterIsOn() {
    SamTemplate t = template();
    assertThat(object(t.parameters, "WebAcl")).containsEntry("Default", "off");
    assertThat(object(object(t.json, "Conditions"), "WafOn"))
        .isEqualTo(Map.of("Fn::Equals", List.of(Map.of("Ref", "WebAcl"), "on")));
    Map<String, Object> acl = object(t.resources, "ApiWebAcl");
    Map<String, Object> association = object(t.resources, "ApiWebAclAssociation");
    assertThat(acl).containsEntry("Condition", "WafOn").containsEntry("Type", "AWS::WAFv2::WebACL");
    assertThat(association).containsEntry("Condition", "WafOn");
    t.resources.forEach(
        (name, resource) -> {
          if (String.valueOf(object(resource).get("Type")).startsWith("AWS::WAFv2::")) {
            assertThat(object(resource)).as(name).containsEntry("Condition", "WafOn");
          }
        });
    String rules = com.nimbusds.jose.util.JSONObjectUtils.toJSONString(object(acl, "Properties"));
    assertThat(rules)
        .contains("\"RateBasedStatement\"")
        .contains("\"SearchString\":\"/token\"")
        .contains("\"SearchString\":\"/introspect\"");
    assertThat(String.valueOf(object(association, "Properties").get("ResourceArn")))
        .contains("/restapis/${BrokerApi}/stages/");
  }

  /**
   * The account's API Gateway CloudWatch role is one per account and region: the role the stack
   * sets there is kept with the setting, or deleting the stack stops every REST API's logging.
   */
  @Test
  void keepsTheAccountsApiGatewayLoggingRoleWhenTheStackIsDeleted() {
    for (String name : List.of("ApiGatewayLoggingRole", "ApiGatewayAccount")) {
      assertThat(object(template().resources, name))
          .as(name)
          .containsEntry("DeletionPolicy", "Retain")
          .containsEntry("UpdateReplacePolicy", "Retain");
    }
  }

  /**
   * WAF compares the transformed path with the search string as written: a LOWERCASE transformation
   * only matches a lower-case search string, so the stage-prefixed ones (the stage may have capital
   * letters) compare the path untransformed, as API Gateway routes it (case-sensitively).
   */
  @Test
  @SuppressWarnings("unchecked")
  void matchesTheWafScopeDownsWhateverTheStagesCase() {
    List<Map<String, Object>> matches = new java.util.ArrayList<>();
    collectByteMatches(object(template().resources, "ApiWebAcl"), matches);
    assertThat(matches).hasSize(4);
    for (Map<String, Object> match : matches) {
      Object search = match.get("SearchString");
      List<Object> transformations = list(match, "TextTransformations");
      boolean lowercased =
          transformations.stream().anyMatch(t -> "LOWERCASE".equals(object(t).get("Type")));
      if (search instanceof String literal) {
        assertThat(!lowercased || literal.equals(literal.toLowerCase(java.util.Locale.ROOT)))
            .as(literal)
            .isTrue();
      } else {
        assertThat(String.valueOf(search)).contains("${Stage}");
        assertThat(lowercased).as(String.valueOf(search)).isFalse();
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static void collectByteMatches(Object node, List<Map<String, Object>> found) {
    if (node instanceof Map<?, ?> map) {
      map.forEach(
          (key, value) -> {
            if ("ByteMatchStatement".equals(key)) {
              found.add((Map<String, Object>) value);
            } else {
              collectByteMatches(value, found);
            }
          });
    } else if (node instanceof List<?> items) {
      items.forEach(item -> collectByteMatches(item, found));
    }
  }

  /**
   * Stage metrics on, and one JSON access-log line per request with what an incident needs: the
   * request id (the functions' correlation_id), the caller's address, the route, the status, the
   * latency and the authorizer's error and latency (and its request id).
   */
  @Test
  void logsEveryApiRequestAndPublishesStageMetrics() throws Exception {
    Map<String, Object> stage =
        template().ofType("AWS::ApiGateway::Stage").values().iterator().next();
    assertThat(list(stage, "MethodSettings"))
        .allSatisfy(setting -> assertThat(object(setting)).containsEntry("MetricsEnabled", true));
    Map<String, Object> access = object(stage, "AccessLogSetting");
    assertThat(object(access, "DestinationArn"))
        .isEqualTo(Map.of("Fn::GetAtt", List.of("ApiAccessLogGroup", "Arn")));
    Map<String, Object> format =
        com.nimbusds.jose.util.JSONObjectUtils.parse((String) access.get("Format"));
    assertThat(format)
        .containsEntry("requestId", "$context.requestId")
        .containsEntry("ip", "$context.identity.sourceIp")
        .containsEntry("resourcePath", "$context.resourcePath")
        .containsEntry("status", "$context.status")
        .containsEntry("responseLatency", "$context.responseLatency")
        .containsEntry("authorizerError", "$context.authorizer.error")
        .containsEntry("authorizerLatency", "$context.authorizer.latency")
        .containsEntry("authorizerRequestId", "$context.authorizer.requestId");
    // API Gateway substitutes $context values unescaped: no caller-chosen text (a User-Agent
    // ending in a backslash) may break the line's JSON; only values API Gateway itself forms.
    assertThat((String) access.get("Format"))
        .doesNotContain("userAgent")
        .doesNotContain("$context.identity.user")
        .doesNotContain("header")
        .doesNotContain("Authorization");
  }

  /**
   * Every function writes JSON lines at the stack's LogLevel (Lambda's ApplicationLogLevel, which
   * the code reads back as AWS_LAMBDA_LOG_LEVEL).
   */
  @Test
  void setsEveryFunctionsLogLevelFromTheStack() {
    for (Map.Entry<String, Map<String, Object>> function :
        template().ofType("AWS::Lambda::Function").entrySet()) {
      assertThat(object(function.getValue(), "LoggingConfig"))
          .as(function.getKey())
          .containsEntry("LogFormat", "JSON")
          .containsEntry("ApplicationLogLevel", Map.of("Ref", "LogLevel"))
          // the platform.report records the runbook reads (timeouts, memory) are INFO
          .containsEntry("SystemLogLevel", "INFO");
    }
  }

  /**
   * Lambda drops every JSON line below ApplicationLogLevel, metrics included: no LogLevel the stack
   * accepts may be above the level the code writes metric-carrying lines at, or alarms go silent
   * (and RotationOverdue, which treats missing data as breaching, fires for good).
   */
  @Test
  void acceptsOnlyLogLevelsThatKeepEveryMetricLine() {
    List<String> lambdaOrder = List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL");
    int floor =
        lambdaOrder.indexOf(
            io.tokenbroker.adapters.telemetry.JsonLinesTelemetry.METRIC_LINE_LEVEL.name());
    assertThat(floor).isNotNegative();
    Map<String, Object> logLevel = object(template().parameters, "LogLevel");
    List<Object> allowed = list(logLevel, "AllowedValues");
    assertThat(allowed).isNotEmpty().contains(logLevel.get("Default"));
    for (Object value : allowed) {
      assertThat(lambdaOrder.indexOf(value)).as("LogLevel " + value).isBetween(0, floor);
    }
  }

  /**
   * A key compromise or revocation is recorded by brokerctl, whose lines reach no log group: the
   * alarm watches the gauge the scheduled key-rotation run emits (KeyRotationServiceTest,
   * KeyRotationHandlerIT), and that function may read the revocations table it counts from.
   */
  @Test
  void pagesOnAKeyRevocationFromTheScheduledRotationRunNotFromBrokerctlsLines() {
    Map<String, Object> alarm =
        template().ofType("AWS::CloudWatch::Alarm").get("KeysCompromisedAlarm");
    String expression =
        (String) object(object(list(alarm, "Metrics").getFirst()), "Expression").get("Fn::Sub");
    assertThat(expression).contains("MAX(SigningKeysRevoked)").doesNotContain("KeysCompromised)");
    assertThat(alarm).containsEntry("TreatMissingData", "notBreaching");
    String role = String.valueOf(template().resources.get("KeyRotationFunctionRole"));
    assertThat(role)
        .contains("dynamodb:BatchGetItem")
        .contains("{Fn::GetAtt=[RevocationsTable, Arn]}");
  }

  /** A rotation run the scheduler cannot deliver lands in a queue that an alarm watches. */
  @Test
  void sendsUndeliveredRotationRunsToAWatchedDeadLetterQueue() {
    Map<String, Object> schedule =
        template().ofType("AWS::Scheduler::Schedule").get("KeyRotationFunctionSchedule");
    assertThat(object(object(schedule, "Target"), "DeadLetterConfig"))
        .isEqualTo(
            Map.of("Arn", Map.of("Fn::GetAtt", List.of("RotationScheduleDeadLetterQueue", "Arn"))));
    Map<String, Object> alarm =
        template().ofType("AWS::CloudWatch::Alarm").get("RotationDeadLetterAlarm");
    assertThat(String.valueOf(alarm.get("Dimensions"))).contains("RotationScheduleDeadLetterQueue");
    assertThat(template().ofType("AWS::CloudWatch::Alarm").get("RotationOverdueAlarm"))
        .containsEntry("TreatMissingData", "breaching");
  }

  @Test
  void grantsKmsRightsOnlyWhereNeededAndOnlyOverTheBrokersTaggedKeys() {
    Map<String, Map<String, Object>> roles = template().ofType("AWS::IAM::Role");
    assertThat(roles)
        .containsKeys(
            "TokenFunctionRole",
            "AuthorizerFunctionRole",
            "DiscoveryFunctionRole",
            "KeyRotationFunctionRole");
    roles.forEach(
        (role, properties) -> {
          List<Map<String, Object>> statements = statements(properties);
          for (Map<String, Object> statement : statements) {
            String actions = String.valueOf(statement.get("Action"));
            String json = com.nimbusds.jose.util.JSONObjectUtils.toJSONString(statement);
            assertThat(actions).as(role).doesNotContain("*\"").doesNotContain(":*");
            if (!actions.contains("kms:")) {
              assertThat(json).as(role).doesNotContain("\"Resource\":\"*\"");
              continue;
            }
            if (actions.equals("kms:GenerateMac")) {
              // DPoP nonces: the functions that check proofs, on the stack's nonce key only (by its
              // own tag, not the signing keys').
              assertThat(role).isIn("TokenFunctionRole", "AuthorizerFunctionRole");
              assertThat(json).contains("aws:ResourceTag/token-broker-dpop-nonces");
              continue;
            }
            switch (role) {
              case "TokenFunctionRole" -> {
                // Sign: minting; GetPublicKey: token exchange confirms a subject token's key.
                assertThat(actions).isIn("kms:Sign", "kms:GetPublicKey");
                assertThat(json).contains("\"aws:ResourceTag/token-broker\"");
              }
              case "KeyRotationFunctionRole" -> {
                assertThat(actions).doesNotContain("kms:Sign");
                if (actions.contains("CreateKey") || actions.contains("TagResource")) {
                  // KMS checks CreateKey's tags as TagResource: both only with the broker's tag.
                  assertThat(json).contains("aws:RequestTag/token-broker").contains("aws:TagKeys");
                } else if (actions.contains("DisableKey")
                    || actions.contains("ScheduleKeyDeletion")) {
                  assertThat(json).contains("aws:ResourceTag/token-broker");
                } else if (json.contains("\"Resource\":\"*\"")) {
                  assertThat(actions).isEqualTo("kms:ListKeys");
                }
              }
              case "AuthorizerFunctionRole",
                  "DiscoveryFunctionRole",
                  "RevocationFunctionRole",
                  "IntrospectionFunctionRole" -> {
                // Verifiers confirm a published key with KMS, only on the broker's tagged keys.
                assertThat(actions).as(role).isEqualTo("kms:GetPublicKey");
                assertThat(json).as(role).contains("aws:ResourceTag/token-broker");
              }
              default -> throw new AssertionError(role + " must have no KMS rights: " + actions);
            }
          }
        });
  }

  /**
   * RFC 8705 in AWS: the API on a custom domain with mutual TLS, off by default (every resource of
   * it under the MtlsOn condition, which an empty MtlsDomainName leaves false), with its ACM
   * certificate and S3 truststore (version required), the stage mapped at its root, the execute-api
   * endpoint disabled when it is on (it would skip the truststore), the authorizer's cache off (it
   * is keyed by the token alone, so a cached Allow would ignore the certificate), and discovery
   * told the mutual TLS base URL (mtls_endpoint_aliases).
   */
  @Test
  void servesTheApiOnAMutualTlsDomainOnlyWhenOneIsConfigured() {
    SamTemplate t = template();
    for (String name :
        List.of(
            "MtlsDomainName", "MtlsCertificateArn", "MtlsTruststoreUri", "MtlsTruststoreVersion")) {
      assertThat(object(t.parameters, name)).as(name).containsEntry("Default", "");
    }
    assertThat(object(object(t.json, "Conditions"), "MtlsOn"))
        .isEqualTo(
            Map.of(
                "Fn::Not",
                List.of(Map.of("Fn::Equals", List.of(Map.of("Ref", "MtlsDomainName"), "")))));
    // The truststore version is required: API Gateway reads the truststore only when the domain
    // is updated, so a removed certificate reaches it only through a stack update naming a version.
    assertThat(
            list(
                object(object(t.json, "Rules"), "MtlsNeedsItsCertificateAndTruststore"),
                "Assertions"))
        .extracting(assertion -> object(assertion).get("Assert"))
        .contains(
            Map.of(
                "Fn::Not",
                List.of(
                    Map.of("Fn::Equals", List.of(Map.of("Ref", "MtlsTruststoreVersion"), "")))));

    Map<String, Object> domain = object(t.resources, "MtlsDomain");
    assertThat(domain).containsEntry("Type", "AWS::ApiGateway::DomainName");
    assertThat(domain).containsEntry("Condition", "MtlsOn");
    Map<String, Object> domainProperties = object(domain, "Properties");
    assertThat(domainProperties)
        .containsEntry("DomainName", Map.of("Ref", "MtlsDomainName"))
        .containsEntry("RegionalCertificateArn", Map.of("Ref", "MtlsCertificateArn"))
        .containsEntry("EndpointConfiguration", Map.of("Types", List.of("REGIONAL")))
        .containsEntry("SecurityPolicy", "TLS_1_2");
    assertThat(object(domainProperties, "MutualTlsAuthentication"))
        .containsEntry("TruststoreUri", Map.of("Ref", "MtlsTruststoreUri"))
        .containsEntry("TruststoreVersion", Map.of("Ref", "MtlsTruststoreVersion"));

    Map<String, Object> mapping = object(t.resources, "MtlsBasePathMapping");
    assertThat(mapping).containsEntry("Type", "AWS::ApiGateway::BasePathMapping");
    assertThat(mapping).containsEntry("Condition", "MtlsOn");
    Map<String, Object> mappingProperties = object(mapping, "Properties");
    assertThat(mappingProperties)
        .containsEntry("DomainName", Map.of("Ref", "MtlsDomain"))
        .containsEntry("RestApiId", Map.of("Ref", "BrokerApi"))
        .doesNotContainKey("BasePath"); // the stage at the domain's root: /token, /demo/...
    String stage = (String) object(mappingProperties, "Stage").get("Ref");
    assertThat(object(t.resources, stage).get("Type")).isEqualTo("AWS::ApiGateway::Stage");

    Map<String, Object> body =
        object(t.ofType("AWS::ApiGateway::RestApi").get("BrokerApi"), "Body");
    assertThat(
            object(
                object(list(body, "servers").getFirst()),
                "x-amazon-apigateway-endpoint-configuration"))
        .containsEntry(
            "disableExecuteApiEndpoint", Map.of("Fn::If", List.of("MtlsOn", true, false)));
    Map<String, Object> authorizer =
        object(
            object(object(object(body, "components"), "securitySchemes"), "brokerAuthorizer"),
            "x-amazon-apigateway-authorizer");
    assertThat(authorizer)
        .containsEntry(
            "authorizerResultTtlInSeconds",
            Map.of("Fn::If", List.of("MtlsOn", 0L, Map.of("Ref", "AuthorizerCacheTtlSeconds"))));

    // Discovery advertises the aliases; the token function accepts DPoP proofs naming them.
    for (String function : List.of("DiscoveryFunction", "TokenFunction")) {
      Map<String, Object> env =
          object(
              object(t.ofType("AWS::Lambda::Function").get(function), "Environment"), "Variables");
      assertThat(env)
          .as(function)
          .containsEntry(
              "MTLS_BASE_URL",
              Map.of(
                  "Fn::If",
                  List.of(
                      "MtlsOn",
                      Map.of("Fn::Sub", "https://${MtlsDomainName}"),
                      Map.of("Ref", "AWS::NoValue"))));
    }

    // tls_client_auth names are vouched for by these CAs only, not by every truststore anchor.
    for (String function :
        List.of("TokenFunction", "RevocationFunction", "IntrospectionFunction")) {
      assertThat(
              object(
                  object(t.ofType("AWS::Lambda::Function").get(function), "Environment"),
                  "Variables"))
          .as(function)
          .containsEntry(
              "TLS_CLIENT_AUTH_CA_CERTS",
              Map.of(
                  "Fn::If",
                  List.of(
                      "MtlsOn",
                      Map.of("Ref", "MtlsClientAuthCaCerts"),
                      Map.of("Ref", "AWS::NoValue"))));
    }
  }

  /**
   * SAM names the API's deployment by a hash of the unresolved template, so flipping MtlsDomainName
   * (an !If in disableExecuteApiEndpoint and the authorizer's cache TTL) alone would make no new
   * deployment: execute-api would stay on and the gateway's cache unchanged while the functions saw
   * AUTHORIZER_RESULT_TTL_SECONDS=0. Every stack update must deploy the API: two transforms a
   * second apart name two deployments.
   */
  @Test
  void deploysTheApiOnEveryStackUpdateSoParameterSwitchesReachIt() throws Exception {
    String first = deploymentOf(template());
    Thread.sleep(1100); // AlwaysDeploy hashes the time in whole seconds
    String second = deploymentOf(SamTemplate.transformed().orElseThrow());
    assertThat(second).isNotEqualTo(first);
  }

  private static String deploymentOf(SamTemplate t) {
    assertThat(t.ofType("AWS::ApiGateway::Deployment")).hasSize(1);
    return t.ofType("AWS::ApiGateway::Deployment").keySet().iterator().next();
  }

  /**
   * PublishedScopes' AllowedPattern admits exactly what the discovery function's PUBLISHED_SCOPES
   * parser accepts: a scope over Scope.MAX_LENGTH that deployed would fail every start of the
   * function that also serves the JWKS.
   */
  @Test
  void acceptsAsPublishedScopesExactlyWhatTheDiscoveryFunctionParses() {
    Map<String, Object> parameter = object(template().parameters, "PublishedScopes");
    java.util.regex.Pattern allowed =
        java.util.regex.Pattern.compile((String) parameter.get("AllowedPattern"));
    String longest = "s".repeat(Scope.MAX_LENGTH);
    for (String sample :
        List.of(
            "",
            "orders:read",
            "orders:read orders:write",
            longest,
            longest + " " + longest,
            "a".repeat(Scope.MAX_LENGTH + 1),
            "orders:read " + "a".repeat(Scope.MAX_LENGTH + 1),
            "orders:read  orders:write",
            " orders:read",
            "orders:read ",
            "a\"b",
            "a\\b",
            "caf\u00e9",
            "!#[]~")) {
      boolean parses = sample.isEmpty() || ScopeSet.parse(sample).isPresent();
      assertThat(allowed.matcher(sample).matches()).as(sample).isEqualTo(parses);
    }
  }

  /**
   * The operators' route admits only the roles in OperatorPrincipalArns: the API's resource policy
   * denies everyone else there (the revocation function checks again, from the same parameter). A
   * small evaluation of the policy as API Gateway would apply it (explicit Deny wins; the Allow
   * covers every route), for an operator, a workload role, and the empty default.
   */
  /**
   * API Gateway caches an authorizer's answer by its identity source, the Authorization header: a
   * cached Allow for a DPoP request would let a stolen DPoP-bound token in with no proof. The
   * authorizer is told the cache TTL it sits behind (the same parameter) and accepts DPoP-bound
   * tokens only when it is 0; the gateway responses carry the DPoP challenges API Gateway can.
   */
  @Test
  @SuppressWarnings("unchecked")
  void tellsTheAuthorizerItsResultCacheAndCarriesDpopChallenges() {
    // The operator's TTL, but no cache with mTLS on (a cached decision would skip the certificate).
    Object cacheTtl =
        Map.of("Fn::If", List.of("MtlsOn", 0L, Map.of("Ref", "AuthorizerCacheTtlSeconds")));
    Map<String, Object> body =
        object(template().ofType("AWS::ApiGateway::RestApi").get("BrokerApi"), "Body");
    Map<String, Object> authorizer =
        object(
            object(object(object(body, "components"), "securitySchemes"), "brokerAuthorizer"),
            "x-amazon-apigateway-authorizer");
    assertThat(authorizer)
        .containsEntry("identitySource", "method.request.header.Authorization")
        .containsEntry("authorizerResultTtlInSeconds", cacheTtl);
    Map<String, Object> function =
        template().ofType("AWS::Lambda::Function").get("AuthorizerFunction");
    assertThat(object(object(function, "Environment"), "Variables"))
        .containsEntry("AUTHORIZER_RESULT_TTL_SECONDS", cacheTtl);
    assertThat(object(template().parameters, "AuthorizerCacheTtlSeconds"))
        .containsEntry("Default", 0L);

    Map<String, Object> responses = object(body, "x-amazon-apigateway-gateway-responses");
    assertThat(object(object(responses, "UNAUTHORIZED"), "responseParameters"))
        .containsEntry(
            "gatewayresponse.header.WWW-Authenticate", "'Bearer, DPoP algs=\"ES256 RS256 PS256\"'");
    assertThat(object(responses, "ACCESS_DENIED")).containsEntry("statusCode", 403L);
    assertThat(object(object(responses, "ACCESS_DENIED"), "responseParameters"))
        .containsEntry(
            "gatewayresponse.header.WWW-Authenticate", "context.authorizer.www_authenticate")
        .containsEntry("gatewayresponse.header.DPoP-Nonce", "context.authorizer.dpop_nonce");
  }

  @Test
  void letsOnlyOperatorRolesReachTheAdminRouteThroughTheApiResourcePolicy() {
    Map<String, Object> parameter = object(template().parameters, "OperatorPrincipalArns");
    assertThat(parameter).containsEntry("Type", "String").containsEntry("Default", "");
    java.util.regex.Pattern allowed =
        java.util.regex.Pattern.compile((String) parameter.get("AllowedPattern"));
    String operator = "arn:aws:iam::123456789012:role/ops/broker-operator";
    String other = "arn:aws-us-gov:iam::123456789012:role/second-operator";
    for (String ok : List.of("", operator, operator + "," + other)) {
      assertThat(allowed.matcher(ok).matches()).as(ok).isTrue();
    }
    for (String bad :
        List.of(
            "*",
            "arn:aws:iam::123456789012:role/*",
            "arn:aws:iam::123456789012:user/ops",
            "arn:aws:sts::123456789012:assumed-role/ops/s1",
            operator + ", " + other,
            operator + ",")) {
      assertThat(allowed.matcher(bad).matches()).as(bad).isFalse();
    }
    Map<String, Object> revocation =
        template().ofType("AWS::Lambda::Function").get("RevocationFunction");
    assertThat(
            object(object(revocation, "Environment"), "Variables").get("OPERATOR_PRINCIPAL_ARNS"))
        .isEqualTo(Map.of("Ref", "OperatorPrincipalArns"));

    Map<String, Object> policy =
        object(
            object(template().ofType("AWS::ApiGateway::RestApi").get("BrokerApi"), "Body"),
            "x-amazon-apigateway-policy");
    String admin = "execute-api:/prod/POST/admin/revocations";
    String workload = "arn:aws:iam::123456789012:role/ci-deployer";
    String second = "arn:aws:iam::123456789012:role/second-operator";
    assertThat(invokes(policy, operator, admin, operator + "," + second)).isTrue();
    assertThat(invokes(policy, second, admin, operator + "," + second)).isTrue();
    assertThat(invokes(policy, workload, admin, operator)).isFalse();
    assertThat(invokes(policy, null, admin, operator)).as("anonymous").isFalse();
    assertThat(invokes(policy, operator, admin, "")).as("no operators: nobody").isFalse();
    // Issue 16: the honeytoken route (on the token function) is the operators' alone as well.
    String honeytokens = "execute-api:/prod/POST/admin/honeytokens";
    assertThat(invokes(policy, operator, honeytokens, operator)).isTrue();
    assertThat(invokes(policy, workload, honeytokens, operator)).isFalse();
    assertThat(invokes(policy, null, honeytokens, operator)).as("anonymous").isFalse();
    assertThat(invokes(policy, operator, honeytokens, "")).as("no operators: nobody").isFalse();
    assertThat(
            object(
                    object(
                        template().ofType("AWS::Lambda::Function").get("TokenFunction"),
                        "Environment"),
                    "Variables")
                .get("OPERATOR_PRINCIPAL_ARNS"))
        .isEqualTo(Map.of("Ref", "OperatorPrincipalArns"));
    String foreignRole = "arn:aws:iam::210987654321:role/broker-operator";
    for (String iamRoute :
        List.of(
            "execute-api:/prod/POST/token/iam",
            "execute-api:/prod/POST/revoke/iam",
            "execute-api:/prod/POST/introspect/iam",
            admin,
            honeytokens)) {
      assertThat(invokes(policy, foreignRole, iamRoute, foreignRole))
          .as("another account's role on " + iamRoute)
          .isFalse();
    }
    for (String open :
        List.of(
            "execute-api:/prod/POST/token",
            "execute-api:/prod/POST/revoke",
            "execute-api:/prod/POST/introspect",
            "execute-api:/prod/GET/.well-known/jwks.json",
            "execute-api:/prod/GET/demo/hello")) {
      assertThat(verdict(policy, null, open, operator)).as(open).isEqualTo(Verdict.ALLOW);
    }
    // The IAM routes get no Allow from the resource policy: a caller of this account needs
    // execute-api:Invoke in its own IAM policy (README), as before the resource policy existed.
    for (String iamRoute :
        List.of(
            "execute-api:/prod/POST/token/iam",
            "execute-api:/prod/POST/revoke/iam",
            "execute-api:/prod/POST/introspect/iam")) {
      assertThat(verdict(policy, workload, iamRoute, "")).as(iamRoute).isEqualTo(Verdict.NONE);
      assertThat(invokes(policy, workload, iamRoute, "")).as(iamRoute).isTrue();
      assertThat(invokes(policy, null, iamRoute, operator)).as(iamRoute).isFalse();
    }
    assertThat(verdict(policy, operator, admin, operator)).isEqualTo(Verdict.NONE);
  }

  @Test
  void letsGitHubReachTheLeakReportRouteAndOnlyOperatorsTheAdminLeakRoute() {
    Map<String, Object> policy =
        object(
            object(template().ofType("AWS::ApiGateway::RestApi").get("BrokerApi"), "Body"),
            "x-amazon-apigateway-policy");
    String operator = "arn:aws:iam::123456789012:role/ops/broker-operator";
    String workload = "arn:aws:iam::123456789012:role/ci-deployer";
    String github = "execute-api:/prod/POST/leaks/github";
    String adminLeaks = "execute-api:/prod/POST/admin/leaks";
    assertThat(verdict(policy, null, github, operator)).isEqualTo(Verdict.ALLOW);
    assertThat(invokes(policy, operator, adminLeaks, operator)).isTrue();
    assertThat(invokes(policy, workload, adminLeaks, operator)).isFalse();
    assertThat(invokes(policy, null, adminLeaks, operator)).as("anonymous").isFalse();
    assertThat(invokes(policy, operator, adminLeaks, "")).as("no operators: nobody").isFalse();
    String foreignRole = "arn:aws:iam::210987654321:role/broker-operator";
    assertThat(invokes(policy, foreignRole, adminLeaks, foreignRole)).isFalse();

    Map<String, Object> revocation =
        template().ofType("AWS::Lambda::Function").get("RevocationFunction");
    assertThat(object(object(revocation, "Environment"), "Variables").get("LEAK_REPORTER_KEYS_URL"))
        .isEqualTo(Map.of("Ref", "LeakReporterKeysUrl"));
    java.util.regex.Pattern url =
        java.util.regex.Pattern.compile(
            (String) object(template().parameters, "LeakReporterKeysUrl").get("AllowedPattern"));
    assertThat(url.matcher("https://api.github.com/meta/public_keys/secret_scanning").matches())
        .isTrue();
    assertThat(url.matcher("").matches()).isTrue();
    assertThat(url.matcher("http://api.github.com/meta").matches()).isFalse();
    // API Gateway may invoke the revocation function on both routes
    assertThat(
            template().ofType("AWS::Lambda::Permission").values().stream()
                .map(p -> String.valueOf(p.get("SourceArn")))
                .filter(
                    arn -> arn.contains("/POST/leaks/github") || arn.contains("/POST/admin/leaks"))
                .count())
        .isEqualTo(2);
  }

  private static final String ACCOUNT = "123456789012";

  /** What the resource policy says of a request: explicit Allow, explicit Deny, or nothing. */
  private enum Verdict {
    ALLOW,
    DENY,
    NONE
  }

  /**
   * Whether API Gateway lets {@code principal} (null: anonymous) invoke {@code resource}, with
   * OperatorPrincipalArns set to {@code operators}, for a caller whose own IAM policy grants
   * execute-api:Invoke: an explicit Deny wins; a principal of the API's account is then allowed by
   * its IAM policy alone; anyone else needs the resource policy's Allow.
   */
  private static boolean invokes(
      Map<String, Object> policy, String principal, String resource, String operators) {
    return switch (verdict(policy, principal, resource, operators)) {
      case DENY -> false;
      case ALLOW -> true;
      case NONE -> principal != null && principal.startsWith("arn:aws:iam::" + ACCOUNT + ":");
    };
  }

  /**
   * The resource policy's own verdict. Knows exactly the features this policy uses; anything else
   * fails the test.
   */
  private static Verdict verdict(
      Map<String, Object> policy, String principal, String resource, String operators) {
    boolean allowed = false;
    for (Object s : list(policy, "Statement")) {
      Map<String, Object> statement = object(s);
      assertThat(statement).containsEntry("Principal", "*");
      assertThat(statement).containsEntry("Action", "execute-api:Invoke");
      Object resources = statement.get("Resource");
      if ((resources instanceof List<?> many ? many : List.of(resources))
          .stream().noneMatch(r -> glob((String) r, resource))) {
        continue;
      }
      boolean applies = true;
      if (statement.containsKey("Condition")) {
        Map<String, Object> condition = object(statement, "Condition");
        assertThat(condition.keySet()).containsExactly("StringNotLike");
        Map<String, Object> notLike = object(condition, "StringNotLike");
        assertThat(notLike.keySet()).containsExactly("aws:PrincipalArn");
        Object value = notLike.get("aws:PrincipalArn");
        List<String> patterns;
        if (value.equals(
            Map.of("Fn::Split", List.of(",", Map.of("Ref", "OperatorPrincipalArns"))))) {
          patterns = List.of(operators.split(",", -1));
        } else {
          assertThat(value)
              .isEqualTo(Map.of("Fn::Sub", "arn:${AWS::Partition}:iam::${AWS::AccountId}:*"));
          patterns = List.of("arn:aws:iam::" + ACCOUNT + ":*");
        }
        // A negated operator is true when the key is absent (an anonymous caller).
        applies = principal == null || patterns.stream().noneMatch(p -> glob(p, principal));
      }
      if (!applies) {
        continue;
      }
      switch ((String) statement.get("Effect")) {
        case "Deny" -> {
          return Verdict.DENY;
        }
        case "Allow" -> allowed = true;
        default -> throw new AssertionError("unexpected effect " + statement);
      }
    }
    return allowed ? Verdict.ALLOW : Verdict.NONE;
  }

  /** IAM's wildcard match: {@code *} any run of characters, {@code ?} one. */
  private static boolean glob(String pattern, String value) {
    StringBuilder regex = new StringBuilder();
    for (char c : pattern.toCharArray()) {
      regex.append(
          switch (c) {
            case '*' -> ".*";
            case '?' -> ".";
            default -> java.util.regex.Pattern.quote(String.valueOf(c));
          });
    }
    return value.matches(regex.toString());
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> statements(Map<String, Object> role) {
    List<Map<String, Object>> statements = new java.util.ArrayList<>();
    for (Object policy : (List<Object>) role.getOrDefault("Policies", List.of())) {
      Map<String, Object> document = object(object(policy), "PolicyDocument");
      statements.addAll((List<Map<String, Object>>) (List<?>) list(document, "Statement"));
    }
    return statements;
  }

  /** A table with this key schema (sortKey null: none). */
  private static Map<String, Object> tableWithKey(
      Map<String, Map<String, Object>> tables, String partitionKey, String sortKey) {
    List<Map<String, Object>> schema =
        sortKey == null
            ? List.of(Map.of("AttributeName", partitionKey, "KeyType", "HASH"))
            : List.of(
                Map.of("AttributeName", partitionKey, "KeyType", "HASH"),
                Map.of("AttributeName", sortKey, "KeyType", "RANGE"));
    return tables.values().stream()
        .filter(t -> list(t, "KeySchema").equals(schema))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no table keyed by " + schema));
  }

  /**
   * The detector names its first failed stream record (a partial batch response), so the records
   * before it are not observed and counted twice on a retry.
   */
  @Test
  void theDetectorsStreamMappingReportsPartialBatchFailures() {
    Map<String, Object> mapping =
        template().ofType("AWS::Lambda::EventSourceMapping").get("IssuancesStreamToDetector");
    assertThat(mapping).as("IssuancesStreamToDetector").isNotNull();
    assertThat(mapping).containsEntry("FunctionResponseTypes", List.of("ReportBatchItemFailures"));
  }

  /** The log-subscription path (asynchronous invocations) ends in the detector's queue too. */
  @Test
  void theDetectorsAsynchronousInvocationsEndInItsDeadLetterQueue() {
    Map<String, Object> config =
        template().ofType("AWS::Lambda::EventInvokeConfig").get("AnomalyDetectorInvokeConfig");
    assertThat(config).as("AnomalyDetectorInvokeConfig").isNotNull();
    assertThat(config).containsEntry("MaximumRetryAttempts", 2L);
    assertThat(String.valueOf(config.get("DestinationConfig")))
        .contains("AnomalyDetectorDeadLetterQueue");
    assertThat(String.valueOf(config.get("FunctionName"))).contains("AnomalyDetectorFunction");
  }
}
